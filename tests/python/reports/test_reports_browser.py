"""index.html in a real browser (Debian's headless chromium through selenium): every plotly chart drawn with
bars, the table of every result sortable and filterable, the log/linear buttons working, every PNG loaded,
no console or script error and no request leaving the report folder; for a report of one file and for a
comparison. Full-page screenshots are kept in build/test-output/browser/."""
import re
import shutil

import pytest
from browser_testlib import MIN_CHART_HEIGHT, Browser, problems, require_browser

from reports.load import load_all
from reports.model import Report


@pytest.fixture(scope="module")
def browser():
    require_browser()
    started = Browser()
    try:
        yield started
    finally:
        started.close()


def benchmark_count(*results) -> int:
    return len(Report(load_all([str(p) for p in results])).current)


def chart_count(page) -> int:
    return len(re.findall(r'class="yb-chart"', page.read_text(encoding="utf-8")))


def test_report_page_in_chromium(browser, quick_report):
    from selenium.webdriver.common.by import By

    from reports_testlib import fixture

    page = quick_report / "index.html"
    found = browser.open(page)
    browser.screenshot("report.png")
    assert problems(found, quick_report) == []
    heights = browser.driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.yb-chart'),"
        " function (d) { return d.getBoundingClientRect().height; })"
    )
    assert min(heights) >= MIN_CHART_HEIGHT, "a chart collapsed when the window was resized for the screenshot"
    assert len(found["plots"]) == chart_count(page) >= 1
    assert found["images"] == len(list(quick_report.glob("*.png")))
    total = benchmark_count(fixture("quick_reps.json"))
    assert found["table"] == total

    driver = browser.driver
    search = driver.find_element(By.CSS_SELECTOR, "#yb-results_filter input")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", search)
    search.send_keys("eager_vector")
    shown = driver.execute_script("return jQuery('#yb-results').DataTable().rows({search: 'applied'}).data().length")
    texts = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#yb-results tbody tr")]
    assert 0 < shown < total
    assert texts and all("eager_vector" in text for text in texts)
    search.clear()
    search.send_keys("no-such-benchmark")
    assert (
        driver.execute_script("return jQuery('#yb-results').DataTable().rows({search: 'applied'}).data().length") == 0
    )
    search.clear()
    search.send_keys(" ")

    header = driver.find_element(By.XPATH, "//table[@id='yb-results']/thead//th[@title='wall time per operation']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", header)
    header.click()
    column = driver.execute_script(
        "var t = jQuery('#yb-results').DataTable();"
        "var i = t.column(arguments[0]).index();"
        "return t.rows({order: 'applied', search: 'applied'}).nodes().toArray()"
        ".map(function (r) { return r.cells[i].getAttribute('data-order'); });",
        header,
    )
    numbers = [float(v) for v in column if v]
    assert numbers == sorted(numbers) and len(set(numbers)) > 1

    chart = driver.find_element(By.CSS_SELECTOR, ".yb-chart")
    before = driver.execute_script("return arguments[0]._fullLayout.yaxis.type", chart)
    other = "linear" if before == "log" else "log"
    button = chart.find_element(
        By.XPATH, f".//*[local-name()='g'][contains(@class,'updatemenu-button')][.//*[text()='{other}']]"
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
    button.click()
    assert driver.execute_script("return arguments[0]._fullLayout.yaxis.type", chart) == other


def test_comparison_page_in_chromium(browser, compare_report, new_run):
    from reports_testlib import fixture

    page = compare_report / "index.html"
    found = browser.open(page)
    browser.screenshot("comparison.png")
    assert problems(found, compare_report) == []
    assert len(found["plots"]) == chart_count(page)
    assert found["table"] == benchmark_count(fixture("quick_reps.json"), new_run)
    titles = browser.driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.yb-chart'),"
        " function (d) { return d._fullLayout.title.text; })"
    )
    assert any(title.startswith("wall time per item: baseline plain") for title in titles)


def test_browser_check_sees_faults(browser, quick_report, tmp_path):
    """The checks above can fail: a script error, a blank chart, a missing image and a request that leaves
    the folder are all reported."""
    folder = tmp_path / "report"
    shutil.copytree(quick_report, folder)
    html = (folder / "index.html").read_text(encoding="utf-8")
    html = re.sub(
        r'(<script type="application/json" id="yb-figure-0">).*?(</script>)',
        r'\1{"data": [], "layout": {}}\2',
        html,
        count=1,
        flags=re.S,
    )
    html = html.replace(
        "</body>",
        '<img src="missing.png"><img src="http://127.0.0.1:9/x.png"><script>throw new Error("probe")</script></body>',
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    found = browser.open(folder / "index.html")
    wrong = problems(found, folder)
    assert any(line.startswith("script error:") and "probe" in line for line in wrong)
    assert any(line.startswith("blank chart:") and "yb-chart-0" in line for line in wrong)
    assert "image not loaded: missing.png" in wrong
    assert "request outside the report folder: http://127.0.0.1:9/x.png" in wrong
