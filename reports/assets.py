"""The scripts and styles index.html loads, copied once per report folder into assets/ beside it, so the
page works offline and from any folder: Debian's plotly.js (python3-plotly), jQuery and DataTables
(libjs-jquery, libjs-jquery-datatables, with the sort arrows its CSS points at) and the page's own script.
Never inlined per chart and never fetched from a network."""
from pathlib import Path

from .output import write_atomic

FOLDER = "assets"
STATIC = Path(__file__).resolve().parent / "static"
DATATABLES = Path("/usr/share/javascript/jquery-datatables")

# Path inside assets/ -> (source, the Debian package that ships it). The CSS refers to ../images/.
FILES = {
    "plotly.js": (Path("/usr/share/python3-plotly/plotly.js"), "python3-plotly"),
    "jquery.min.js": (Path("/usr/share/javascript/jquery/jquery.min.js"), "libjs-jquery"),
    "jquery.dataTables.min.js": (DATATABLES / "jquery.dataTables.min.js", "libjs-jquery-datatables"),
    "css/jquery.dataTables.min.css": (DATATABLES / "css/jquery.dataTables.min.css", "libjs-jquery-datatables"),
    **{
        f"images/{name}": (DATATABLES / "images" / name, "libjs-jquery-datatables")
        for name in (
            "sort_asc.png",
            "sort_asc_disabled.png",
            "sort_both.png",
            "sort_desc.png",
            "sort_desc_disabled.png",
        )
    },
    "yieldbench.js": (STATIC / "yieldbench.js", "yieldbench"),
}
SCRIPTS = ("plotly.js", "jquery.min.js", "jquery.dataTables.min.js", "yieldbench.js")  # in load order
STYLES = ("css/jquery.dataTables.min.css",)


def missing() -> list:
    """The Debian packages whose files are absent (scripts/bootstrap installs them)."""
    return sorted({package for source, package in FILES.values() if not source.is_file()})


def copy_into(out: Path) -> int:
    """Copies every asset into out/assets/ (skipping a file already there with the same size and a newer
    time, as when a report is drawn again); returns the bytes the folder holds."""
    total = 0
    for name, (source, _) in FILES.items():
        target = out / FOLDER / name
        size = source.stat().st_size
        total += size
        try:
            same = target.stat().st_size == size and target.stat().st_mtime >= source.stat().st_mtime
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, source.read_bytes())
    return total


def head_tags() -> str:
    """The <link> and <script> tags for index.html's <head>, relative to the page."""
    tags = [f'<link rel="stylesheet" href="{FOLDER}/{name}">' for name in STYLES]
    tags += [f'<script defer src="{FOLDER}/{name}"></script>' for name in SCRIPTS]
    return "\n".join(tags)
