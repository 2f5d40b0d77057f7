"""Real-browser testing: Debian's Chromium driven by Playwright, a site served on loopback, every request recorded.

With CI=true a missing browser is a failure, never a skip (CI must prove the pages, not assume them).
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def require_browser() -> None:
    """Skip locally when Chromium or axe-core is missing; fail in CI."""
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if missing:
        message = f"Browser-Test braucht {', '.join(missing)} – `make test` installiert beides"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict = {}

    def end_headers(self):
        for k, v in self.extra_headers.items():
            self.send_header(k, v)
        super().end_headers()

    def log_message(self, *args):  # quiet
        pass


@contextmanager
def serve(folder: Path, headers: dict | None = None):
    """Serve a folder on 127.0.0.1 (a free port); yields the base URL."""
    handler = type("H", (_Handler,), {"extra_headers": headers or {}})
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium():
    """A headless Chromium browser (Playwright over Debian's binary)."""
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Every request a page makes; ``foreign`` are those to another origin than the site's."""

    def __init__(self, base: str):
        self.origin = urlparse(base).netloc
        self.urls: list[str] = []

    def attach(self, page) -> None:
        page.on("request", lambda r: self.urls.append(r.url))

    @property
    def foreign(self) -> list[str]:
        return [u for u in self.urls if urlparse(u).scheme not in ("data", "blob", "about")
                and urlparse(u).netloc != self.origin]


def run_axe(page) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.1 A/AA and best practices)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}));
    }""")


def html_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths relative to its root."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


IBM_ENGINE = ROOT / "node_modules" / "accessibility-checker-engine" / "ace.js"


def run_ibm(page) -> list[dict]:
    """IBM Equal Access (accessibility-checker-engine, rules from node_modules, no rule server): its
    violations, i.e. results of level "VIOLATION" that fail. "Potential" and recommendation items are left
    for review and not counted."""
    page.add_script_tag(path=str(IBM_ENGINE))
    return page.evaluate("""async () => {
        const report = await new ace.Checker().check(document, ['IBM_Accessibility']);
        return report.results.filter(r => r.value[0] === 'VIOLATION' && r.value[1] === 'FAIL')
            .map(r => ({id: r.ruleId, message: r.message, path: r.path.dom, html: (r.snippet || '').slice(0, 160)}));
    }""")
