"""Writing results files: strict JSON, to a temporary file in the same folder, flushed to disk, then renamed
over the target, so a crash or a full disk never leaves half a file where a reader would take it for whole."""
import os
import pathlib
import tempfile

from . import strict


def write(path, document: dict, compact_entries: bool = False) -> None:
    """Writes `document` to `path` atomically; on failure an OSError naming `path`, and `path` as it was."""
    write_text(path, strict.dumps(document, compact_entries))


def write_text(path, text: str) -> None:
    """Writes `text` to `path` atomically (results.json, results.csv); on failure an OSError naming `path`."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; results are for sharing
        os.replace(temporary, path)
    except OSError as error:  # a full disk, a file size limit: said of the file being written, not the temporary
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
