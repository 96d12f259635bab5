// Failure injection, for the tests of what happens when a benchmark goes wrong.
//
// The suite must survive a benchmark that hangs, crashes or leaks (watchdog, crash isolation,
// leak audit, interrupted runs), and those paths can only be tested with a benchmark that
// misbehaves on demand. YB_FAILPOINT="ACTION@NAME[;ACTION@NAME...]" makes the benchmark called
// NAME do ACTION when it is called:
//   hang     block forever (the watchdog's case)
//   crash    die of SIGSEGV
//   exit     exit with status 3 at once
//   leak_fd  open /dev/null and never close it (the leak audit's case)
//   noisy:MB write MB MiB to stderr and MB MiB of other lines (one of 1 MiB) to stdout, the
//            progress channel, then go on (the supervisor's bounded failure log)
//   slow:PCT add calibrated extra work of PCT percent to each operation of its timed loop (the
//            regression gate's own error-rate check, `yieldbench gate-check`)
// Unset (always, outside tests), every call is a lookup in an empty list.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace yb::failpoints {

// Does what YB_FAILPOINT asks of the benchmark `name` before its body runs (hang, crash, noisy, exit).
void before_call(const std::string& name);
// ... and after it (leak_fd).
void after_call(const std::string& name);

// slow:PCT of the benchmark `name`, in percent; 0 when it asks for none.
double slowdown_percent(const std::string& name);
// The slowdown asked of the benchmark running on this thread; the registry sets it around each call.
double& current_slowdown_percent();

// Extra work worth a fixed fraction of one operation: a dependent multiply chain of `rounds`
// steps, which no compiler can shorten and which touches no memory, so it adds time (and
// instructions) without changing the operation's caches.
class ExtraWork {
 public:
  ExtraWork() = default;
  // Times `operation` and the chain (untimed, before the loop) so that run() costs `percent` of
  // one operation.
  ExtraWork(double percent, const std::function<void()>& operation);
  bool none() const { return rounds_ == 0; }
  void run() const;
  double requested() const { return percent_ / 100.0; }
  // What the timed loop says it added: its mean against the operation's calibrated time.
  double achieved(double loop_mean_ns) const { return loop_mean_ns / operation_ns_ - 1.0; }

 private:
  double percent_ = 0;
  double operation_ns_ = 0;
  std::uint64_t rounds_ = 0;
};

}  // namespace yb::failpoints
