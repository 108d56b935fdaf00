"""The quarterly report in a real browser, offline: every page renders every chart and asks nothing of the network.

Headless Chromium (Debian's ``chromium``, driven by Playwright from PyPI through ``executable_path``) opens
the index and each step page from a ``file://`` URL with name resolution blocked. Skipped, with the reason,
where no Chromium is installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = next((path for path in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"))
                 if path and Path(path).exists()), None)
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (install Debian's 'chromium')")

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND"]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def open_offline(browser, page_path: Path) -> dict:
    """Open one page; return the requests that left the machine, script errors and chart sizes."""
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    # nbconvert inlines a chart's SVG either as <svg> or as an <img> with a data: URI; an image that failed
    # to decode has no natural size
    charts = page.eval_on_selector_all(
        ".output_svg svg, .output_svg img, .output_png img",
        """nodes => nodes.map(n => {
            const r = n.getBoundingClientRect();
            const decoded = n.tagName.toLowerCase() !== "img" || (n.complete && n.naturalWidth > 0);
            return [decoded ? r.width : 0, decoded ? r.height : 0];
        })""")
    expected = page.eval_on_selector_all(".output_svg, .output_png", "nodes => nodes.length")
    text = page.inner_text("body")
    page.close()
    outside = [url for url in requests if not url.startswith(("file://", "data:", "about:"))]
    return {"outside": outside, "errors": errors, "charts": charts, "expected": expected, "text": text}


@pytest.mark.parametrize("quarter", ["2026Q2", "2026Q3"])
def test_every_page_renders_offline(browser, reports, quarter):
    pages = sorted(reports[quarter].glob("*.html"))
    assert len(pages) == 11  # the index and ten steps
    charts = 0
    for page_path in pages:
        result = open_offline(browser, page_path)
        assert result["outside"] == [], (page_path.name, result["outside"])
        assert result["errors"] == [], (page_path.name, result["errors"])
        assert "Error loading script" not in result["text"]
        assert len(result["charts"]) == result["expected"], page_path.name
        assert all(width > 50 and height > 50 for width, height in result["charts"]), page_path.name
        charts += len(result["charts"])
    assert charts >= 12  # funnel, durations, splits, coverage, emotions, matrix, KPIs, blueprint, the map...
