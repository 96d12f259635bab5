"""What a profile needs before anything runs: the profile preset, the tool's executables, and perf's
permission to sample (kernel.perf_event_paranoid), each refused with the command that fixes it."""
import pathlib
import shutil

from ..errors import SetupError

# Frame pointers and debug info: stacks that unwind and functions that have names.
PRESET = "profile"
INSTALL = "scripts/bootstrap --profiling"
TOOLS = {  # tool -> the executables it needs
    "perf": ["perf"],
    "callgrind": ["valgrind", "callgrind_annotate"],
    "heaptrack": ["heaptrack", "heaptrack_print"],
}


def check_tool(tool: str) -> None:
    for executable in TOOLS[tool]:
        if shutil.which(executable) is None:
            raise SetupError(f"{tool} needs '{executable}', which is not installed; install it with: {INSTALL}")


def perf_paranoid(path: str = "/proc/sys/kernel/perf_event_paranoid"):
    try:
        return int(pathlib.Path(path).read_text().strip())
    except (OSError, ValueError):
        return None


def perf_event_modifier(paranoid, euid: int) -> str:
    """'' (user and kernel) or ':u' (user space only), or SetupError when perf may not sample at all."""
    if euid == 0 or paranoid is None or paranoid <= 1:
        return ""
    if paranoid == 2:
        return ":u"  # unprivileged: own user space only; the kernel share is then unmeasured
    raise SetupError(
        f"perf is not permitted: kernel.perf_event_paranoid is {paranoid}; run as root or lower it "
        f"(sudo sysctl kernel.perf_event_paranoid=2)"
    )
