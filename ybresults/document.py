"""Reading results documents: the JSON text, its shape, its schema version; every problem one line.

A document is what a results file holds: Google Benchmark's `context` and `benchmarks`, and yieldbench's
`yieldbench` block. Whatever is read is brought to the current schema (schema.py): values that are not
finite are left out, with the reason kept (strict.py)."""
import json
import re
from pathlib import Path

from . import names, schema, strict
from .errors import ResultsError

_CUT_TOKEN = re.compile(r"[A-Za-z0-9_.+\-]*")


def parse_text(text: str, where) -> object:
    """The JSON value of `text` (NaN and Infinity literals accepted, as older files and Google Benchmark
    write them); ResultsError saying whether it is malformed or cut short."""
    if not text.strip():
        raise ResultsError(where, "empty file (no JSON)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        end = len(text.rstrip())
        tail = text[error.pos : end]
        if error.pos >= end or error.msg.startswith("Unterminated string") or _CUT_TOKEN.fullmatch(tail):
            raise ResultsError(where, f"truncated JSON (line {text.count(chr(10), 0, end) + 1})") from None
        raise ResultsError(where, f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise ResultsError(where, "not JSON (nested too deeply)") from None


def read_text(path) -> str:
    """The UTF-8 text of a file, or ResultsError naming why it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ResultsError(path, "no such file") from None
    except IsADirectoryError:
        raise ResultsError(path, "is a folder, not a results file") from None
    except PermissionError:
        raise ResultsError(path, "cannot read (permission denied)") from None
    except OSError as error:
        raise ResultsError(path, f"cannot read ({error.strerror or error})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsError(path, "not JSON (not UTF-8 text)") from None


def check_shape(document, where) -> dict:
    """`document` if it is shaped like Google Benchmark output (an object with a `benchmarks` array and
    object-valued `context` and `yieldbench` where present), brought to the current schema."""
    if not isinstance(document, dict):
        kind = {list: "an array", type(None): "null", str: "a string", bool: "a boolean"}.get(
            type(document), "a number"
        )
        raise ResultsError(where, f"not Google Benchmark JSON (the top level is {kind}, not an object)")
    if "benchmarks" not in document:
        raise ResultsError(where, 'no "benchmarks" array (not Google Benchmark JSON output)')
    if not isinstance(document["benchmarks"], list):
        raise ResultsError(where, '"benchmarks" is not an array')
    for key in ("context", "yieldbench"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise ResultsError(where, f'"{key}" is not an object; a foreign file?')
    try:
        version = schema.version_of(document)
    except ValueError as error:
        raise ResultsError(where, str(error)) from None
    if version > schema.SCHEMA_VERSION:
        raise ResultsError(
            where,
            f"schema_version {version} is newer than this yieldbench reads ({schema.SCHEMA_VERSION}); "
            f"update yieldbench to read it",
        )
    return strict.upgrade(document)


def check_yieldbench(document: dict, where) -> dict:
    """`document` if it holds benchmarks named as yieldbench names them; ResultsError otherwise."""
    entries = document["benchmarks"]
    if not entries:
        raise ResultsError(where, 'no benchmarks (the "benchmarks" array is empty)')
    found = [names.run_name(entry) for entry in entries if isinstance(entry, dict)]
    if not any(names.is_name(name) for name in found):
        example = f"; found e.g. {found[0]!r}" if found else ""
        raise ResultsError(
            where,
            "no yieldbench-named benchmarks (expected family/workload/implementation[/param:value]"
            f"{example}): a plain Google Benchmark file?",
        )
    return document


def read(path) -> dict:
    """A results file's document: readable, JSON, shaped like Google Benchmark output, with yieldbench
    benchmarks in it, at the current schema. Anything else is a ResultsError naming the file."""
    return check_yieldbench(check_shape(parse_text(read_text(path), path), path), path)


def read_output(path) -> dict:
    """What one family executable wrote (Google Benchmark JSON; may be empty of benchmarks)."""
    return check_shape(parse_text(read_text(path), path), path)


def parse_output(text: str, where) -> dict:
    """Google Benchmark JSON printed by an executable (`--benchmark_format=json`)."""
    return check_shape(parse_text(text, where), where)


def read_partial(path):
    """A Google Benchmark JSON file, or what a killed writer left of it: its context and every complete
    benchmark entry, marked `"truncated": true` in the context. None when not even the context was written."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        return check_shape(json.loads(text), path)
    except (ValueError, ResultsError):
        pass
    head, marker, rest = text.partition('"benchmarks": [')
    if not marker:
        return None
    try:
        document = json.loads(head.rstrip().rstrip(",") + "}")
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    decoder, position, entries = json.JSONDecoder(), 0, []
    while True:
        while position < len(rest) and rest[position] in " \t\r\n,":
            position += 1
        try:
            entry, position = decoder.raw_decode(rest, position)
        except ValueError:
            break
        entries.append(entry)
    document["benchmarks"] = entries
    if not isinstance(document.get("context"), dict):
        document["context"] = {}
    document["context"]["truncated"] = True
    try:
        return check_shape(document, path)
    except ResultsError:
        return None
