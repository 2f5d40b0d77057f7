"""Reading one YAML file into plain data while keeping where every value stands.

libyaml's CSafeLoader composes the node tree (fast); we construct the values ourselves so that we can
keep positions, detect duplicate keys (PyYAML silently keeps the last one) and keep YAML 1.1 surprises
such as ``beginn: 10:30`` (a base-60 integer to PyYAML) as the text the author wrote.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import stat
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

#: Largest content file (bytes). A case study of the real project is about 10 KB; 2 MB is generous and bounds
#: the cost of one hostile file (parse, validation, rendering) to seconds.
MAX_BYTES = 2 * 1024 * 1024
MAX_BYTES_DE = "2 MB"
#: Deepest nesting of lists and objects. The content model needs 6 levels; 20,000 brackets would exhaust the stack.
MAX_DEPTH = 32
#: Longest integer (digits). Python refuses to turn more than 4,300 digits into text; no field needs more than 6.
MAX_DIGITS = 18
#: At most this many parse problems per file are listed (a file of 100,000 aliases is one mistake, made often).
MAX_PROBLEMS = 20

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_SEXAGESIMAL = re.compile(r"^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$")
_constructor = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Characters YAML (and libyaml) refuses: C0/C1 control characters but tab, newline and NEL, and U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[^\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "Rückschritt", 0x0B: "vertikaler Tabulator", 0x0C: "Seitenvorschub",
                  0x1B: "Escape", 0x7F: "DEL"}


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



class FileProblem(Exception):
    """A content file that must not or cannot be read; the message is German and shows nothing of the file."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _size_de(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def read_regular(path: Path, *, limit: int = MAX_BYTES, limit_de: str = MAX_BYTES_DE, what: str = "Inhaltsdatei") -> bytes:
    """The bytes of a regular file that is not a symlink, at most ``limit`` bytes; else :class:`FileProblem`.

    The file is opened without following a symlink in its last component and checked on the open descriptor,
    so nothing is read from a device, a pipe or whatever a link points to, and the check cannot be raced.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        import errno
        if exc.errno == errno.ELOOP or (path.is_symlink() if exc.errno in (errno.ENOENT, errno.EMLINK) else False):
            raise FileProblem("ist ein symbolischer Verweis (Symlink) – erwartet wird eine echte Datei im Projektordner; "
                              "der Verweis wurde nicht gelesen", "load.symlink") from None
        if exc.errno == errno.ENOENT:
            raise FileProblem("Datei gibt es nicht", "load.missing") from None
        if exc.errno == errno.EACCES:
            raise FileProblem("Datei darf nicht gelesen werden (keine Leserechte)", "load.access") from None
        raise FileProblem(f"Datei kann nicht gelesen werden ({os.strerror(exc.errno or 0)})", "load.io") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("ist keine gewöhnliche Datei (Ordner, Gerät oder Pipe) – erwartet wird eine echte Datei",
                              "load.not_regular")
        if info.st_size > limit:
            raise FileProblem(f"{what} ist zu groß ({_size_de(info.st_size)}) – erlaubt sind höchstens {limit_de} je Datei; "
                              "bitte aufteilen oder kürzen", "load.size")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # grew while being read
                raise FileProblem(f"{what} ist zu groß – erlaubt sind höchstens {limit_de} je Datei; "
                                  "bitte aufteilen oder kürzen", "load.size")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(f"Datei kann nicht gelesen werden ({os.strerror(exc.errno or 0)})", "load.io") from None
    finally:
        os.close(fd)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index)
    return line + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _control_problems(path: str, text: str) -> list[Problem]:
    problems = []
    for m in _FORBIDDEN.finditer(text):
        if len(problems) == MAX_PROBLEMS:
            problems.append(Problem(path, *_line_col(text, m.start()), "weitere unerlaubte Steuerzeichen folgen – "
                                    "nur die ersten werden gezeigt", "parse.control"))
            break
        code = ord(m.group())
        name = _CONTROL_NAMES.get(code)
        shown = f"U+{code:04X}" + (f" ({name})" if name else "")
        problems.append(Problem(path, *_line_col(text, m.start()),
                                f"unerlaubtes Steuerzeichen {shown} – YAML erlaubt es nicht; bitte löschen "
                                "(es entsteht oft beim Kopieren aus anderen Programmen)", "parse.control"))
    return problems


def _tag_shown(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def parse_text(path: str, text: str) -> Document:
    """Parse YAML text into a :class:`Document`; every problem ends up in ``doc.problems``.

    The file is read as an event stream (libyaml) and built here, without recursion: anchors, aliases, merge
    keys and explicit tags are refused before anything could expand, nesting is bounded, and every scalar
    that YAML would turn into a number or a date is checked (an impossible date is a located message).
    """
    doc = Document(path=path, text=text)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        doc.problems.append(Problem(path, 1, 1, "Datei ist leer – erwartet wird ein YAML-Objekt mit Schlüsseln", "parse.empty"))
        return doc
    control = _control_problems(path, text)
    if control:
        doc.problems.extend(control)
        return doc
    # Tabs in indentation are the most common editor mistake; report each line, not only the first.
    lines = text.split("\n")
    tab_lines = [i for i, ln in enumerate(lines) if "\t" in ln[: len(ln) - len(ln.lstrip(" \t"))]]
    if tab_lines:
        for i in tab_lines[:MAX_PROBLEMS]:
            doc.problems.append(Problem(path, i + 1, lines[i].index("\t") + 1,
                                        "Tabulator zur Einrückung – YAML erlaubt nur Leerzeichen", "parse.tab"))
        return doc
    try:
        doc.data = _build(doc, yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(path, line, col, _syntax_message(exc), "parse.syntax"))
    except yaml.YAMLError as exc:  # e.g. reader errors; the text was checked above, so this is a last resort
        index = getattr(exc, "position", None)
        line, col = _line_col(text, index) if isinstance(index, int) and 0 <= index <= len(text) else (1, 1)
        doc.problems.append(Problem(path, line, col, "YAML-Fehler: die Datei kann nicht gelesen werden – "
                                    "Zeichen an dieser Stelle prüfen", "parse.syntax"))
    if doc.problems:
        doc.data = None
        if len(doc.problems) > MAX_PROBLEMS:
            extra = len(doc.problems) - MAX_PROBLEMS
            del doc.problems[MAX_PROBLEMS:]
            last = doc.problems[-1]
            doc.problems.append(Problem(path, last.line, last.column,
                                        f"… und {extra} weitere Fehler dieser Art in dieser Datei", "parse.more"))
    return doc


def parse_file(path: Path, display: str) -> Document:
    """Read and parse one content file. ``display`` is the path shown in messages (relative to the root).

    Only a regular file (no symlink, device or pipe) of at most :data:`MAX_BYTES` is read.
    """
    global READ_COUNT
    READ_COUNT += 1
    try:
        raw = read_regular(path)
    except FileProblem as exc:
        return Document(path=display, text="", problems=[Problem(display, 1, 1, exc.message, exc.code)])
    text, problems = decode(display, raw)
    if text is None:
        return Document(path=display, text="", problems=problems)
    return parse_text(display, text)


def _mark(event) -> Scalar:
    return Scalar(event.start_mark.line, event.start_mark.column, event.start_mark.index,
                  event.end_mark.index, getattr(event, "style", None) or None)


def _refuse(doc: Document, event, message: str, code: str) -> None:
    doc.problems.append(Problem(doc.path, event.start_mark.line + 1, event.start_mark.column + 1, message, code))


def _build(doc: Document, events) -> object:
    """Plain data from a YAML event stream, with positions; refuses what content YAML has no use for."""
    stack: list = []  # frames: [container, path, pending key (for mappings) or None, key mark]
    root: object = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                _refuse(doc, event, "zweites YAML-Dokument ('---') in derselben Datei – je Datei nur ein Inhalt", "parse.documents")
                return None
            continue
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        if kind is yaml.AliasEvent:
            _refuse(doc, event, f"Alias '*{event.anchor}' ist in Inhaltsdateien nicht erlaubt – den Wert ausschreiben "
                                "(ein Text, der mit '*' beginnt, gehört in Anführungszeichen)", "parse.alias")
            value, is_container = None, False
            mark = _mark(event)
        elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            container, path, _, _ = stack.pop()
            if not stack:
                root = container
            elif stack[-1][2] is _KEY_PENDING:  # the end of a key that was a list or an object
                stack[-1][2] = _BAD_KEY
            else:
                _attach(doc, stack[-1], container, None, path)
            continue
        else:
            if event.anchor is not None:
                _refuse(doc, event, f"Anker '&{event.anchor}' ist in Inhaltsdateien nicht erlaubt – Werte ausschreiben "
                                    "(ein Text, der mit '&' beginnt, gehört in Anführungszeichen)", "parse.anchor")
            if event.tag is not None and not (kind is yaml.ScalarEvent and event.tag == "!" and event.style):
                _refuse(doc, event, f"Typangabe '{_tag_shown(event.tag)}' ist in Inhaltsdateien nicht erlaubt – den Wert ohne "
                                    "Angabe schreiben (ein Text, der mit '!' beginnt, gehört in Anführungszeichen)", "parse.tag")
            mark = _mark(event)
            is_container = kind is not yaml.ScalarEvent
            if is_container:
                if len(stack) >= MAX_DEPTH:
                    _refuse(doc, event, f"zu tief verschachtelt – mehr als {MAX_DEPTH} Ebenen aus Listen und Objekten "
                                        "sind nicht erlaubt", "parse.depth")
                    return None
                value = {} if kind is yaml.MappingStartEvent else []
            else:
                value = _scalar_event(doc, event)
        if not stack:
            if is_container:
                path = ()
                doc.values[path] = mark
                stack.append([value, path, _NO_KEY, None])
            else:
                root = value
                doc.values[()] = mark
            continue
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, dict) and frame[2] is _NO_KEY:
            # This node is a key.
            if is_container or kind is yaml.AliasEvent or not isinstance(value, (str, int, float, bool)) and value is not None:
                if kind is not yaml.AliasEvent:
                    _refuse(doc, event, "Schlüssel muss ein einfacher Text sein", "parse.key")
                frame[2], frame[3] = _BAD_KEY, mark
                if is_container:  # skip the whole key subtree: collect it into a throwaway frame
                    frame[2] = _KEY_PENDING
                    stack.append([value, frame[1] + ("\0key",), _NO_KEY, None])
                continue
            if kind is yaml.ScalarEvent and not event.style and event.value == "<<":
                _refuse(doc, event, "Zusammenführung mit '<<' ist in Inhaltsdateien nicht erlaubt – die Felder ausschreiben",
                        "parse.merge")
            key = str(event.value)
            child = frame[1] + (key,)
            if key in container:
                first = doc.keys[child]
                _refuse(doc, event, f"doppeltes Feld '{key}' – steht schon in Zeile {first.line + 1}; YAML würde den "
                                    "ersten Wert still verwerfen", "parse.duplicate_key")
                frame[2], frame[3] = _BAD_KEY, mark
                continue
            frame[2], frame[3] = key, mark
            continue
        path = _child_path(frame)
        if is_container:
            if path is not None:
                doc.values[path] = mark
            stack.append([value, path if path is not None else frame[1] + ("\0skip",), _NO_KEY, None])
            continue
        if path is not None:
            doc.values[path] = mark
        _attach(doc, frame, value, mark, path)
    return root


class _Marker:
    pass


_NO_KEY, _BAD_KEY, _KEY_PENDING = _Marker(), _Marker(), _Marker()


def _child_path(frame) -> JsonPath | None:
    container = frame[0]
    if isinstance(container, dict):
        key = frame[2]
        return frame[1] + (key,) if isinstance(key, str) else None
    return frame[1] + (len(container),)


def _attach(doc: Document, frame, value, mark, path) -> None:
    container = frame[0]
    if isinstance(container, dict):
        key = frame[2]
        if isinstance(key, str):
            doc.keys[frame[1] + (key,)] = frame[3]
            container[key] = value
        frame[2], frame[3] = _NO_KEY, None
    else:
        container.append(value)


_DATE_DE = "ein Datum im Format JJJJ-MM-TT, das es im Kalender gibt"


def _scalar_event(doc: Document, event) -> object:
    """The value of a scalar as YAML 1.1 reads it, except that times such as 10:30 stay text."""
    value = event.value
    if event.style or event.tag is not None:  # quoted (or tagged, refused above): text
        return value
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR_TAG:
        return value
    if tag in (_INT_TAG, _FLOAT_TAG):
        if _SEXAGESIMAL.match(value):
            return value  # "10:30" stays a time, not 630
        digits = sum(ch.isdigit() for ch in value)
        if tag == _INT_TAG and digits > MAX_DIGITS:
            _refuse(doc, event, f"Zahl mit {digits} Ziffern ist zu lang – erlaubt sind höchstens {MAX_DIGITS}; "
                                "ist ein Text gemeint, bitte in Anführungszeichen setzen", "parse.number")
            return None
    if tag == _MERGE_TAG:
        return value  # reported as a key above; as a value it is just the text '<<'
    build = _constructor.yaml_constructors.get(tag)
    if build is None:
        return value
    try:
        result = build(_constructor, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style))
    except (ValueError, OverflowError, ArithmeticError):
        if tag == _TIMESTAMP_TAG:
            _refuse(doc, event, f"'{value}' ist kein gültiges Datum – erwartet wird {_DATE_DE} "
                                "(z. B. gibt es den 30. Februar nicht)", "parse.date")
        else:
            _refuse(doc, event, f"'{value[:40]}' kann nicht als Zahl gelesen werden – ist ein Text gemeint, "
                                "bitte in Anführungszeichen setzen", "parse.number")
        return None
    if isinstance(result, (_dt.date, _dt.datetime)):
        # Schemas see dates as ISO text; the model turns them back into dates.
        return result.isoformat()
    return result
