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
// Unset (always, outside tests), every call is a lookup in an empty list.
#pragma once

#include <string>

namespace yb::failpoints {

// Does what YB_FAILPOINT asks of the benchmark `name` before its body runs (hang, crash, exit).
void before_call(const std::string& name);
// ... and after it (leak_fd).
void after_call(const std::string& name);

}  // namespace yb::failpoints
