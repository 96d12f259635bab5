"""Versions of the results format and of yieldbench, and what each schema version means.

  1  files written before the version existed: no `schema_version`; may hold NaN and Infinity literals
     (Google Benchmark writes them for a coefficient of variation whose mean is 0)
  2  strict JSON (RFC 8259): a value that is not finite is left out and the reason kept in the entry's
     `omitted` object ({"field": "reason"}), or in the `yieldbench` block's `omitted` for other places

Readers accept every version up to SCHEMA_VERSION and bring older documents to it on reading; a newer
version is refused, naming both."""
import pathlib

SCHEMA_VERSION = 2
# The yieldbench version: one file, read by CMake (build_info) and by Python.
VERSION = (pathlib.Path(__file__).resolve().parents[1] / "VERSION").read_text(encoding="utf-8").strip()


def version_of(document: dict) -> int:
    """The schema version a document says it has (1 when it says none); ValueError for a malformed one."""
    meta = document.get("yieldbench")
    if not isinstance(meta, dict) or "schema_version" not in meta:
        return 1
    version = meta["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"schema_version {version!r} is not a whole number of at least 1")
    return version
