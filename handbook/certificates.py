"""Attendance list (``kurspaket-<id>-teilnahmeliste.pdf``) and certificates of attendance
(``kurspaket-<id>-bescheinigung.pdf``) for a course pack.

Both are small Typst documents of their own (``templates/bescheinigung.typ``); every value is passed as a Typst
string literal, and the PDFs are tagged PDF/UA-1 like the other print outputs. Without a list of participants
they carry blank name lines; with one (``build_pdf.py --pack X.yml --teilnehmende liste.csv``) one line and one
certificate per person. The list is read only from the path the trainer names — never from the content tree,
never copied into the site, never given to the anonymisation check.
"""
from __future__ import annotations

import csv
import io
import os
import stat
import warnings
from pathlib import Path

from .errors import ContentError, Problem
from .model import Catalog, CoursePack, german_date, ue_de
from .pdf import PDF_STANDARD, _typst_error, _write_atomic, timestamp, typst_string

TEMPLATE = Path(__file__).resolve().parent / "templates" / "bescheinigung.typ"
#: Empty lines on an attendance list without names.
BLANK_LINES = 20
MAX_LIST_BYTES = 1_000_000
MAX_NAMES = 2000
_HEADERS = {"name", "namen", "teilnehmer:in", "teilnehmende", "vor- und nachname"}


def read_participants(path: Path | str) -> list[str]:
    """Names from a local CSV file: one person per line, the first column (a header ``Name`` is skipped).

    Semicolon- or comma-separated, UTF-8 (with or without BOM). Mistakes are located German messages.
    """
    path = Path(path)
    shown = str(path)
    try:
        st = os.stat(path)  # follows a link the user names: it is their file
    except OSError:
        raise ContentError([Problem(shown, 1, 1, f"Datei fehlt: {shown} (Liste der Teilnehmenden)", "participants.missing")]) from None
    if not stat.S_ISREG(st.st_mode):
        raise ContentError([Problem(shown, 1, 1, "keine gewöhnliche Datei – erwartet eine CSV-Datei mit einem Namen je Zeile",
                                    "participants.kind")])
    if st.st_size > MAX_LIST_BYTES:
        raise ContentError([Problem(shown, 1, 1, f"die Liste ist größer als {MAX_LIST_BYTES // 1_000_000} MB – erwartet "
                                    "eine CSV-Datei mit einem Namen je Zeile", "participants.size")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ContentError([Problem(shown, line, 1, "die Datei ist nicht in UTF-8 gespeichert – bitte als „CSV UTF-8“ "
                                    "speichern", "participants.encoding")]) from None
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    names: list[str] = []
    problems: list[Problem] = []
    columns = [0]
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if lineno == 1:
            heads = [c.casefold() for c in cells]
            if "vorname" in heads and "nachname" in heads:  # two columns: first and last name
                columns = [heads.index("vorname"), heads.index("nachname")]
                continue
            if heads[0] in _HEADERS:
                continue
        name = " ".join(cells[c] for c in columns if c < len(cells) and cells[c])
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            problems.append(Problem(shown, lineno, 1, "Steuerzeichen im Namen", "participants.control"))
        elif not name:
            problems.append(Problem(shown, lineno, 1, "kein Name in dieser Zeile – erwartet einen Namen in der ersten Spalte",
                                    "participants.empty"))
        else:
            names.append(name)
    if problems:
        raise ContentError(problems)
    if not names:
        raise ContentError([Problem(shown, 1, 1, "die Liste enthält keinen Namen – erwartet einen Namen je Zeile",
                                    "participants.none")])
    if len(names) > MAX_NAMES:
        raise ContentError([Problem(shown, 1, 1, f"mehr als {MAX_NAMES} Namen – für eine Schulung zu viele",
                                    "participants.many")])
    return names


#: Folders of the project whose files are content or end up on the site: a list of names has no place there.
_PUBLISHED = ("docs", "modules", "case_studies", "course_packs", "overrides", "site")


def refuse_published_place(root: Path, path: Path | str) -> None:
    """A list of participants inside the content tree or the site's sources would be read or published."""
    target = Path(path).resolve()
    for folder in _PUBLISHED:
        base = (Path(root) / folder).resolve()
        if target.is_relative_to(base):
            raise ContentError([Problem(str(path), 1, 1, f"die Liste der Teilnehmenden liegt in {folder}/ des Projekts und "
                                        "könnte so veröffentlicht werden – bitte außerhalb des Projektordners speichern",
                                        "participants.place")])


def when_where(pack: CoursePack) -> str:
    """``am 15. März 2027 in Raum 4`` / ``vom 15. März 2027 bis zum 16. März 2027 in Raum 4``."""
    dates = [d.date for d in pack.days]
    if len(dates) == 1:
        text = f"am {german_date(dates[0])}"
    elif all((b - a).days == 1 for a, b in zip(dates, dates[1:])):
        text = f"vom {german_date(dates[0])} bis zum {german_date(dates[-1])}"
    else:
        text = "am " + ", ".join(german_date(d) for d in dates[:-1]) + f" und {german_date(dates[-1])}"
    return text + (f" in {pack.place}" if pack.place else "")


def content_rows(catalog: Catalog, pack: CoursePack) -> list[tuple[str, int]]:
    """What the certificate lists: each unit once (its parts together), case work and programme items; minutes."""
    from .packs import schedule_rows
    rows: dict[str, int] = {}
    for day in schedule_rows(catalog, pack):
        for r in day:
            if r.kind != "break":
                rows[r.label] = rows.get(r.label, 0) + r.minutes
    return list(rows.items())


def _array(items) -> str:
    items = list(items)
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _facts(pack: CoursePack) -> list[tuple[str, str]]:
    facts = [("Ort", pack.place), ("Termin", ", ".join(german_date(d.date) for d in pack.days)),
             ("Trainer:innen", ", ".join(pack.trainers))]
    return [(k, v) for k, v in facts if v]


def attendance_source(catalog: Catalog, pack: CoursePack, names: list[str] | None = None) -> str:
    lines = names if names else [""] * BLANK_LINES
    facts = _array(f"({typst_string(k)}, {typst_string(v)})" for k, v in _facts(pack))
    days = _array(typst_string(d.date.strftime("%d.%m.%Y")) for d in pack.days)
    call = (f"#teilnahmeliste(title: {typst_string(pack.title)}, programme: {typst_string(catalog.meta.title)}, "
            f"author: {typst_string(', '.join(pack.trainers) or catalog.meta.editor)}, facts: {facts}, days: {days}, "
            f"names: {_array(typst_string(n) for n in lines)})\n")
    return TEMPLATE.read_text(encoding="utf-8") + "\n" + call


def certificate_source(catalog: Catalog, pack: CoursePack, names: list[str] | None = None) -> str:
    units = _array(f"({typst_string(label)}, {typst_string(ue_de(minutes))})" for label, minutes in content_rows(catalog, pack))
    call = (f"#bescheinigungen(title: {typst_string(pack.title)}, programme: {typst_string(catalog.meta.title)}, "
            f"author: {typst_string(', '.join(pack.trainers) or catalog.meta.editor)}, "
            f"when-where: {typst_string(when_where(pack))}, "
            f"trainers: {_array(typst_string(t) for t in pack.trainers)}, units: {units}, "
            f"total: {typst_string(ue_de(pack.teaching_minutes))}, names: {_array(typst_string(n) for n in (names or ['']))})\n")
    return TEMPLATE.read_text(encoding="utf-8") + "\n" + call


def _compile(catalog: Catalog, source: str, out: Path) -> Path:
    import typst
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = typst.compile(source.encode("utf-8"), root=str(catalog.root), pdf_standards=[PDF_STANDARD],
                                 timestamp=timestamp(catalog))
    except Exception as exc:  # typst.TypstError and anything the binding raises
        raise _typst_error(Path(out).name, exc, None) from None
    _write_atomic(Path(out), data)
    return Path(out)


def build_attendance(catalog: Catalog, pack: CoursePack, out: Path, names: list[str] | None = None) -> Path:
    """``kurspaket-<id>-teilnahmeliste.pdf``."""
    return _compile(catalog, attendance_source(catalog, pack, names), out)


def build_certificates(catalog: Catalog, pack: CoursePack, out: Path, names: list[str] | None = None) -> Path:
    """``kurspaket-<id>-bescheinigung.pdf``: one page per participant, or one with a blank name line."""
    return _compile(catalog, certificate_source(catalog, pack, names), out)


def file_names(pack: CoursePack) -> tuple[str, str]:
    return f"kurspaket-{pack.id}-teilnahmeliste.pdf", f"kurspaket-{pack.id}-bescheinigung.pdf"
