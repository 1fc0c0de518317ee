"""reports/index.html in a real browser: headless Chromium driven through
chromedriver's WebDriver protocol (plain HTTP + JSON, no client library).

Checks that the matrix, the chart and a failure's detail are visible (the
DOM as laid out, and a screenshot). Skipped, with the reason, only where
Chromium or chromedriver is absent (.ci/run installs them:
`apt-get install chromium chromium-driver`).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(os.environ.get("CONFORMANCE_REPORT_HTML") or ROOT / "reports" / "index.html")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
DRIVERS = ("chromedriver", "chromium-driver")


def _find(names):
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    for p in ("/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver"):
        if any("driver" in n for n in names) and os.path.exists(p):
            return p
    return None


BROWSER = _find(BROWSERS)
DRIVER = _find(DRIVERS)
pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium chromium-driver); "
    f"found browser={BROWSER}, chromedriver={DRIVER}",
)


class WebDriver:
    """The handful of W3C WebDriver calls the test needs."""

    def __init__(self, driver: str, browser: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while True:  # chromedriver start-up: poll its status with a deadline
            try:
                if self._call("GET", "/status")["value"].get("ready"):
                    break
            except (OSError, urllib.error.URLError, ValueError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.proc.kill()
                raise RuntimeError("chromedriver did not start within 20s")
            time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": browser,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                     "--allow-file-access-from-files"]}}}}
        self.session = self._call("POST", "/session", caps)["value"]["sessionId"]

    def _call(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"WebDriver {method} {path}: {exc.read()[:500]!r}") from None

    def cmd(self, method: str, path: str, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)["value"]

    def js(self, script: str, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css: str) -> str:
        value = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(value.values()))

    def quit(self) -> None:
        try:
            self.cmd("DELETE", "")
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def browser():
    wd = WebDriver(DRIVER, BROWSER)
    yield wd
    wd.quit()


VISIBLE = """
var e = typeof arguments[0] === 'string' ? document.querySelector(arguments[0]) : arguments[0];
if (!e) return null;
var r = e.getBoundingClientRect(), s = getComputedStyle(e);
return {w: r.width, h: r.height, display: s.display, visibility: s.visibility, opacity: s.opacity};
"""


def _visible(info) -> bool:
    return bool(info) and info["w"] > 0 and info["h"] > 0 and info["display"] != "none" \
        and info["visibility"] != "hidden" and float(info["opacity"]) > 0


def _png_pixels(png: bytes):
    """(width, height, distinct colours in a sample of rows) of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, ctype = struct.unpack(">IIBB", data[:10])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = 4 if ctype == 6 else 3
    stride = width * bpp + 1
    colours = set()
    for y in range(0, height, max(1, height // 40)):  # filter bytes aside, raw rows still vary with content
        row = raw[y * stride + 1:(y + 1) * stride]
        colours.update(row[i:i + 3] for i in range(0, len(row), bpp * 7))
    return width, height, len(colours)


def test_report_renders_matrix_chart_and_failure_detail(browser, tmp_path):
    assert REPORT.exists(), "reports/index.html is missing: run `python -m conformance matrix`"
    browser.cmd("POST", "/url", {"url": REPORT.as_uri()})
    assert "conformance" in browser.cmd("GET", "/title")

    # the matrix: implementation columns and case rows, laid out and visible
    columns = browser.js("return [].map.call(document.querySelectorAll('#matrix th.impl'), e => e.textContent)")
    assert len(columns) >= 11, columns
    assert browser.js("return document.querySelectorAll('#matrix tr.case').length") > 100
    assert _visible(browser.js(VISIBLE, "#matrix")), "the case matrix is not visible"
    assert _visible(browser.js(VISIBLE, "#summary")), "the summary table is not visible"
    assert _visible(browser.js(VISIBLE, "#by-level")), "the pass counts by level are not visible"

    # the chart: an inline SVG with bars of non-zero height, one group per implementation
    assert _visible(browser.js(VISIBLE, "#chart")), "the chart is not visible"
    bars = browser.js("return [].map.call(document.querySelectorAll('#chart rect.bar'), "
                      "r => r.getBoundingClientRect().height)")
    assert len(bars) >= len(columns) and sum(1 for h in bars if h > 0) >= len(columns)
    chart = browser.find("#chart")
    browser.js("document.querySelector('#chart').scrollIntoView({block: 'start'})")
    chart_png = base64.b64decode(browser.cmd("GET", f"/element/{chart}/screenshot"))
    w, h, colours = _png_pixels(chart_png)
    assert w > 300 and h > 150 and colours > 4, (w, h, colours)
    (tmp_path / "chart.png").write_bytes(chart_png)

    # a failure detail: clicking a failing cell shows the bytes and observed vs expected
    assert browser.js("return document.querySelectorAll('tr.detail').length") == 0
    cell = browser.find("#matrix td.f[data-d]")
    browser.js("document.querySelector('#matrix td.f[data-d]').scrollIntoView({block: 'center'})")
    browser.cmd("POST", f"/element/{cell}/click", {})
    detail = browser.js("var d = document.querySelector('#matrix tr.detail'); if (!d) return null;"
                        "return {text: d.innerText, transcript: d.querySelector('pre.transcript').textContent,"
                        "observed: d.querySelector('pre.observed').textContent,"
                        "expected: d.querySelector('pre.expected').textContent}")
    assert detail is not None, "clicking a failing cell showed no detail row"
    assert _visible(browser.js(VISIBLE, "#matrix tr.detail pre.transcript")), "the exchanged bytes are not visible"
    assert "c>s" in detail["transcript"] or "s>c" in detail["transcript"] or "no bytes" in detail["transcript"]
    assert detail["observed"].strip() and detail["expected"].strip()
    assert "Observed" in detail["text"] and "Expected" in detail["text"]
    page_png = base64.b64decode(browser.cmd("GET", "/screenshot"))
    w, h, colours = _png_pixels(page_png)
    assert w >= 1000 and h >= 600 and colours > 4
    (tmp_path / "failure-detail.png").write_bytes(page_png)

    # the page is self-contained: no external resources were requested
    external = browser.js("return performance.getEntriesByType('resource').map(e => e.name)"
                          ".filter(n => !n.startsWith('file:') && !n.startsWith('data:'))")
    assert external == []
