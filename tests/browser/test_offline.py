"""The app works with no internet: nothing leaves the server's host, and the landing view
passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

TEMPLATE_DIR = (
    Path(__file__).resolve().parents[2]
    / "hjemmekit"
    / "templates"
    / "jupyter"
    / "voila"
    / "templates"
    / "hjemmekit"
)
#: Attributes through which a page loads something (links for navigation, <a href>, are not
#: requests and may point anywhere).
LOADING_ATTRS = re.compile(
    r"<(?:link|script|img|iframe|source|embed|object|video|audio|track|input)\b[^>]*?"
    r"\b(?:src|href|data|srcset|poster)\s*=\s*[\"']([^\"']+)[\"']",
    re.IGNORECASE,
)
CSS_URLS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])([^\"')\s]+)", re.IGNORECASE)
DOM_RESOURCES_JS = """() => {
  const sel = 'link[href], script[src], img[src], iframe[src], source[src], embed[src], '
    + 'object[data], video[src], audio[src], track[src], image[href], use[href]';
  return Array.from(document.querySelectorAll(sel)).map(
    (el) => el.src || el.href?.baseVal || el.href || el.data || el.getAttribute('href'));
}"""


def _offhost(urls: list[str], base: str) -> list[str]:
    """The URLs (resolved against ``base``) that point outside ``base``'s host."""
    netloc = urlsplit(base).netloc
    bad = []
    for url in urls:
        full = urljoin(base, url.strip())
        parts = urlsplit(full)
        if parts.scheme in {"data", "blob", "about", "javascript"}:
            continue
        if parts.netloc != netloc:
            bad.append(url)
    return bad


def test_template_has_no_external_links() -> None:
    """No http(s) URL anywhere in the shipped Voilà template."""
    files = [p for p in TEMPLATE_DIR.rglob("*") if p.is_file()]
    assert any(p.name == "index.html.j2" for p in files), f"template missing in {TEMPLATE_DIR}"
    found = {
        str(p.relative_to(TEMPLATE_DIR)): re.findall(r"https?://\S+", p.read_text("utf-8"))
        for p in files
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_served_html_loads_nothing_from_elsewhere(hjemmekit_server: Any) -> None:
    """The HTML Voilà sends links scripts, styles, fonts and images on the host only."""
    with urllib.request.urlopen(hjemmekit_server.url, timeout=60) as resp:  # noqa: S310
        assert resp.status == 200
        html = resp.read().decode("utf-8")
    assert '<html lang="da">' in html
    assert "<title>hjemmekit</title>" in html
    assert "cdn.jsdelivr.net" not in html and "cdnjs.cloudflare.com" not in html
    urls = LOADING_ATTRS.findall(html) + CSS_URLS.findall(html)
    assert urls, "expected the page to load its scripts and styles"
    assert _offhost(urls, hjemmekit_server.url) == []


def test_app_renders_offline_and_passes_axe(
    app_page: Any, hjemmekit_server: Any, request_log: Any, ui: Any
) -> None:
    """Load the app in Chromium: rendered, every request on 127.0.0.1:<port>, axe clean."""
    page = app_page
    ui.screenshot(page, "offline-landing")
    assert page.title() == "hjemmekit"
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("main").count() == 1
    assert request_log.urls, "the page fixture recorded no requests"
    assert request_log.offhost == [], request_log.offhost
    # Resources the DOM references now (widgets may add some after the first render).
    dom_urls = [u for u in page.evaluate(DOM_RESOURCES_JS) if u]
    assert _offhost(dom_urls, hjemmekit_server.url) == []
    # Every resource the browser fetched, as the Resource Timing API saw it.
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert _offhost(fetched, hjemmekit_server.url) == []
    ui.assert_no_axe_violations(page)


def test_serve_prints_its_url_and_no_traceback(hjemmekit_server: Any) -> None:
    """The terminal shows the URL; no Jupyter log spam, no traceback."""
    assert hjemmekit_server.url in hjemmekit_server.stdout()
    assert "Traceback" not in hjemmekit_server.stderr(tail=100_000)


def test_port_in_use_is_one_line_and_exit_1(hjemmekit_server: Any) -> None:
    """A second server on the same port says so in one line and exits 1."""
    proc = subprocess.run(
        [sys.executable, "-m", "hjemmekit.cli", "serve", "--port", str(hjemmekit_server.port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(hjemmekit_server.port) in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
