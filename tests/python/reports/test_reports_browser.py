"""index.html in a real browser: where Debian's chromium is installed, load the report headless, save a
screenshot, and fail when any image does not load. Skipped without chromium (`apt-get install chromium`)."""
import re
import shutil
import subprocess

import matplotlib.image
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# Lists the images that failed to load into <body data-broken="...">, read back with --dump-dom.
PROBE = (
    '<script>window.addEventListener("load",function(){var bad=[];for(const i of document.images)'
    '{if(!i.complete||i.naturalWidth===0)bad.push(i.getAttribute("src"));}'
    'document.body.setAttribute("data-images",String(document.images.length));'
    'document.body.setAttribute("data-broken",bad.join(" "));});</script>'
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")


def chromium(*args):
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120)


def broken_images(folder, html: str):
    page = folder / "browser-check.html"
    page.write_text(html.replace(' loading="lazy"', "").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = chromium("--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body and "data-broken" in body.group(0), done.stderr[-2000:]
    count = int(re.search(r'data-images="(\d+)"', body.group(0)).group(1))
    broken = re.search(r'data-broken="([^"]*)"', body.group(0)).group(1).split()
    return count, broken


def test_report_loads_in_chromium(compare_report, tmp_path):
    folder = tmp_path / "report"
    shutil.copytree(compare_report, folder)
    html = (folder / "index.html").read_text(encoding="utf-8")
    count, broken = broken_images(folder, html)
    assert broken == []
    assert count == len(list(folder.glob("*.png")))
    # the probe does catch a missing file
    _, broken = broken_images(folder, html.replace("</body>", '<img src="missing.png"></body>'))
    assert broken == ["missing.png"]
    shot = tmp_path / "screenshot.png"
    chromium("--hide-scrollbars", "--window-size=1280,2400", f"--screenshot={shot}", (folder / "index.html").as_uri())
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2400, 1280) and pixels.std() > 0.05
