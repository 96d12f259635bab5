"""A headless Debian chromium driven by selenium for the report tests: one page at a time, every chart drawn,
and what went wrong (script errors, blank charts, broken images, requests that left the folder) collected.
Screenshots go to build/test-output/browser/ (ignored by git)."""
import os
import pathlib
import shutil
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = pathlib.Path(__file__).resolve().parents[3] / "build" / "test-output" / "browser"
TIMEOUT_S = 60
MAX_SHOT_HEIGHT = 16000
MIN_CHART_HEIGHT = 300  # px; the charts are drawn 460 px tall
# Plotly redraws a responsive chart a little after the window's size changes.
SETTLE = "var done = arguments[arguments.length - 1]; setTimeout(done, 500);"
taken = set()  # screenshots written in this session, named at the end of the test output

# Installed before any script of the page runs: keeps uncaught errors, rejected promises and resources
# that failed to load (the capture phase sees <img>/<script> errors too).
ERROR_TRAP = """
window.__ybErrors = [];
addEventListener("error", function (e) {
  var what = e.message || (e.target && (e.target.src || e.target.href)) || "error";
  window.__ybErrors.push(String(what));
}, true);
addEventListener("unhandledrejection", function (e) { window.__ybErrors.push("unhandled: " + e.reason); });
"""

# Draws every chart, waits for every image, and reports what the page shows.
INSPECT = """
var done = arguments[arguments.length - 1];
var images = Array.prototype.slice.call(document.images);
images.forEach(function (img) { img.loading = "eager"; });
var loaded = Promise.all(images.map(function (img) {
  return img.complete ? null : new Promise(function (ok) { img.onload = img.onerror = ok; });
}));
var drawn = window.yieldbench ? window.yieldbench.drawAll() : Promise.resolve();
Promise.all([loaded, drawn]).then(function () {
  var plots = Array.prototype.map.call(document.querySelectorAll(".yb-chart"), function (div) {
    var data = div._fullData || [];
    return {
      id: div.id,
      plotly: div.classList.contains("js-plotly-plot"),
      traces: data.filter(function (t) { return t.visible === true; }).length,
      bars: div.querySelectorAll(".barlayer .point path").length,
      yaxis: div._fullLayout ? div._fullLayout.yaxis.type : null,
      height: div.getBoundingClientRect().height
    };
  });
  done({
    errors: window.__ybErrors,
    plots: plots,
    broken: images.filter(function (i) { return i.naturalWidth === 0; })
      .map(function (i) { return i.getAttribute("src"); }),
    images: images.length,
    resources: performance.getEntriesByType("resource").map(function (e) { return e.name; }),
    table: window.jQuery && jQuery.fn.DataTable && document.getElementById("yb-results")
      ? jQuery("#yb-results").DataTable().page.info().recordsTotal : null
  });
}, function (e) { done({failure: String(e)}); });
"""


def require_browser():
    """Skips where chromium is truly absent, never in CI (scripts/bootstrap installs it there)."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)) if path is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI lacks {', '.join(missing)}: scripts/bootstrap should have installed them")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/bootstrap installs them)")


class Browser:
    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="yb-chromium-")
        options = Options()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless=new",
            "--no-sandbox",  # tests run as root in CI
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            "--window-size=1280,1000",
            f"--user-data-dir={self.profile}",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = None
        try:
            self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
            self.driver.set_page_load_timeout(TIMEOUT_S)
            self.driver.set_script_timeout(TIMEOUT_S)
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_TRAP})
        except BaseException:
            self.close()
            raise

    def open(self, page: pathlib.Path) -> dict:
        """Loads `page`, draws everything, and returns what INSPECT found plus the SEVERE console lines."""
        self.driver.get(page.as_uri())
        found = self.driver.execute_async_script(INSPECT)
        found["severe"] = [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        return found

    def screenshot(self, name: str) -> pathlib.Path:
        """The whole page: the window made as tall as the page (up to MAX_SHOT_HEIGHT), the charts given
        time to follow the new size, then the window as it was."""
        driver = self.driver
        width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
        page_height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(page_height + 150, MAX_SHOT_HEIGHT))
        driver.execute_async_script(SETTLE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
        path.write_bytes(driver.get_screenshot_as_png())
        taken.add(name)
        driver.set_window_size(width, height)
        driver.execute_async_script(SETTLE)
        return path

    def close(self):
        try:
            if self.driver is not None:
                self.driver.quit()  # ends chromium and chromedriver
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def problems(found: dict, folder: pathlib.Path) -> list:
    """Everything wrong with a page as INSPECT saw it."""
    if "failure" in found:
        return [f"drawing failed: {found['failure']}"]
    wrong = [f"console: {line}" for line in found["severe"]]
    wrong += [f"script error: {line}" for line in found["errors"]]
    wrong += [f"image not loaded: {src}" for src in found["broken"]]
    for plot in found["plots"]:
        if not plot["plotly"] or plot["traces"] == 0 or plot["bars"] == 0:
            wrong.append(f"blank chart: {plot}")
        elif plot["height"] < MIN_CHART_HEIGHT:
            wrong.append(f"collapsed chart: {plot}")
    base = folder.resolve().as_uri()
    wrong += [f"request outside the report folder: {url}" for url in found["resources"] if not url.startswith(base)]
    return wrong
