// A minimal C++20 coroutine generator (GCC 12 has no std::generator): the promise holds the
// last yielded value; the consumer resumes the coroutine once per element.
#pragma once

#include <coroutine>
#include <exception>
#include <iterator>
#include <utility>

namespace generators {

template <class T>
class Generator {
 public:
  struct promise_type {
    T current{};

    Generator get_return_object() { return Generator{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }  // lazy: nothing runs until the first next
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(T value) noexcept {
      current = std::move(value);
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() { std::rethrow_exception(std::current_exception()); }
  };

  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(std::coroutine_handle<promise_type> coroutine) : coroutine_(coroutine) {}
    const T& operator*() const { return coroutine_.promise().current; }
    iterator& operator++() {
      coroutine_.resume();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return coroutine_.done(); }

   private:
    std::coroutine_handle<promise_type> coroutine_;
  };

  Generator(Generator&& other) noexcept : coroutine_(std::exchange(other.coroutine_, {})) {}
  Generator& operator=(Generator other) noexcept {
    std::swap(coroutine_, other.coroutine_);
    return *this;
  }
  ~Generator() {
    if (coroutine_) coroutine_.destroy();
  }

  iterator begin() {
    coroutine_.resume();
    return iterator{coroutine_};
  }
  std::default_sentinel_t end() { return {}; }

 private:
  explicit Generator(std::coroutine_handle<promise_type> coroutine) : coroutine_(coroutine) {}
  std::coroutine_handle<promise_type> coroutine_;
};

}  // namespace generators
