"""check ⇒ build (issue 13, item 5): valid content mutated within the schema, generatively.

Every example is a copy of the valid fixture tree with a few mutations of the kinds that broke the build before:
dates at the edges of the calendar (edition date, review date, course days), duplicate numbers (Glasl stages),
empty lists, long ids (which become file names), unusual characters and links of every kind in text fields, CSL
entries with odd names and date parts, odd times and durations in a course pack, figures.

The property: if ``check`` (the loader) accepts the tree, the build succeeds; if it refuses, every message is
German and located (``path:line:column``) and nothing raised but :class:`ContentError`.

What "the build" covers here, to keep the test within a minute: the site (MkDocs, pages, search, glossary,
bibliography; without the offline bundle) and two print outputs: the trainer edition of the handbook (every
module, case, term and reference) and the course pack PDF (days, times, dates). Not covered: the offline bundle
(the same pages as the site), the participants' edition and per-module PDFs (subsets of the trainer edition),
the DOCX of the pack (the same pandoc run with another writer).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from conftest import VALID
from handbook import pdf
from handbook.build import build
from handbook.errors import ContentError
from handbook.loader import load

LOCATED = re.compile(r"^[\w./-]+:\d+:\d+: \S")
ENGLISH = re.compile(r"\b(expected|found|error|invalid|not allowed|is not|Traceback)\b")

EDGE_DATES = [dt.date(1, 1, 1), dt.date(1900, 1, 1), dt.date(1969, 12, 31), dt.date(1970, 1, 1), dt.date(1979, 12, 31),
              dt.date(1980, 1, 1), dt.date(2024, 2, 29), dt.date(2038, 1, 19), dt.date(2099, 12, 31),
              dt.date(2100, 1, 1), dt.date(2106, 2, 8), dt.date(9999, 12, 31)]
# Mostly dates the checks accept (so that the build runs), often at the edges of what they accept.
DATES = st.one_of(st.dates(dt.date(1980, 1, 1), dt.date(2099, 12, 31)), st.dates(dt.date(1980, 1, 1), dt.date(2099, 12, 31)),
                  st.sampled_from(EDGE_DATES), st.dates())
LINKS = ["[x](anhang.pdf)", "[x](../modul.md)", "[x](#abschnitt)", "[x](/absolut)", "[x]()", "[x](https://example.org/a_b)",
         "[x](http://example.org)", "[x](mailto:redaktion@example.org)", "[x](javascript:alert(1))", "[x](<leer zeichen>)",
         "![Bild](bild.png)", "[[m1-e1]]", "[[m2]]", "[[kms|KMS]]", "[[gibt-es-nicht]]", "<https://example.org>",
         "[x]: anhang.pdf", "`[x](code.pdf)`", "[x](https://example.org/(klammer))"]
CHARS = st.characters(blacklist_categories=("Cs",), max_codepoint=0x1FAFF)
SPECIAL = list("<>&*_`[](){}#!\\|$@%:;\"'=-+~^./\n\t ß") + ["\n\n", "   "] + ["\u00ad", "\u200b", "\u200d", "\ufeff", "\u202e", "🤝", "⚖️"]
TEXT = st.lists(st.one_of(CHARS, st.sampled_from(SPECIAL), st.sampled_from(LINKS)), min_size=0, max_size=12).map("".join)
IDS = st.one_of(st.integers(2, 250).map(lambda n: "p" * n), st.sampled_from(["p" * 98, "p" * 100, "p" * 101]),
                st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}[a-z0-9]", fullmatch=True))


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"".join(b"\0" + b"\x80" * width * 3 for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


class Tree:
    """The fixture tree as data, mutated, then written."""

    def __init__(self):
        self.files = {str(p.relative_to(VALID)): yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
                      for p in sorted(VALID.rglob("*.yml"))}
        self.renames: dict[str, str] = {}
        self.extra: dict[str, bytes] = {}

    def write(self, dest: Path) -> Path:
        shutil.copytree(VALID, dest)
        for rel, data in self.files.items():
            (dest / rel).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
        for old, new in self.renames.items():
            (dest / old).rename(dest / new)
        for rel, data in self.extra.items():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(data)
        return dest


def _text_slots(tree: Tree) -> list[tuple[dict | list, str | int]]:
    """(container, key) of every text value in modules, cases, glossary and the handbook file."""
    slots = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str) and k not in ("id", "datei", "beginn", "ende", "datum", "geprueft_am", "stand"):
                    slots.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    slots.append((node, i))
                walk(v)

    for rel, data in tree.files.items():
        if rel.startswith(("modules/", "case_studies/", "glossar", "handbuch", "course_packs/")):
            walk(data)
    return slots


#: Figures (checked at load, copied into the site and embedded in the PDF).
FIGURE = ["figure"]


@st.composite
def mutated_trees(draw, figure: bool = False) -> Tree:
    tree = Tree()
    f = tree.files
    kinds = ["figure"] if figure else draw(st.lists(st.sampled_from(["stand", "geprueft", "datum", "stufe", "csl", "pack_id", "case_id", "text",
                                           "empty", "numbers", "times"] + FIGURE), min_size=1, max_size=4))
    for kind in kinds:
        if kind == "stand":
            f["handbuch.yml"]["stand"] = draw(DATES)
        elif kind == "geprueft":
            f["case_studies/f-muell.yml"]["anonymisierung"]["geprueft_am"] = draw(DATES)
        elif kind == "datum":
            days = f["course_packs/testpaket.yml"]["tage"]
            days[draw(st.integers(0, len(days) - 1))]["datum"] = draw(st.one_of(DATES, st.just(days[0]["datum"])))
        elif kind == "stufe":
            stages = f["vokabular.yml"]["eskalationsstufen"]
            numbers = draw(st.one_of(st.permutations(range(1, 10)), st.lists(st.integers(1, 9), min_size=9, max_size=9)))
            for stage, n in zip(stages, numbers):
                stage["stufe"] = n
        elif kind == "csl":
            ref = f["literatur.yml"]["references"][0]
            good = st.lists(st.lists(st.integers(1000, 2999), min_size=1, max_size=1), min_size=1, max_size=1)
            full = st.tuples(st.integers(1000, 2999), st.integers(1, 12), st.integers(1, 28)).map(lambda t: [list(t)])
            odd = st.lists(st.lists(st.integers(-5, 3000), max_size=4), max_size=3)
            ref["issued"]["date-parts"] = draw(st.one_of(good, full, odd, st.just([])))
            if "author" in ref:
                ref["author"][0]["family"] = draw(st.one_of(TEXT.map(lambda t: t.strip() or "Name"), TEXT, st.integers(), st.none()))
        elif kind == "pack_id":
            new = draw(IDS)
            f["course_packs/testpaket.yml"]["id"] = new
            tree.renames["course_packs/testpaket.yml"] = f"course_packs/{new}.yml"
        elif kind == "case_id":
            new = "f-" + draw(IDS)
            f["case_studies/f-konkurrenz.yml"]["id"] = new
            tree.renames["case_studies/f-konkurrenz.yml"] = f"case_studies/{new}.yml"
        elif kind == "text":
            slots = _text_slots(tree)
            for _ in range(draw(st.integers(1, 4))):
                container, key = slots[draw(st.integers(0, len(slots) - 1))]
                container[key] = draw(TEXT)
        elif kind == "empty":
            case = f["case_studies/f-muell.yml"]
            case[draw(st.sampled_from(["lernerfahrungen", "reflexionsfragen", "themen", "akteure", "module"]))] = []
        elif kind == "numbers":
            unit = f["modules/m1.yml"]["einheiten"][0]
            unit["dauer_min"] = draw(st.one_of(st.integers(5, 600), st.sampled_from([5, 600]), st.integers(-10, 10**6)))
            f["case_studies/f-muell.yml"]["eskalationsstufe"] = draw(st.one_of(st.integers(1, 9), st.integers(-3, 12)))
        elif kind == "times":
            day = f["course_packs/testpaket.yml"]["tage"][0]
            day["beginn"] = draw(st.one_of(st.sampled_from(["00:00", "23:59", "24:00", "7:05", "12:60", "9", ""]),
                                           st.from_regex(r"[0-2][0-9]:[0-5][0-9]", fullmatch=True)))
        elif kind == "figure":
            name = draw(st.sampled_from(["bilder/a.png", "bilder/b.svg"]))
            if name.endswith(".png"):
                tree.extra[name] = _png(draw(st.integers(1, 40)), draw(st.integers(1, 40)))
            else:
                tree.extra[name] = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                                    '<rect width="10" height="10" fill="#036"/></svg>').encode()
            f["modules/m1.yml"]["einheiten"][0]["abbildungen"] = [{"datei": name, "alt": draw(TEXT) or "Bild"}]
    return tree


# No shrinking: every example is a build of a second or more, and shrinking one failure took more than five minutes.
SETTINGS = settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@SETTINGS
@given(mutated=mutated_trees())
def test_what_check_accepts_builds(tmp_path_factory, mutated):
    _check_then_build(tmp_path_factory, mutated)


def _check_then_build(tmp_path_factory, mutated: Tree) -> None:
    base = tmp_path_factory.mktemp("mutiert")
    root = mutated.write(base / "tree")
    try:
        catalog = load(root)
    except ContentError as exc:
        event("check: Fehler")
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert LOCATED.match(line), line
            assert not ENGLISH.search(problem.message), line
        return
    event("check: in Ordnung – gebaut")
    site = build(root, base / "site", pdfs=False, offline=False)
    assert (site / "index.html").is_file()
    out = pdf.build_handbook(catalog, "trainer", base / "handbuch-trainer.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    for pack in catalog.packs:
        assert pdf.build_pack(catalog, pack, "pdf", base / "kurspaket.pdf").read_bytes().startswith(b"%PDF")
