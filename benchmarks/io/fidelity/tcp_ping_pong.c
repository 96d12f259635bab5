/* The fidelity reference for io/echo_tcp/blocking_threads/conns:1/msg:64: the same shape with
 * nothing else around it. A thread is a blocking echo server on 127.0.0.1 (TCP_NODELAY, recv up
 * to 4096 bytes, send them all back); the main thread connects (TCP_NODELAY) and makes round
 * trips of 64 bytes with blocking send/recv, reading CLOCK_MONOTONIC (what std::chrono's
 * steady_clock reads) before the send and after the whole echo is in, like the load generator.
 *
 * usage: tcp_ping_pong [ROUND_TRIPS]   (default 20000, at most 10000000)
 * prints one line: round_trips=N p50_ns=... p90_ns=... p99_ns=... mean_ns=...
 * 1000 round trips before the recorded ones warm the path up. Every call is bounded by a
 * 10-second socket timeout, so a stuck peer ends the program with an error instead of a hang. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { kMessage = 64, kWarmUp = 1000, kMaxRoundTrips = 10000000 };

static void die(const char* what) {
  fprintf(stderr, "tcp_ping_pong: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void bound_and_nodelay(int fd) {
  const struct timeval limit = {10, 0};
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    die("setsockopt");
  }
}

static void* echo(void* argument) {
  const int fd = (int)(intptr_t)argument;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* the client closed (or the timeout passed) */
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t w = send(fd, buffer + sent, (size_t)(n - sent), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return NULL;
      sent += w;
    }
  }
  return NULL;
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void round_trip(int fd, unsigned char* out, unsigned char* in) {
  for (size_t sent = 0; sent < kMessage;) {
    const ssize_t n = send(fd, out + sent, kMessage - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("send");
    sent += (size_t)n;
  }
  for (size_t received = 0; received < kMessage;) {
    const ssize_t n = recv(fd, in + received, kMessage - received, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ECONNRESET;
    if (n <= 0) die("recv");
    received += (size_t)n;
  }
}

static int by_value(const void* a, const void* b) {
  const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  const long round_trips = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
  if (round_trips < 1 || round_trips > kMaxRoundTrips) {
    fprintf(stderr, "usage: tcp_ping_pong [ROUND_TRIPS in 1..%d]\n", kMaxRoundTrips);
    return 2;
  }

  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) die("socket");
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, (struct sockaddr*)&address, &length) != 0) {
    die("bind/listen on 127.0.0.1");
  }
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0) die("socket");
  bound_and_nodelay(client);
  if (connect(client, (struct sockaddr*)&address, sizeof address) != 0) die("connect");
  const int server = accept(listener, NULL, NULL);
  if (server < 0) die("accept");
  bound_and_nodelay(server);
  pthread_t echo_thread;
  if ((errno = pthread_create(&echo_thread, NULL, echo, (void*)(intptr_t)server)) != 0) die("pthread_create");

  unsigned char out[kMessage], in[kMessage];
  memset(out, 0x5a, sizeof out);
  int64_t* samples = malloc((size_t)round_trips * sizeof *samples);
  if (samples == NULL) die("malloc");
  for (int i = 0; i < kWarmUp; ++i) round_trip(client, out, in);
  double total = 0;
  for (long i = 0; i < round_trips; ++i) {
    const int64_t start = now_ns();
    round_trip(client, out, in);
    samples[i] = now_ns() - start;
    total += (double)samples[i];
  }

  close(client); /* the echo thread sees EOF and ends */
  pthread_join(echo_thread, NULL);
  close(server);
  close(listener);

  qsort(samples, (size_t)round_trips, sizeof *samples, by_value);
  /* The same rank as the harness's histogram: the smallest value with at least q of them at or below. */
  const long p50 = (round_trips * 50 + 99) / 100 - 1, p90 = (round_trips * 90 + 99) / 100 - 1,
             p99 = (round_trips * 99 + 99) / 100 - 1;
  printf("round_trips=%ld p50_ns=%lld p90_ns=%lld p99_ns=%lld mean_ns=%.0f\n", round_trips, (long long)samples[p50],
         (long long)samples[p90], (long long)samples[p99], total / (double)round_trips);
  free(samples);
  return 0;
}
