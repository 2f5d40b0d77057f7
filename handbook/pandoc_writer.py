"""The print serialiser: pandoc's JSON AST from the content tree (for PDF via Typst, and for DOCX).

pandoc reads this with ``--from=json``: it never parses content, so it cannot find a raw block, a div, a
citation, maths or a label in it. Every content string becomes ``Str`` (and ``Space``) nodes, which pandoc's
writers escape for their target. Divs, citations and raw Typst come only from the renderer's own nodes.
"""
from __future__ import annotations

import hashlib
import re

from . import text as T
from .render_nodes import Callout, Cite, Div, Figure

API_VERSION = [1, 23, 1, 1]
_WS = re.compile(r"(\s+)")
_ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}


def attr(ident: str = "", classes=(), kv=()) -> list:
    return [ident, list(classes), [[k, v] for k, v in kv]]


def strs(text: str) -> list:
    """Text as pandoc inlines: words as Str, whitespace as Space (a line break in plain text is a space)."""
    out = []
    for part in _WS.split(text):
        if not part:
            continue
        if part.isspace():
            out.append({"t": "Space"})
        else:
            out.append({"t": "Str", "c": part})
    return out


def inlines(nodes) -> list:
    out: list = []
    for n in nodes:
        if isinstance(n, T.Text):
            out += strs(n.text)
        elif isinstance(n, T.Emph):
            out.append({"t": "Emph", "c": inlines(n.children)})
        elif isinstance(n, T.Strong):
            out.append({"t": "Strong", "c": inlines(n.children)})
        elif isinstance(n, T.Code):
            out.append({"t": "Code", "c": [attr(), n.text]})
        elif isinstance(n, T.SoftBreak):
            out.append({"t": "SoftBreak"})
        elif isinstance(n, T.LineBreak):
            out.append({"t": "LineBreak"})
        elif isinstance(n, T.Link):
            out.append({"t": "Link", "c": [attr(), inlines(n.children), [n.url, ""]]})
        elif isinstance(n, T.ItemLink):
            out += strs(n.label or n.target)
    return out


def blocks(nodes, *, tight: bool = False) -> list:
    out: list = []
    for n in nodes:
        out += block(n, tight=tight)
    return out


def _cell(content, align: str = "") -> list:
    return [attr(), {"t": _ALIGN.get(align, "AlignDefault")}, 1, 1,
            [{"t": "Plain", "c": inlines(content)}] if content else []]


def table(n: T.Table) -> dict:
    ncols = max([len(n.head)] + [len(r) for r in n.rows]) if (n.head or n.rows) else 0
    widths = list(n.widths) if len(n.widths) == ncols else []
    total = sum(widths) or 1
    colspecs = [[{"t": _ALIGN.get(n.aligns[i] if i < len(n.aligns) else "", "AlignDefault")},
                 {"t": "ColWidth", "c": widths[i] / total} if widths else {"t": "ColWidthDefault"}]
                for i in range(ncols)]

    def row(cells) -> list:
        cells = list(cells) + [()] * (ncols - len(cells))
        return [attr(), [_cell(c, n.aligns[i] if i < len(n.aligns) else "") for i, c in enumerate(cells)]]

    caption = [None, [{"t": "Plain", "c": strs(n.caption)}] if n.caption else []]
    head = [attr(), [row(n.head)] if n.head else []]
    body = [[attr(), 0, [], [row(r) for r in n.rows]]]
    return {"t": "Table", "c": [attr(), caption, colspecs, head, body, [attr(), []]]}


def block(n, *, tight: bool = False) -> list:
    if isinstance(n, T.Para):
        return [{"t": "Plain" if tight else "Para", "c": inlines(n.children)}]
    if isinstance(n, T.Heading):
        classes = [] if n.anchor else ["unlisted"]
        return [{"t": "Header", "c": [max(1, min(6, n.level)), attr(n.anchor, classes), inlines(n.children)]}]
    if isinstance(n, T.BulletList):
        return [{"t": "BulletList", "c": [blocks(item, tight=n.tight) for item in n.items]}]
    if isinstance(n, T.OrderedList):
        return [{"t": "OrderedList", "c": [[n.start, {"t": "Decimal"}, {"t": "Period"}],
                                           [blocks(item, tight=n.tight) for item in n.items]]}]
    if isinstance(n, T.Quote):
        return [{"t": "BlockQuote", "c": blocks(n.blocks)}]
    if isinstance(n, T.CodeBlock):
        return [{"t": "CodeBlock", "c": [attr(), n.text]}]
    if isinstance(n, T.Table):
        return [table(n)]
    if isinstance(n, Callout):
        return [{"t": "Div", "c": [attr("", ["callout", n.kind], [("title", n.title)]), blocks(n.blocks)]}]
    if isinstance(n, Div):
        ident = dict(n.attrs).get("id", "")
        kv = [(k, v) for k, v in n.attrs if k != "id"]
        return [{"t": "Div", "c": [attr(ident, n.classes, kv), blocks(n.blocks)]}]
    if isinstance(n, Cite):
        if not n.ids:
            return []
        cites = [{"citationId": i, "citationPrefix": [], "citationSuffix": [], "citationMode": {"t": "NormalCitation"},
                  "citationNoteNum": 1, "citationHash": 0} for i in n.ids]
        return [{"t": "Para", "c": [{"t": "Cite", "c": [cites, strs("[" + "; ".join("@" + i for i in n.ids) + "]")]}]}]
    if isinstance(n, Figure):
        caption = [None, [{"t": "Plain", "c": inlines(n.caption)}] if n.caption else []]
        if n.typst is not None:
            # Typst draws the diagram from the raw block; Word cannot, so the same figure also holds the
            # diagram as a PNG (made from the same Typst source, see handbook.pdf.compile_docx), whose
            # description (docPr descr) is the alt text. The Typst filter keeps only the raw block.
            image = {"t": "Image", "c": [attr("", ["diagramm-bild"], [("alt", n.alt)]), strs(n.alt),
                                         [diagram_file(n.typst), ""]]}
            body = [{"t": "RawBlock", "c": ["typst", n.typst]}, {"t": "Plain", "c": [image]}]
            fig = {"t": "Figure", "c": [attr("", ["diagramm"], [("alt", n.alt)]), caption, body]}
        else:
            image = {"t": "Image", "c": [attr("", [], [("alt", n.alt)]), inlines(n.caption) or strs(n.alt), [n.src, ""]]}
            fig = {"t": "Figure", "c": [attr(), caption, [{"t": "Plain", "c": [image]}]]}
        return [fig] + (blocks(n.description) if n.description else [])
    raise TypeError(f"kein pandoc-Knoten für {type(n).__name__}")


def diagram_file(typst: str) -> str:
    """The file name of a drawn diagram's raster image (for DOCX): named after its Typst source."""
    return "diagramm-" + hashlib.sha256(typst.encode("utf-8")).hexdigest()[:16] + ".png"


def diagram_figures(nodes):
    """Every drawn diagram (a :class:`Figure` with Typst code) in a node tree, at any depth."""
    for n in nodes:
        if isinstance(n, Figure):
            if n.typst is not None:
                yield n
            yield from diagram_figures(n.description)
        elif isinstance(n, (list, tuple)):
            yield from diagram_figures(n)
        elif hasattr(n, "__dataclass_fields__"):
            for name in n.__dataclass_fields__:
                value = getattr(n, name)
                if isinstance(value, (list, tuple)):
                    yield from diagram_figures(value)


def document(nodes, meta: dict | None = None) -> dict:
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks(nodes)}


def meta_inlines(text: str) -> dict:
    """A metadata value that is text (never read as Markdown)."""
    return {"t": "MetaInlines", "c": strs(text)}
