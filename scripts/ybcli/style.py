"""The style check `yieldbench test` runs: clang-format for C and C++ (.clang-format), black and flake8 for
Python (pyproject.toml, .flake8), yamllint for YAML (.yamllint: the CI workflow). Each problem is one line
naming the file and the command that fixes it."""
import pathlib
import subprocess

from . import paths

CPP_SUFFIXES = (".c", ".cpp", ".h")


def tracked_files(root: pathlib.Path) -> list:
    """The checkout's files that git would commit: tracked, or new and not ignored."""
    done = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # not a git checkout (an unpacked archive): every file outside build output
        ignored = {"build", "results", ".git"}
        return sorted(
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and not ignored & set(path.relative_to(root).parts)
        )
    return sorted(name for name in done.stdout.split("\0") if name and (root / name).is_file())


def check(root: pathlib.Path = paths.REPO_ROOT, files: list = None) -> list:
    """Every style problem under `root` (or in `files`, relative to it), one line each; [] when clean."""
    files = tracked_files(root) if files is None else files
    cpp = [name for name in files if name.endswith(CPP_SUFFIXES)]
    python = [name for name in files if name.endswith(".py")]
    yaml = [name for name in files if name.endswith((".yml", ".yaml"))]
    problems = []
    if cpp:
        done = _run(["clang-format", "--dry-run", "--Werror", *cpp], root)
        unformatted = sorted({line.split(":", 1)[0] for line in done.stderr.splitlines() if ": error: " in line})
        problems += [f"{name} is not clang-formatted (run: clang-format -i {name})" for name in unformatted]
        if done.returncode != 0 and not unformatted:
            problems.append(f"clang-format failed: {_last_line(done)}")
    if python:
        done = _run([paths.PYTHON, "-m", "black", "--check", *python], root)
        reformat = [
            line.split("would reformat ", 1)[1] for line in done.stderr.splitlines() if "would reformat " in line
        ]
        problems += [f"{name} is not black-formatted (run: black {name})" for name in reformat]
        if done.returncode != 0 and not reformat:
            problems.append(f"black failed: {_last_line(done)}")
        done = _run([paths.PYTHON, "-m", "flake8", *python], root)
        problems += [f"flake8: {line}" for line in done.stdout.splitlines() if line.strip()]
        if done.returncode not in (0, 1):
            problems.append(f"flake8 failed: {_last_line(done)}")
    if yaml:
        done = _run(["yamllint", "--format", "parsable", *yaml], root)
        problems += [f"yamllint: {line}" for line in done.stdout.splitlines() if line.strip()]
        if done.returncode not in (0, 1):
            problems.append(f"yamllint failed: {_last_line(done)}")
    return problems


def _run(command: list, root: pathlib.Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        return subprocess.CompletedProcess(command, 127, "", f"{command[0]}: not installed (scripts/bootstrap)")


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"
