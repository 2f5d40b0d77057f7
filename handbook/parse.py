"""Reading one YAML file into plain data while keeping where every value stands.

libyaml's CSafeLoader composes the node tree (fast); we construct the values ourselves so that we can
keep positions, detect duplicate keys (PyYAML silently keeps the last one) and keep YAML 1.1 surprises
such as ``beginn: 10:30`` (a base-60 integer to PyYAML) as the text the author wrote.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem

try:  # libyaml is much faster (200 case files: 34 ms instead of 455 ms); fall back only where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - the pinned PyYAML wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: How often content files were read from disk; the load-once test and the benchmark read it.
READ_COUNT = 0

JsonPath = tuple  # of str | int

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_SEXAGESIMAL = re.compile(r"^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$")
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Scalar:
    """Where a scalar stands in its file: enough to turn an offset in its value into line and column."""

    line: int  # 0-based, of the first character of the node (the indicator for block scalars)
    column: int
    start: int  # character index in the file text
    end: int
    style: str | None


@dataclass
class Document:
    """A parsed file: its data, the location of every value and key, and the problems met on the way."""

    path: str
    text: str
    data: object = None
    values: dict = field(default_factory=dict)  # JsonPath -> Scalar (every node, not only scalars)
    keys: dict = field(default_factory=dict)  # JsonPath -> Scalar of the key that holds it
    problems: list = field(default_factory=list)

    def where(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of a value (or of its key), falling back to the nearest parent."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            node = table.get(p) or self.values.get(p)
            if node is not None:
                return node.line + 1, node.column + 1
            if not p:
                return 1, 1
            p = p[:-1]

    def problem(self, path: JsonPath, message: str, *, key: bool = False, code: str = "") -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.path, line, col, message, code)

    def locate(self, path: JsonPath, offset: int, length: int) -> tuple[int, int]:
        """1-based line and column of ``value[offset:offset+length]`` inside the string at ``path``.

        Finds the same occurrence in the raw text of the node; works for every scalar style as long as
        the matched text does not span a folded line break. Falls back to the node's start.
        """
        node = self.values.get(tuple(path))
        value = _get(self.data, path)
        if node is None or not isinstance(value, str):
            return self.where(path)
        needle = value[offset : offset + length]
        nth = value.count(needle, 0, offset) if needle else 0
        raw = self.text
        pos = node.start
        for _ in range(nth + 1):
            pos = raw.find(needle, pos, node.end + 1)
            if pos < 0:
                return node.line + 1, node.column + 1
            pos += 1
        pos -= 1
        line = raw.count("\n", 0, pos)
        col = pos - (raw.rfind("\n", 0, pos) + 1)
        return line + 1, col + 1


def _get(data: object, path: JsonPath) -> object:
    for part in path:
        try:
            data = data[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_SYNTAX_DE = [
    ("mapping values are not allowed",
     "Doppelpunkt an dieser Stelle nicht erlaubt – steht ein Text mit ':' ohne Anführungszeichen da, oder ist die Einrückung falsch?"),
    ("could not find expected ':'", "erwartet ':' nach einem Schlüssel – fehlt der Doppelpunkt oder ein Anführungszeichen?"),
    ("did not find expected key", "unerwartete Einrückung – erwartet wird ein weiterer Schlüssel auf derselben Ebene"),
    ("did not find expected '-' indicator", "unerwartete Einrückung – erwartet wird ein weiterer Listeneintrag mit '-'"),
    ("found character '\\t' that cannot start any token",
     "Tabulator gefunden – YAML erlaubt zur Einrückung nur Leerzeichen"),
    ("found unexpected end of stream", "Datei endet unerwartet – fehlt ein schließendes Anführungszeichen?"),
    ("found undefined alias", "unbekannter Anker (Alias mit '*')"),
    ("found unknown escape character", "unbekannte Escape-Sequenz in einem Text in doppelten Anführungszeichen – '\\\\' verdoppeln oder einfache Anführungszeichen nutzen"),
    ("expected <block end>, but found '-'", "Listeneintrag '-' an unerwarteter Stelle – Einrückung prüfen"),
    ("expected <block end>", "unerwartete Einrückung oder Zeichen – Einrückung prüfen"),
    ("found a tab character", "Tabulator gefunden – YAML erlaubt zur Einrückung nur Leerzeichen"),
    ("while scanning a quoted scalar", "Text in Anführungszeichen wird nicht geschlossen"),
    ("while scanning an alias", "'*' am Anfang eines Werts leitet einen Alias ein – Text in Anführungszeichen setzen"),
    ("while scanning an anchor", "'&' am Anfang eines Werts leitet einen Anker ein – Text in Anführungszeichen setzen"),
    ("found character '@' that cannot start any token", "'@' darf einen Wert nicht beginnen – Text in Anführungszeichen setzen"),
    ("found character '`' that cannot start any token", "'`' darf einen Wert nicht beginnen – Text in Anführungszeichen setzen"),
    ("while parsing a flow", "eckige oder geschweifte Klammer wird nicht geschlossen – Text mit '[' oder '{' am Anfang in Anführungszeichen setzen"),
]


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    english = " ".join(filter(None, [exc.context or "", exc.problem or ""]))
    for needle, german in _SYNTAX_DE:
        if needle in english:
            return f"YAML-Syntaxfehler: {german}"
    return f"YAML-Syntaxfehler: {exc.problem or english}"


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 with or without BOM, CRLF or LF. A file in another encoding is a problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(path, line, col,
                              f"Datei ist nicht in UTF-8 gespeichert (Byte 0x{raw[exc.start]:02x}) – "
                              "bitte im Editor als UTF-8 speichern", "parse.encoding")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_text(path: str, text: str) -> Document:
    """Parse YAML text into a :class:`Document`; syntax problems end up in ``doc.problems``."""
    doc = Document(path=path, text=text)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        doc.problems.append(Problem(path, 1, 1, "Datei ist leer – erwartet wird ein YAML-Objekt mit Schlüsseln", "parse.empty"))
        return doc
    # Tabs in indentation are the most common editor mistake; report each line, not only the first.
    tab_lines = [i for i, ln in enumerate(text.split("\n")) if ln[: len(ln) - len(ln.lstrip(" \t"))].find("\t") >= 0]
    if tab_lines:
        for i in tab_lines:
            ln = text.split("\n")[i]
            doc.problems.append(Problem(path, i + 1, ln.index("\t") + 1,
                                        "Tabulator zur Einrückung – YAML erlaubt nur Leerzeichen", "parse.tab"))
        return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(path, line, col, _syntax_message(exc), "parse.syntax"))
        return doc
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        mark = getattr(exc, "position", None)
        doc.problems.append(Problem(path, 1, 1, f"YAML-Fehler: {exc}", "parse.syntax"))
        return doc
    doc.data = _construct(doc, node, ())
    return doc


def parse_file(path: Path, display: str) -> Document:
    """Read and parse one content file. ``display`` is the path shown in messages (relative to the root)."""
    global READ_COUNT
    READ_COUNT += 1
    text, problems = decode(display, path.read_bytes())
    if text is None:
        return Document(path=display, text="", problems=problems)
    return parse_text(display, text)


def _mark(node: yaml.Node) -> Scalar:
    return Scalar(node.start_mark.line, node.start_mark.column, node.start_mark.index,
                  node.end_mark.index, getattr(node, "style", None))


def _construct(doc: Document, node: yaml.Node, path: JsonPath) -> object:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append(Problem(doc.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                            "Schlüssel muss ein einfacher Text sein", "parse.key"))
                continue
            key = str(key_node.value)
            child = path + (key,)
            if key in result:
                first = doc.keys[child]
                doc.problems.append(Problem(
                    doc.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    f"doppeltes Feld '{key}' – steht schon in Zeile {first.line + 1}; YAML würde den ersten Wert still verwerfen",
                    "parse.duplicate_key"))
                continue
            doc.keys[child] = _mark(key_node)
            result[key] = _construct(doc, value_node, child)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(doc, item, path + (i,)) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> object:
    if node.tag in (_INT_TAG, _FLOAT_TAG) and not node.style and _SEXAGESIMAL.match(node.value):
        return node.value  # "10:30" stays a time, not 630
    build = _constructor.yaml_constructors.get(node.tag)
    if build is None:  # an explicit tag such as !foo: keep what the author wrote
        return node.value
    value = build(_constructor, node)
    if isinstance(value, (_dt.date, _dt.datetime)):
        # Schemas see dates as ISO text; the model turns them back into dates.
        return value.isoformat()
    return value
