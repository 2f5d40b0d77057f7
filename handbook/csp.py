"""The Content-Security-Policy for publishing the built site: only the site's own origin, no ``unsafe-inline``.

The policy covers only the project's own code. The inline scripts it may allow are those the theme's and the
project's templates contain (Material writes a few small ones into every page: the base URL for its local
storage, the colour palette, the tab anchor); each template script becomes a pattern (its Jinja expressions
as wildcards), and only an inline script on a built page that matches one of them is hashed into the policy.
Style attributes are allowed from a fixed list (the table alignments the site's HTML writer sets, and those
the templates write). :func:`verify` fails the build when a page carries an inline script or a style
attribute outside that set — whatever the content says, it can never add to the policy.
``python -m handbook csp`` prints the header for a built ``site/``; ``deploy/nginx.conf`` carries it.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
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


_ROOT = Path(__file__).resolve().parent.parent
_TEMPLATE_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script>", re.S | re.I)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TEMPLATE_STYLE = re.compile(r'style="([^"]*)"')
#: Style attributes the site's own HTML writer sets (handbook.html_writer: table column alignment), and those
#: Python-Markdown's tables extension writes on the hand-written pages (with a semicolon).
WRITER_STYLES = tuple(f"text-align: {a}{end}" for a in ("left", "right", "center") for end in ("", ";"))


def _template_dirs() -> list[Path]:
    import material
    return [Path(material.__file__).resolve().parent / "templates", _ROOT / "overrides"]


def _pattern(template: str) -> re.Pattern:
    """A template snippet as a pattern: Jinja expressions match anything, whitespace is flexible."""
    parts = []
    for i, literal in enumerate(_JINJA.split(template.strip())):
        if i:
            parts.append(r"[^<]*?")
        parts.append(r"\s*".join(re.escape(chunk) for chunk in literal.split()))
    return re.compile(r"\s*" + "".join(parts) + r"\s*", re.S)


@lru_cache(maxsize=1)
def own_scripts() -> tuple[re.Pattern, ...]:
    """Patterns of every inline script in the theme's and the project's templates."""
    patterns = []
    for folder in _template_dirs():
        for path in sorted(folder.rglob("*.html")):
            for m in _TEMPLATE_SCRIPT.finditer(path.read_text(encoding="utf-8")):
                attrs, body = m.group(1) or "", m.group(2)
                if "src=" in attrs or not body.strip():
                    continue
                kind = re.search(r'type="([^"]*)"', attrs)
                if kind and kind.group(1).strip().lower() not in _JS_TYPES:
                    continue
                patterns.append(_pattern(body))
    return tuple(patterns)


@lru_cache(maxsize=1)
def own_styles() -> tuple[re.Pattern, ...]:
    patterns = [re.compile(re.escape(s)) for s in WRITER_STYLES]
    for folder in _template_dirs():
        for path in sorted(folder.rglob("*.html")):
            patterns += [_pattern(m.group(1)) for m in _TEMPLATE_STYLE.finditer(path.read_text(encoding="utf-8"))]
    return tuple(patterns)


def _own(value: str, patterns: tuple[re.Pattern, ...]) -> bool:
    return any(p.fullmatch(value) for p in patterns)


class PolicyError(ValueError):
    """A built page carries an inline script or style attribute that is not the project's own code."""


# The pages are written by the site's own serialisers, where a raw "<" only ever starts a real tag (text and
# attribute values are escaped), so the inline scripts, <style> blocks and style attributes can be found by
# scanning for tags; a full HTML parse of every page cost 9 s at 1,000 case studies.
_PAGE_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script\s*>", re.S | re.I)
_PAGE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.S | re.I)
_PAGE_STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*?\sstyle=\"([^\"]*)\"")
_TYPE = re.compile(r"""\stype=["']?([^"'\s>]*)""", re.I)


@dataclass
class _Inline:
    scripts: list
    styles: list
    style_attributes: list


def _scan(text: str) -> _Inline:
    scripts = []
    for m in _PAGE_SCRIPT.finditer(text):
        attrs = m.group(1) or ""
        kind = _TYPE.search(attrs)
        if "src=" in attrs.lower() or (kind and kind.group(1).strip().lower() not in _JS_TYPES):
            continue
        scripts.append(m.group(2))
    return _Inline(scripts, [m.group(1) for m in _PAGE_STYLE.finditer(text)],
                   [html.unescape(v) for v in _style_attributes(text)])


def _style_attributes(text: str) -> list[str]:
    """The values of every ``style="…"`` inside a tag, exactly as :data:`_PAGE_STYLE_ATTR` finds them, faster.

    The regular expression tries every tag character by character (a quarter of a second for 1,000 pages);
    here the literal ``style="`` is looked up first and the tag around it checked afterwards: white space
    before it, and the nearest ``<`` before it (not before the end of the previous match) opens a tag – a
    letter follows, and no ``>`` stands between. A hypothesis test holds the two to the same results."""
    out: list[str] = []
    pos = 0
    i = text.find('style="')
    while i >= 0:
        lt = text.rfind("<", pos, i)
        first = text[lt + 1:lt + 2]
        if lt >= 0 and text[i - 1].isspace() and first.isascii() and first.isalpha() and text.find(">", lt, i) < 0:
            end = text.find('"', i + 7)
            if end < 0:
                break
            out.append(text[i + 7:end])
            pos = end + 1
            i = text.find('style="', pos)
        else:
            i = text.find('style="', i + 1)
    return out


def _pages(site: Path):
    for page in sorted(Path(site).rglob("*.html")):
        yield page, _scan(page.read_text(encoding="utf-8"))


def verify(site: Path) -> None:
    """Raise :class:`PolicyError` (German) when a page has an inline script or style that is not the project's."""
    foreign: list[str] = []
    for page, parser in _pages(site):
        rel = page.relative_to(site)
        foreign += [f"{rel}: Inline-Skript »{s.strip()[:80]}«" for s in parser.scripts if not _own(s, own_scripts())]
        foreign += [f"{rel}: style-Attribut »{s[:80]}«" for s in parser.style_attributes if not _own(s, own_styles())]
        foreign += [f"{rel}: <style>-Block »{s.strip()[:80]}«" for s in parser.styles]
    foreign = list(dict.fromkeys(foreign))
    if foreign:
        shown = "\n  ".join(foreign[:20]) + (f"\n  … und {len(foreign) - 20} weitere" if len(foreign) > 20 else "")
        raise PolicyError("Seiten enthalten Skripte oder Stile, die nicht aus den Vorlagen des Projekts stammen "
                          f"(die Content-Security-Policy erlaubt sie nicht):\n  {shown}")


def inline_hashes(site: Path) -> tuple[list[str], list[str], list[str]]:
    """Hashes of the project's own inline scripts, <style> blocks and style attributes on the built pages."""
    verify(site)
    scripts: set[str] = set()
    styles: set[str] = set()
    attributes: set[str] = set()
    for _page, parser in _pages(site):
        scripts.update(_hash(s) for s in parser.scripts)
        styles.update(_hash(s) for s in parser.styles)
        attributes.update(_hash(s) for s in parser.style_attributes)
    return sorted(scripts), sorted(styles), sorted(attributes)


def policy(site: Path) -> str:
    """The Content-Security-Policy header value for a built site."""
    scripts, styles, attributes = inline_hashes(site)
    # Table alignments are style="text-align: …": three fixed values, allowed one by one ('unsafe-hashes' lets
    # hashes match style attributes; it is not 'unsafe-inline').
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
