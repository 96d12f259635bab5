// Dying with the supervisor: no benchmark outlives `yieldbench run`.
//
// A CI timeout ends `yieldbench run` with SIGKILL, which the supervisor cannot catch; a family
// executable left running would go on benchmarking and skew the next job on the machine. The
// supervisor (scripts/ybcli/supervisor.py) starts each family executable in its own process
// group and sets YB_SUPERVISOR_PID (its pid) and YB_SUPERVISOR_FD (the read end of a pipe whose
// only write end it holds). stay_with_supervisor(), first thing in main():
//   - asks the kernel for SIGKILL when the supervisor dies (PR_SET_PDEATHSIG), and exits at once
//     if it has died already (its parent is not the supervisor any more);
//   - starts a guardian: a grandchild that detaches from this process (so no benchmark's wait
//     for its own children ever sees it) but stays in its process group, closes everything but
//     the pipe and blocks reading it. The read returns when the supervisor's write end closes:
//     when the supervisor dies by any signal, or once it has reaped this executable. The
//     guardian then SIGKILLs the whole process group, so workers, servers, load generators and
//     their children end too, even those whose parent is already gone.
// Without YB_SUPERVISOR_PID (run by hand) it does nothing.
#pragma once

namespace yb {

void stay_with_supervisor();

}  // namespace yb
