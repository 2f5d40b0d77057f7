"""Content text as data: every text field is parsed once into a tree with a closed set of node kinds.

The YAML holds two kinds of text. *Markdown fields* (``inhalt``, ``aufgabe``, the story fields of a case, …)
are read by markdown-it-py, a CommonMark parser, with only the rules for the constructs below switched on;
*plain fields* (titles, list items, roles, alt texts) know one construct, the project's ``[[id]]`` link.
Whatever the tree has no node for — raw HTML, attribute lists, fenced divs, citations, maths, footnotes,
images, entities, reference definitions, template or Typst code — stays text and is shown as typed.

Each output is written from the tree (:mod:`handbook.html_writer` for the site, :mod:`handbook.pandoc_writer`
for PDF and DOCX, :func:`plain_text` for titles, search and metadata); no content string is ever handed to a
Markdown, template or Typst engine as source.

The parse also finds what the author must fix (a link with a scheme outside http/https/mailto, a relative
link, a heading level the field does not use) and reports it as :class:`TextIssue` with an offset into the
source, which the loader turns into ``path:line:column``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Union

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: ``[[id]]`` or ``[[id|label]]``: a link to another item of the handbook. The label may run over a line break
#: of the YAML text (a wrapped paragraph); :func:`_label` makes it one line again.
LINK = re.compile(r"\[\[([A-Za-z0-9_-]+)(?:\|([^\]]+))?\]\]")
SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


# --- nodes ------------------------------------------------------------------------------------------------
# Inline nodes

@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Emph:
    children: tuple


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class SoftBreak:
    pass


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class Link:
    """A link to http(s) or mailto (from content), or to a place in this output (from the renderer)."""

    url: str
    children: tuple


@dataclass(frozen=True, slots=True)
class ItemLink:
    """``[[id]]`` / ``[[id|label]]``: resolved by the renderer into a :class:`Link` or text."""

    target: str
    label: str | None = None


# Block nodes

@dataclass(frozen=True, slots=True)
class Para:
    children: tuple


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    children: tuple
    anchor: str = ""  # set by the renderer for items (ids other pages link to)


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple  # of tuples of blocks
    tight: bool = True


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple
    start: int = 1
    tight: bool = True


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    aligns: tuple  # "left" | "right" | "center" | "" per column
    head: tuple  # cells: tuples of inlines
    rows: tuple  # rows: tuples of cells
    caption: str = ""
    widths: tuple = ()  # relative column widths (renderer's tables only); empty: natural


Inline = Union[Text, Emph, Strong, Code, SoftBreak, LineBreak, Link, ItemLink]
Block = Union[Para, Heading, BulletList, OrderedList, Quote, CodeBlock, Table]


# --- parsed strings ---------------------------------------------------------------------------------------

class Markdown(str):
    """A Markdown field: the text as written (a ``str``) and its tree (``.blocks``)."""

    blocks: tuple
    issues: tuple


class Plain(str):
    """A plain-text field: the text as written and its inlines (text and ``[[id]]`` links)."""

    inlines: tuple


@dataclass(frozen=True)
class TextIssue:
    """Something in a text field the author has to fix; ``offset``/``length`` point into the source."""

    offset: int
    length: int
    message: str
    code: str


# --- the parser -------------------------------------------------------------------------------------------

def _label(label: str | None) -> str | None:
    """The label of an ``[[id|label]]`` link on one line: a line break in it (with the indent around it) is a space."""
    return None if label is None else re.sub(r"[ \t]*\r?\n[ \t]*", " ", label)


def _item_link_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    m = LINK.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("koko_item_link", "", 0)
        token.meta = {"target": m.group(1), "label": _label(m.group(2))}
    state.pos = m.end()
    return True


def _literal_rule(state: StateInline, silent: bool) -> bool:
    """Characters that would start a construct the tree does not have, taken as text.

    ``![``: an image (figures come only from ``abbildungen``, with alt text); a single ``*`` between two
    letters or digits: the gender star ("Bürger*innen") and arithmetic ("7*7") are words, not emphasis.
    """
    src, pos = state.src, state.pos
    ch = src[pos]
    if ch == "!" and src.startswith("![", pos):
        if not silent:
            state.pending += "!["
        state.pos += 2
        return True
    if ch == "*" and 0 < pos < len(src) - 1 and src[pos - 1].isalnum() and src[pos + 1].isalnum():
        if not silent:
            state.pending += "*"
        state.pos += 1
        return True
    return False


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": 40})
    md.enable("table")
    # entity: "&amp;" stays as typed; reference: "[x]: url" is text; hr and html are not in the tree.
    md.disable(["entity", "reference", "hr", "html_block", "html_inline", "image"])
    md.inline.ruler.before("link", "koko_item_link", _item_link_rule)
    md.inline.ruler.before("emphasis", "koko_literal", _literal_rule)
    md.validateLink = lambda url: True  # every link reaches the tree; the allow-list is applied there
    return md


_MD = _parser()


class _Builder:
    """Turns markdown-it's token stream into the tree and notes what the author must fix."""

    def __init__(self, source: str, levels: tuple[int, int], line_starts: list[int]):
        self.source = source
        self.levels = levels
        self.line_starts = line_starts
        self.issues: list[TextIssue] = []

    def offset(self, line: int, needle: str = "") -> tuple[int, int]:
        start = self.line_starts[min(line, len(self.line_starts) - 1)]
        if needle:
            found = self.source.find(needle, start)
            if found >= 0:
                return found, len(needle)
        return start, 1

    def blocks(self, tokens: list, i: int, close: str | None) -> tuple[list, int]:
        out: list = []
        while i < len(tokens):
            tok = tokens[i]
            t = tok.type
            if close is not None and t == close:
                return out, i + 1
            if t == "paragraph_open":
                out.append(Para(self.inlines(tokens[i + 1], tok.map)))
                i += 3
            elif t == "heading_open":
                level = int(tok.tag[1])
                lo, hi = self.levels
                if not lo <= level <= hi:
                    off, n = self.offset(tok.map[0] if tok.map else 0)
                    allowed = "keine Überschriften" if lo > hi else \
                        f"Überschriften mit {'#' * lo} bis {'#' * hi} (Ebene {lo} bis {hi})"
                    self.issues.append(TextIssue(off, n, f"Überschrift der Ebene {level} ({'#' * level}): in diesem "
                                                 f"Feld sind nur {allowed} vorgesehen", "text.heading"))
                out.append(Heading(level, self.inlines(tokens[i + 1], tok.map)))
                i += 3
            elif t in ("bullet_list_open", "ordered_list_open"):
                items, i, tight = self.list_items(tokens, i + 1, t.replace("_open", "_close"))
                if t == "bullet_list_open":
                    out.append(BulletList(items, tight))
                else:
                    out.append(OrderedList(items, int(tok.attrGet("start") or 1), tight))
            elif t == "blockquote_open":
                inner, i = self.blocks(tokens, i + 1, "blockquote_close")
                out.append(Quote(tuple(inner)))
            elif t in ("fence", "code_block"):
                text = tok.content
                if t == "fence":  # the info string is shown too: nothing is hidden that the author typed
                    text = (tok.markup + tok.info + "\n" if tok.info else "") + text
                out.append(CodeBlock(text.rstrip("\n")))
                i += 1
            elif t == "table_open":
                table, i = self.table(tokens, i + 1)
                out.append(table)
            else:  # a token kind this parser does not produce; skip it safely
                i += 1
        return out, i

    def list_items(self, tokens: list, i: int, close: str) -> tuple[tuple, int, bool]:
        items = []
        tight = True
        while tokens[i].type != close:
            # list_item_open
            inner, i = self.blocks(tokens, i + 1, "list_item_close")
            items.append(tuple(inner))
        # markdown-it marks the paragraphs of tight lists hidden
        for j in range(i - 1, -1, -1):
            if tokens[j].type == "paragraph_open" and tokens[j].level == tokens[i].level + 2:
                tight = tokens[j].hidden
                break
        return tuple(items), i + 1, tight

    def table(self, tokens: list, i: int) -> tuple[Table, int]:
        aligns: list[str] = []
        head: list = []
        rows: list = []
        row: list | None = None
        in_head = False
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row = []
            elif tok.type == "tr_close":
                if in_head:
                    head = row or []
                else:
                    rows.append(tuple(row or []))
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrGet("style") or "")
                if in_head:
                    aligns.append(style.removeprefix("text-align:"))
                cell = self.inlines(tokens[i + 1], tokens[i + 1].map) if tokens[i + 1].type == "inline" else ()
                assert row is not None
                row.append(cell)
                i += 2  # inline, th/td_close
            i += 1
        return Table(tuple(aligns), tuple(head), tuple(rows)), i + 1

    def inlines(self, token, where) -> tuple:
        line = where[0] if where else 0
        stack: list[list] = [[]]
        kinds: list[tuple[str, str]] = []
        for child in token.children or []:
            t = child.type
            if t == "text":
                _append_text(stack[-1], child.content)
            elif t == "softbreak":
                stack[-1].append(SoftBreak())
            elif t == "hardbreak":
                stack[-1].append(LineBreak())
            elif t == "code_inline":
                stack[-1].append(Code(child.content))
            elif t in ("em_open", "strong_open"):
                stack.append([])
                kinds.append((t, ""))
            elif t == "link_open":
                href = str(child.attrGet("href") or "")
                stack.append([])
                kinds.append((t, href))
            elif t in ("em_close", "strong_close", "link_close") and kinds:
                kind, href = kinds.pop()
                children = tuple(stack.pop())
                if kind == "em_open":
                    stack[-1].append(Emph(children))
                elif kind == "strong_open":
                    stack[-1].append(Strong(children))
                else:
                    problem = self.check_url(href, line)
                    if problem:
                        # never a link: the label shows as text, and check reports it
                        stack[-1].extend(children)
                    else:
                        stack[-1].append(Link(href, children))
            elif t == "koko_item_link":
                stack[-1].append(ItemLink(child.meta["target"], child.meta["label"]))
            else:  # not a node of the tree: its text as typed
                _append_text(stack[-1], child.content or child.markup)
        while len(stack) > 1:  # unbalanced (cannot happen with markdown-it, kept for safety)
            children = stack.pop()
            stack[-1].extend(children)
        return tuple(stack[0])

    def check_url(self, href: str, line: int) -> bool:
        scheme = _SCHEME.match(href)
        if scheme and scheme.group(1).lower() in SCHEMES and href.split(":", 1)[1].strip():
            return False
        off, n = self.offset(line, href or "](")
        if scheme:
            msg = (f"Link mit dem Schema '{scheme.group(1)}:' – erlaubt sind nur Links mit http://, https:// und "
                   "mailto:")
        else:
            msg = (f"relativer Link '{href}' – Links zu anderen Teilen des Handbuchs werden als [[kennung]] geschrieben, "
                   "Links ins Netz mit https://")
        self.issues.append(TextIssue(off, n, msg, "text.link"))
        return True


def _append_text(out: list, text: str) -> None:
    if not text:
        return
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + text)
    else:
        out.append(Text(text))


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", source):
        starts.append(m.end())
    return starts


#: Heading levels a Markdown field may use (as written with #): units use ### to #####.
FIELD_LEVELS = (3, 5)


def parse_markdown(source: str, *, levels: tuple[int, int] = FIELD_LEVELS) -> Markdown:
    """Parse a Markdown field once; the result is the string itself, carrying ``.blocks`` and ``.issues``."""
    source = "" if source is None else str(source)
    if isinstance(source, Markdown):
        return source
    normal = source.replace("\r\n", "\n")
    builder = _Builder(normal, levels, _line_starts(normal))
    blocks, _ = builder.blocks(_MD.parse(normal), 0, None)
    out = Markdown(source)
    out.blocks = tuple(blocks)
    out.issues = tuple(builder.issues)
    return out


def parse_plain(source: str) -> Plain:
    """Parse a plain-text field: text, and ``[[id]]`` links; nothing else."""
    if isinstance(source, Plain):
        return source
    source = "" if source is None else str(source)
    out = Plain(source)
    out.inlines = plain_inlines(source)
    return out


def plain_inlines(text: str) -> tuple:
    if isinstance(text, Plain):
        return text.inlines
    text = str(text)
    if "[[" not in text:
        return (Text(text),) if text else ()
    nodes: list = []
    pos = 0
    for m in LINK.finditer(text):
        _append_text(nodes, text[pos:m.start()])
        nodes.append(ItemLink(m.group(1), _label(m.group(2))))
        pos = m.end()
    _append_text(nodes, text[pos:])
    return tuple(nodes)


def blocks_of(text: str) -> tuple:
    """The tree of a Markdown field (parsed now if the string did not come from the loader)."""
    return text.blocks if isinstance(text, Markdown) else parse_markdown(text).blocks


# --- walking ----------------------------------------------------------------------------------------------

def walk(nodes: Iterable) -> Iterator:
    """Every node in a tree, depth first."""
    for node in nodes:
        yield node
        if isinstance(node, (Emph, Strong, Link, Para, Heading)):
            yield from walk(node.children)
        elif isinstance(node, (BulletList, OrderedList)):
            for item in node.items:
                yield from walk(item)
        elif isinstance(node, Quote):
            yield from walk(node.blocks)
        elif isinstance(node, Table):
            for cell in node.head:
                yield from walk(cell)
            for row in node.rows:
                for cell in row:
                    yield from walk(cell)


def item_links(nodes: Iterable) -> Iterator[str]:
    """Targets of the ``[[id]]`` links in a tree."""
    for node in walk(nodes):
        if isinstance(node, ItemLink):
            yield node.target


# --- plain text -------------------------------------------------------------------------------------------

def plain_text(nodes: Iterable, label=None) -> str:
    """The visible text of inlines or blocks, whitespace collapsed (titles, search, metadata, alt texts).

    ``label(target)`` gives the text of an ``[[id]]`` link without a label (default: the id).
    """
    parts: list[str] = []
    _plain(nodes, parts, label or (lambda target: target))
    return " ".join("".join(parts).split())


def _plain(nodes: Iterable, out: list, label) -> None:
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Code):
            out.append(node.text)
        elif isinstance(node, CodeBlock):
            out.append(node.text + "\n")
        elif isinstance(node, (SoftBreak, LineBreak)):
            out.append(" ")
        elif isinstance(node, ItemLink):
            out.append(node.label if node.label else label(node.target))
        elif isinstance(node, (Emph, Strong, Link)):
            _plain(node.children, out, label)
        elif isinstance(node, (Para, Heading)):
            _plain(node.children, out, label)
            out.append("\n")
        elif isinstance(node, (BulletList, OrderedList)):
            for item in node.items:
                _plain(item, out, label)
                out.append("\n")
        elif isinstance(node, Quote):
            _plain(node.blocks, out, label)
        elif isinstance(node, Table):
            for cell in node.head:
                _plain(cell, out, label)
                out.append(" ")
            for row in node.rows:
                for cell in row:
                    _plain(cell, out, label)
                    out.append(" ")
                out.append("\n")
        elif isinstance(node, str):
            out.append(node)
        else:  # structural nodes of the renderer carry their own text
            children = getattr(node, "blocks", None) or getattr(node, "children", None)
            if children:
                _plain(children, out, label)
