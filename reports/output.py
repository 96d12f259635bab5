"""The output folder: created and checked before anything is drawn; every file written to a temporary name
and renamed, so a failure never leaves a half-written file and never removes one already there."""
import os
import tempfile
from pathlib import Path

from .errors import ReportError


def prepare_out_dir(path) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ReportError(path, "output folder is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(path, f"cannot create output folder ({exc.strerror or exc})") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".yb-probe-", dir=out)
    except OSError as exc:
        raise ReportError(path, f"output folder is not writable ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
    return out


def write_atomic(path: Path, data: bytes):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise ReportError(path, f"cannot write ({exc.strerror or exc})") from None
