"""The Content-Security-Policy for publishing the built site: only the site's own origin, no ``unsafe-inline``.

Material for MkDocs writes a few small inline scripts into every page (the base URL for its local storage, the
colour palette, the tab anchor). Their SHA-256 hashes are computed from the built site, so the policy allows
exactly those scripts and nothing else. ``python -m handbook csp`` prints the header for a built ``site/``;
``deploy/nginx.conf`` carries it and a test keeps both in step.
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

#: Script types a browser runs; JSON data blocks (``application/json``, ``application/ld+json``) are never run
#: and need no hash.
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("style") is not None:
            self.style_attributes.append(a["style"])
        if tag == "script" and "src" not in a and (a.get("type") or "").strip().lower() in _JS_TYPES:
            self._in, self._buf = "script", []
        elif tag == "style":
            self._in, self._buf = "style", []

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in:
            (self.scripts if tag == "script" else self.styles).append("".join(self._buf))
            self._in = None


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_hashes(site: Path) -> tuple[list[str], list[str], list[str]]:
    """Hashes of the inline scripts, of the inline <style> blocks and of the style attribute values, over every
    HTML page of a built site."""
    scripts: set[str] = set()
    styles: set[str] = set()
    attributes: set[str] = set()
    for page in sorted(Path(site).rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        scripts.update(_hash(s) for s in parser.scripts)
        styles.update(_hash(s) for s in parser.styles)
        attributes.update(_hash(s) for s in parser.style_attributes)
    return sorted(scripts), sorted(styles), sorted(attributes)


def policy(site: Path) -> str:
    """The Content-Security-Policy header value for a built site."""
    scripts, styles, attributes = inline_hashes(site)
    # Python-Markdown writes the column alignment of tables as style="text-align: …": a handful of fixed values,
    # allowed one by one ('unsafe-hashes' lets hashes match style attributes; it is not 'unsafe-inline').
    style_sources = ["'self'", *styles] + (["'unsafe-hashes'", *attributes] if attributes else [])
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *scripts]),
        "style-src " + " ".join(style_sources),
        # Material draws its icons with CSS masks from data: URLs; they load nothing from elsewhere.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(directives)


_NGINX_CSP = re.compile(r'add_header\s+Content-Security-Policy\s+"([^"]*)"\s+always;')


def from_nginx(conf: Path) -> str:
    """The policy written in an nginx configuration (the first ``add_header Content-Security-Policy``)."""
    m = _NGINX_CSP.search(Path(conf).read_text(encoding="utf-8"))
    if not m:
        raise ValueError(f"{conf}: keine Zeile 'add_header Content-Security-Policy \"…\" always;' gefunden")
    return m.group(1)


def main(site: Path) -> int:
    import sys
    if not (site / "index.html").is_file():
        print(f"Fehler: {site}/index.html fehlt – erst `make build` ausführen.", file=sys.stderr)
        return 1
    try:
        print(policy(site))
    except ValueError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 0
