"""The site's serialiser: HTML from the content tree (and the renderer's structural nodes).

Every text node is escaped; every attribute value is quoted and escaped; a URL in an ``href`` or ``src`` is
either a content link the parser accepted (http, https, mailto) or one the renderer made for a place in the
site. Nothing is parsed here, so no construct in the content can become markup.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field

from . import text as T
from .render_nodes import Callout, Cite, Div, Figure

#: Callout kinds left out of the site's search index (Material reads ``data-search-exclude``): the notes for
#: trainers, the solution hints and the confidential parts of role cards. They stay on the page (collapsed);
#: a search finds the unit or material by its own text, and trainees are not led to the solutions.
NOT_SEARCHED = frozenset({"trainer", "loesung"})

_esc = html.escape


@dataclass
class TocEntry:
    level: int
    id: str
    name: str  # HTML (escaped text)
    children: list = field(default_factory=list)

    def token(self) -> dict:
        """The shape mkdocs.structure.toc.get_toc reads."""
        return {"level": self.level, "id": self.id, "name": self.name, "children": [c.token() for c in self.children]}


def slug(text: str) -> str:
    """An id from heading text (as Python-Markdown's toc extension makes them: lower case, hyphens)."""
    value = unicodedata.normalize("NFKD", text)
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value) or "abschnitt"


@lru_cache(maxsize=8)
def _abbr_pattern(abbreviations: tuple[str, ...]) -> re.Pattern:
    # One alternation, whole words only, longest first: linear in the text, whatever the number of terms.
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in abbreviations) + r")(?![\w-])")


class HtmlWriter:
    """Writes one page. Collects the headings for the page's table of contents."""

    def __init__(self, *, abbreviations: dict[str, str] | None = None, toc_levels: tuple[int, int] = (2, 3)):
        self.abbr = abbreviations or {}
        self._abbr_re = _abbr_pattern(tuple(sorted(self.abbr, key=len, reverse=True))) if self.abbr else None
        self.ids: set[str] = set()
        self.toc_levels = toc_levels
        self.toc: list[TocEntry] = []
        self.title = ""

    # ids are unique on a page
    def _unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.ids:
            candidate = f"{base}_{n}"
            n += 1
        self.ids.add(candidate)
        return candidate

    def reserve(self, ids) -> None:
        self.ids.update(ids)

    # --- inlines --------------------------------------------------------------------------------------

    def text(self, s: str) -> str:
        if self._abbr_re is None or not s:
            return _esc(s, quote=False)
        out, pos = [], 0
        for m in self._abbr_re.finditer(s):
            out.append(_esc(s[pos:m.start()], quote=False))
            out.append(f'<abbr title="{_esc(self.abbr[m.group(1)])}">{_esc(m.group(1))}</abbr>')
            pos = m.end()
        out.append(_esc(s[pos:], quote=False))
        return "".join(out)

    def inlines(self, nodes, *, abbr: bool = True) -> str:
        out = []
        for n in nodes:
            if isinstance(n, T.Text):
                out.append(self.text(n.text) if abbr else _esc(n.text, quote=False))
            elif isinstance(n, T.Emph):
                out.append(f"<em>{self.inlines(n.children, abbr=abbr)}</em>")
            elif isinstance(n, T.Strong):
                out.append(f"<strong>{self.inlines(n.children, abbr=abbr)}</strong>")
            elif isinstance(n, T.Code):
                out.append(f"<code>{_esc(n.text, quote=False)}</code>")
            elif isinstance(n, T.SoftBreak):
                out.append("\n")
            elif isinstance(n, T.LineBreak):
                out.append("<br>\n")
            elif isinstance(n, T.Link):
                external = n.url.startswith(("http://", "https://"))
                rel = ' rel="noopener noreferrer"' if external else ""
                out.append(f'<a href="{_esc(n.url)}"{rel}>{self.inlines(n.children, abbr=False)}</a>')
            elif isinstance(n, T.ItemLink):  # unresolved (the renderer resolves them): its text
                out.append(_esc(n.label or n.target, quote=False))
        return "".join(out)

    # --- blocks ---------------------------------------------------------------------------------------

    def blocks(self, nodes, *, tight: bool = False) -> str:
        return "\n".join(self.block(n, tight=tight) for n in nodes)

    def block(self, n, *, tight: bool = False) -> str:
        if isinstance(n, T.Para):
            body = self.inlines(n.children)
            return body if tight else f"<p>{body}</p>"
        if isinstance(n, T.Heading):
            return self.heading(n)
        if isinstance(n, T.BulletList):
            return "<ul>\n" + "\n".join(f"<li>{self.blocks(item, tight=n.tight)}</li>" for item in n.items) + "\n</ul>"
        if isinstance(n, T.OrderedList):
            start = f' start="{n.start}"' if n.start != 1 else ""
            return (f"<ol{start}>\n" + "\n".join(f"<li>{self.blocks(item, tight=n.tight)}</li>" for item in n.items)
                    + "\n</ol>")
        if isinstance(n, T.Quote):
            return f"<blockquote>\n{self.blocks(n.blocks)}\n</blockquote>"
        if isinstance(n, T.CodeBlock):
            return f"<pre><code>{_esc(n.text, quote=False)}</code></pre>"
        if isinstance(n, T.Table):
            return self.table(n)
        if isinstance(n, Callout):
            tag = "details" if n.collapsed else "div"
            cls = f"admonition {_esc(n.kind)}" if not n.collapsed else _esc(n.kind)
            head = (f"<summary>{_esc(n.title)}</summary>" if n.collapsed
                    else f'<p class="admonition-title">{_esc(n.title)}</p>')
            exclude = " data-search-exclude" if n.kind in NOT_SEARCHED else ""
            return f'<{tag} class="{cls}"{exclude}>\n{head}\n{self.blocks(n.blocks)}\n</{tag}>'
        if isinstance(n, Figure):
            return self.figure(n)
        if isinstance(n, Cite):
            return self.blocks(n.site) if n.site else ""
        if isinstance(n, Div):
            attrs = "".join(f' {k}="{_esc(v)}"' if v != "" else f" {k}" for k, v in n.attrs)
            cls = f' class="{_esc(" ".join(n.classes))}"' if n.classes else ""
            return f"<div{cls}{attrs}>{self.blocks(n.blocks)}</div>"
        raise TypeError(f"kein HTML für {type(n).__name__}")

    def heading(self, n: T.Heading) -> str:
        level = max(1, min(6, n.level))
        name = self.inlines(n.children, abbr=False)
        body = self.inlines(n.children)
        plain = T.plain_text(n.children)
        hid = self._unique(n.anchor or slug(plain)) if (n.anchor not in self.ids or not n.anchor) else self._unique(n.anchor)
        if level == 1 and not self.title:
            self.title = plain
        lo, hi = self.toc_levels
        if lo <= level <= hi:
            entry = TocEntry(level, hid, name)
            parent = self.toc
            while parent and parent[-1].level < level:
                parent = parent[-1].children
            parent.append(entry)
        link = f'<a class="headerlink" href="#{_esc(hid)}" title="Link zu diesem Abschnitt">¶</a>'
        return f'<h{level} id="{_esc(hid)}">{body}{link}</h{level}>'

    def table(self, n: T.Table) -> str:
        def align(i: int) -> str:
            a = n.aligns[i] if i < len(n.aligns) else ""
            return f' style="text-align: {a}"' if a in ("left", "right", "center") else ""
        caption = f"<caption>{_esc(n.caption)}</caption>" if n.caption else ""
        # Cells on lines of their own: the search index reads the table as text, and without white space
        # between the cells their words would run together ("KommuneMittelstadt").
        head = "\n".join(f'<th scope="col"{align(i)}>{self.inlines(c)}</th>' for i, c in enumerate(n.head))
        rows = []
        for row in n.rows:
            rows.append("<tr>" + "\n".join(f"<td{align(i)}>{self.inlines(c)}</td>" for i, c in enumerate(row)) + "</tr>")
        return (f"<table>{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>")

    def figure(self, n: Figure) -> str:
        caption = f"<figcaption>{self.inlines(n.caption)}</figcaption>" if n.caption else ""
        if n.svg is not None:
            # An SVG the project drew itself (handbook.diagrams): its text alternative follows it.
            body = f'<div class="koko-diagramm" role="img" aria-label="{_esc(n.alt)}">{n.svg}</div>'
        else:
            body = f'<img src="{_esc(n.src)}" alt="{_esc(n.alt)}" loading="lazy">'
        extra = self.blocks(n.description) if n.description else ""
        return f'<figure class="koko-abbildung">{body}{caption}{extra}</figure>'

    def toc_tokens(self) -> list[dict]:
        return [e.token() for e in self.toc]
