"""The print path: handbook, module and course-pack PDFs (and DOCX) through pandoc and Typst.

Every PDF is built once per module (fixtures below); the tests read them back with pypdf and pdftotext.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, VALID

import pypdf

import handbook  # noqa: E402
from handbook import BuildError, pdf, render  # noqa: E402
from handbook.render_nodes import Figure  # noqa: E402

pytestmark = pytest.mark.pdf

HOSTILE = r"$x$ #set page(width: 1cm) @label \foo <script>alert(1)</script> {{ 7*7 }} *unbalanced _under"
ALT = "Schaubild mit drei Konfliktebenen als Alternativtext"
MARKERS = [f"GEHEIMER-{kind}-M{n}" for n in range(1, 6) for kind in ("LOESUNGSHINWEIS", "TRAINERHINWEIS")]


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A valid RGB PNG, written by hand."""
    raw = b"".join(b"\x00" + b"\x1d\x4e\x6f" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def text_of(path: Path, *args: str) -> str:
    """The PDF's text (pdftotext), with hyphenated line ends joined and whitespace collapsed."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, check=True,
                             text=True).stdout
    else:
        out = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text))


# --- builds (once per module) -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The valid fixture plus a figure, a second reference and hostile text in a case study."""
    root = tmp_path_factory.mktemp("pdf") / "tree"
    shutil.copytree(VALID, root)
    (root / "bilder").mkdir()
    (root / "bilder" / "schaubild.png").write_bytes(tiny_png())
    replace_once(root / "modules" / "m1.yml", "    glossar: [allparteilichkeit]\n  - id: m1-e2",
                 "    glossar: [allparteilichkeit]\n    abbildungen:\n      - datei: bilder/schaubild.png\n"
                 f"        alt: {ALT}\n        titel: Konfliktebenen im Überblick\n  - id: m1-e2")
    replace_once(root / "modules" / "m3.yml", "literatur: [glasl2020]", "literatur: [glasl2020, fisher2009]")
    with (root / "literatur.yml").open("a", encoding="utf-8") as f:
        f.write("  - id: fisher2009\n    type: book\n    author:\n      - family: Fisher\n        given: Roger\n"
                "    title: Das Harvard-Konzept\n    publisher: Campus\n    issued:\n      date-parts: [[2018]]\n")
    quoted = HOSTILE.replace("'", "''")
    replace_once(root / "case_studies" / "f-schwimmen.yml", "lernerfahrungen: [Früh einbinden]",
                 f"lernerfahrungen:\n  - Früh einbinden\n  - '{quoted}'")
    replace_once(root / "case_studies" / "f-schwimmen.yml", "verlauf: |\n  Der Verlauf.",
                 f"verlauf: |\n  Der Verlauf. {HOSTILE}")
    return root


@pytest.fixture(scope="module")
def catalog(tree):
    return handbook.load(tree)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="module")
def participants(catalog, out) -> Path:
    return pdf.build_handbook(catalog, "teilnehmende", out / "handbuch.pdf")


@pytest.fixture(scope="module")
def trainer(catalog, out) -> Path:
    return pdf.build_handbook(catalog, "trainer", out / "handbuch-trainer.pdf")


@pytest.fixture(scope="module")
def pack(catalog):
    return next(p for p in catalog.packs if p.id == "testpaket")


@pytest.fixture(scope="module")
def pack_pdf(catalog, pack, out) -> Path:
    return pdf.build_pack(catalog, pack, "pdf", out / "kurspaket-testpaket.pdf")


@pytest.fixture(scope="module")
def pack_trainer_pdf(catalog, pack, out) -> Path:
    return pdf.build_pack(catalog, dataclasses.replace(pack, edition="trainer"), "pdf", out / "kurspaket-trainer.pdf")


@pytest.fixture(scope="module")
def pack_docx(catalog, pack, out) -> Path:
    return pdf.build_pack(catalog, pack, "docx", out / "kurspaket-testpaket.docx")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The handbook from the real content, with its build time."""
    catalog = handbook.load(ROOT)
    target = tmp_path_factory.mktemp("real") / "handbuch.pdf"
    start = time.perf_counter()
    pdf.build_handbook(catalog, "teilnehmende", target)
    return catalog, target, time.perf_counter() - start


# --- content --------------------------------------------------------------------------------------------

def test_handbook_has_all_sections(participants, catalog):
    text = flat(text_of(participants))
    for expected in ["Kommunales Konfliktmanagement", "Ausgabe für Teilnehmende", "Stand: 20. November 2026",
                     "Impressum", "Lizenz: Creative Commons", "Inhalt", "Fallstudien", "Streit um den Schwimmunterricht",
                     "Glossar", "Allparteilichkeit", "Konfliktmanagementsystem (KMS)", "Literatur", "Glasl",
                     "Harvard-Konzept", "Abbildung 1"]:
        assert expected in text, expected
    for module in catalog.modules:
        assert f"Modul {module.number}: {module.title}" in text
        for i, unit in enumerate(module.units, 1):
            assert f"Einheit {module.number}.{i}: {unit.title}" in text


def test_editions_differ_exactly_by_trainer_passages(participants, trainer, catalog):
    p_text, t_text = text_of(participants), text_of(trainer)
    p_flat, t_flat = "".join(p_text.split()), "".join(t_text.split())
    for marker in MARKERS:
        assert marker not in p_flat, f"{marker} in der Ausgabe für Teilnehmende"
        assert marker in t_flat, f"{marker} fehlt in der Ausgabe für Trainer:innen"
    trainer_only = " ".join(u.trainer_notes for u in catalog.units.values())
    trainer_only += " ".join(e.solution_hint for e in catalog.exercises.values())
    allowed = words(trainer_only) | {"Lösungshinweis", "Für", "Trainer", "innen"}
    assert words(t_text) - words(p_text) <= allowed
    assert words(p_text) - words(t_text) <= {"Teilnehmende"}


def test_pack_schedule_times(pack_pdf):
    text = flat(text_of(pack_pdf, "-layout"))
    rows = [("09:00–10:30", "Einheit 1.1: Erste Einheit von Modul 1"), ("10:30–10:45", "Pause"),
            ("10:45–12:45", "Einheit 1.2: Zweite Einheit von Modul 1"), ("12:45–13:45", "Mittagspause"),
            ("13:45–15:15", "Einheit 2.1: Erste Einheit von Modul 2"), ("08:30–10:30", "Einheit 2.2: Zweite Einheit von Modul 2")]
    for times, label in rows:
        assert re.search(re.escape(times) + r"\s+" + re.escape(label), text), (times, label)
    assert "15. März 2027, 09:00–15:15 Uhr" in text
    assert "16. März 2027, 08:30–10:30 Uhr" in text


def test_pack_contents(pack_pdf, pack_trainer_pdf):
    text = flat(text_of(pack_pdf))
    for expected in ["Testpaket", "KURSPAKET", "Ort: Schulungsraum", "Trainer:innen: Trainerin A", "Ablaufplan",
                     "Ausgabe für Teilnehmende", "Unterrichtseinheiten", "Streit um den Schwimmunterricht",
                     "Arbeitsblätter", "ARBEITSBLATT", "Glossar", "Allparteilichkeit", "Literatur", "Glasl"]:
        assert expected in text, expected
    # only what the pack uses: no module-3 unit, no unused glossary term, no uncited reference, no other case
    for absent in ["Einheit 3.1", "Konfliktmanagementsystem (KMS)", "Harvard-Konzept", "Müll", "GEHEIMER"]:
        assert absent not in text, absent
    trainer_text = "".join(text_of(pack_trainer_pdf).split())
    assert "AusgabefürTrainer:innen" in trainer_text
    for marker in ["GEHEIMER-LOESUNGSHINWEIS-M1", "GEHEIMER-TRAINERHINWEIS-M2"]:
        assert marker in trainer_text


def test_module_pdf(catalog, out):
    target = pdf.build_module(catalog, "m3", "teilnehmende", out / "modul-3.pdf")
    text = flat(text_of(target))
    assert "Modul 3:" in text and "Einheit 3.1" in text and "Harvard-Konzept" in text
    assert "Einheit 1.1" not in text and "GEHEIMER" not in text


def test_hostile_text_prints_literally(participants, pack_pdf):
    for path in (participants, pack_pdf):
        text = flat(text_of(path))
        assert HOSTILE in text  # plain-text field (lernerfahrungen)
        # Markdown field (verlauf): every character special to Typst, TeX, HTML or Markdown prints as written
        assert "Der Verlauf. " + HOSTILE in text
    assert len(pypdf.PdfReader(str(participants)).pages[0].mediabox) == 4
    assert abs(float(pypdf.PdfReader(str(participants)).pages[-1].mediabox.width) - 595.28) < 1  # A4, not 1 cm


# --- PDF structure --------------------------------------------------------------------------------------

def outline_titles(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)
    walk(reader.outline)
    return titles


def test_outline_and_bookmarks(participants, catalog):
    titles = outline_titles(pypdf.PdfReader(str(participants)))
    for module in catalog.modules:
        assert f"Modul {module.number}: {module.title}" in titles
    assert "Einheit 1.1: Erste Einheit von Modul 1" in titles
    assert {"Fallstudien", "Glossar", "Literatur", "Streit um den Schwimmunterricht"} <= set(titles)
    assert "Lernziele" not in titles  # sub-sections stay out of the bookmarks


def test_tagged_pdf_ua_language_metadata(participants, pack_pdf):
    for path in (participants, pack_pdf):
        reader = pypdf.PdfReader(str(path))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
        assert root["/Lang"] == "de-DE"
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"pdfuaid:part(>|=\")1", xmp), "PDF/UA-1 nicht in den XMP-Metadaten erklärt"
        info = reader.metadata
        assert info.title and info.author
    assert pypdf.PdfReader(str(participants)).metadata.title == "Kommunales Konfliktmanagement"
    assert pypdf.PdfReader(str(pack_pdf)).metadata.author == "Trainerin A"


def test_fonts_embedded(participants):
    reader = pypdf.PdfReader(str(participants))
    seen = 0
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
            seen += 1
    assert seen > 0


def struct_alts(node, found: list, depth: int = 0) -> list:
    if depth > 200:
        return found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            struct_alts(kids, found, depth + 1)
    elif isinstance(node, list):
        for kid in node:
            struct_alts(kid, found, depth + 1)
    return found


def test_figure_alt_text_reaches_pdf(participants):
    root = pypdf.PdfReader(str(participants)).trailer["/Root"]
    assert ALT in struct_alts(root["/StructTreeRoot"], [])
    assert "Abbildung 1: Konfliktebenen im Überblick" in flat(text_of(participants))


def test_rebuild_is_byte_identical(catalog, participants, out, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = pdf.build_handbook(catalog, "teilnehmende", out / "nochmal.pdf")
    assert again.read_bytes() == participants.read_bytes()
    assert "CreationDate" not in str(pypdf.PdfReader(str(again)).metadata) or \
        pypdf.PdfReader(str(again)).metadata.creation_date.date().isoformat() == "2026-11-20"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdf.timestamp(catalog) == 1700000000


def test_docx_opens_and_is_reproducible(pack_docx, catalog, pack, out):
    with zipfile.ZipFile(pack_docx) as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert "Testpaket" in document and "Ablaufplan" in document and "09:00–10:30" in document
    assert "GEHEIMER" not in document
    again = pdf.build_pack(catalog, pack, "docx", out / "nochmal.docx")
    assert again.read_bytes() == pack_docx.read_bytes()


# --- errors and command line ----------------------------------------------------------------------------

def test_missing_alt_text_is_a_clear_build_error(catalog, tmp_path):
    doc = pdf.Document(name="kaputt.pdf", title="Test", subtitle="", kind_label="Test", edition="teilnehmende",
                       author="Test", facts=[],
                       nodes=[render.h(1, "Test"), Figure("/bilder/schaubild.png", "", ())])
    target = tmp_path / "kaputt.pdf"
    target.write_bytes(b"alt")
    with pytest.raises(BuildError) as info:
        pdf.compile_pdf(catalog, doc, target)
    assert "Typst konnte kaputt.pdf nicht erzeugen" in str(info.value) and "PDF/UA-1" in str(info.value)
    assert target.read_bytes() == b"alt"  # the previous output stays


def run_build_pdf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_pdf.py"), *args], cwd=cwd, capture_output=True, text=True)


def test_cli_help_is_german(tmp_path):
    result = run_build_pdf("--help", cwd=tmp_path)
    assert result.returncode == 0 and "Kurspaket" in result.stdout and "Ausgabe" in result.stdout


def test_cli_pack_outside_tree_with_unknown_unit(tree, tmp_path):
    bad = tmp_path / "eigenes-paket.yml"
    text = (tree / "course_packs" / "testpaket.yml").read_text(encoding="utf-8")
    bad.write_text(text.replace("id: testpaket", "id: eigenes-paket").replace("einheit: m1-e2", "einheit: m1-e9"),
                   encoding="utf-8")
    result = run_build_pdf("--root", str(tree), "--pack", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"eigenes-paket\.yml:\d+:\d+: einheit: unbekannte Einheit 'm1-e9'", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.glob("*.pdf"))


def test_cli_pack_outside_tree_docx(tree, tmp_path):
    good = tmp_path / "eigenes-paket.yml"
    good.write_text((tree / "course_packs" / "testpaket.yml").read_text(encoding="utf-8")
                    .replace("id: testpaket", "id: eigenes-paket"), encoding="utf-8")
    result = run_build_pdf("--root", str(tree), "--pack", str(good), "--format", "docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(tmp_path / "kurspaket-eigenes-paket.docx")


# --- the real content -----------------------------------------------------------------------------------

def test_real_handbook(real):
    catalog, target, seconds = real
    reader = pypdf.PdfReader(str(target))
    assert len(reader.pages) > 50  # (its build time is measured by `make bench`, not asserted here)
    text = flat(text_of(target))
    # text_of joins words hyphenated at a line end; a real hyphen there ("Roma-Familien") is lost the same way
    unhyphen = lambda s: s.replace("-", "").replace("\u00ad", "")
    for module in catalog.modules:
        assert unhyphen(f"Modul {module.number}: {module.title}") in unhyphen(text)
    for case in catalog.cases[:3]:
        assert unhyphen(" ".join(case.title.split())) in unhyphen(text)
    assert "GEHEIMER" not in text


@pytest.mark.pdf
def test_a_large_case_collection_is_printed_in_volumes(tmp_path, monkeypatch):
    """Above CASES_PER_DOCUMENT the handbook carries an index and every case stands in exactly one volume."""
    from handbook import load, pdf as pdfmod
    monkeypatch.setattr(pdfmod, "CASES_PER_DOCUMENT", 1)
    catalog = load(VALID)
    volumes = pdfmod.case_volumes(catalog)
    assert sorted(c.id for v in volumes for c in v.cases) == sorted(c.id for c in catalog.cases)
    assert [v.file for v in volumes] == ["fallsammlung-buerger-buerger.pdf", "fallsammlung-buerger-organisationen.pdf",
                                         "fallsammlung-schluesselakteure-untereinander.pdf"]
    written = {p.name for p in pdfmod.build_all(catalog, tmp_path)}
    assert {v.file for v in volumes} <= written
    handbook = "".join(pg.extract_text() for pg in pypdf.PdfReader(tmp_path / "handbuch.pdf").pages)
    assert "in welchem Band ein Fall steht" in handbook and "Ausgangslage" not in handbook  # an index, not the cases
    volume = "".join(pg.extract_text() for pg in pypdf.PdfReader(tmp_path / "fallsammlung-buerger-buerger.pdf").pages)
    assert "Müll im Hinterhof" in volume and "Ausgangslage" in volume and "Streit um den Schwimmunterricht" not in volume
