"""Bootstrapping packages and building a CMake preset, each step said aloud."""
import subprocess
import sys

from . import paths
from .errors import SetupError


def say(message: str) -> None:
    print(f"yieldbench: {message}", file=sys.stderr, flush=True)


def bootstrap(profiling: bool = False) -> None:
    """Installs missing Debian packages (a no-op, and quiet, when none are missing); with
    `profiling`, also perf, valgrind and heaptrack."""
    command = [str(paths.SCRIPTS / "bootstrap")] + (["--profiling"] if profiling else [])
    if subprocess.run(command).returncode != 0:
        raise SetupError("bootstrap could not install the packages the suite needs (see the message above)")


def build(preset: str = "release") -> None:
    """Configures the preset when its tree is new, then builds it (Ninja rebuilds only what changed)."""
    build_dir = paths.build_dir(preset)
    cache = build_dir / "CMakeCache.txt"
    presets = paths.REPO_ROOT / "CMakePresets.json"
    # A changed preset (flags, cache variables) must reach an existing tree too.
    if not cache.exists() or presets.stat().st_mtime > cache.stat().st_mtime:
        say(f"configuring the {preset} preset in {build_dir.relative_to(paths.REPO_ROOT)}/")
        _run_quietly(["cmake", "--preset", preset], f"configuring the {preset} preset")
    say(f"building the {preset} preset")
    _run_quietly(["cmake", "--build", "--preset", preset], f"building the {preset} preset")


def _run_quietly(command: list, what: str) -> None:
    """Runs a build step, showing its output only when it fails (then the last 40 lines)."""
    done = subprocess.run(command, cwd=paths.REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        print("\n".join(done.stdout.splitlines()[-40:]), file=sys.stderr)
        raise SetupError(f"{what} failed (exit {done.returncode}); the build output is above")
