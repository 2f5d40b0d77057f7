"""The Word file is a document: the project's reference document (A4, margins, fonts, German, header with title
and edition, footer "Seite x von y", table style) and a table of contents filled before any field update.
Checked by reading the DOCX's XML and by converting it back to text."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pypandoc
import pytest

from conftest import VALID
from handbook import docx, load, pdf

pytestmark = pytest.mark.pdf

PACK = Path(__file__).resolve().parent / "fixtures" / "zwei-tage.yml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("docx")
    tree = base / "tree"
    shutil.copytree(VALID, tree)
    shutil.copy(PACK, tree / "course_packs" / PACK.name)
    catalog = load(tree)
    pack = next(p for p in catalog.packs if p.id == "zwei-tage")
    import dataclasses
    out = pdf.build_pack(catalog, pack, "docx", base / "kurspaket-zwei-tage.docx")
    trainer = pdf.build_pack(catalog, dataclasses.replace(pack, edition="trainer"), "docx",
                             base / "kurspaket-zwei-tage-trainer.docx")
    return catalog, out, trainer


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_a4_margins_header_footer(built):
    _, out, trainer = built
    doc = part(out, "word/document.xml")
    sect = re.search(r"<w:sectPr>.*?</w:sectPr>", doc, re.S).group(0)
    root = ET.fromstring(f'<w:r xmlns:w="{docx.W}" xmlns:r="{docx.R}">{sect}</w:r>')
    attrs = lambda tag: {k.split("}")[1]: v for k, v in root.find(f"w:sectPr/w:{tag}", {"w": docx.W}).attrib.items()}
    assert attrs("pgSz") == {"w": "11906", "h": "16838"}
    assert attrs("pgMar") == {"top": "1474", "bottom": "1361", "left": "1361", "right": "1361", "header": "709",
                              "footer": "709", "gutter": "0"}
    header_id = re.search(r'<w:headerReference r:id="([^"]+)" w:type="default"', sect).group(1)
    footer_id = re.search(r'<w:footerReference r:id="([^"]+)" w:type="default"', sect).group(1)
    rels = part(out, "word/_rels/document.xml.rels")
    assert re.search(f'Id="{header_id}" Target="header1.xml"', rels) and re.search(f'Id="{footer_id}" Target="footer1.xml"', rels)
    types = part(out, "[Content_Types].xml")
    assert 'PartName="/word/header1.xml"' in types and 'PartName="/word/footer1.xml"' in types
    header = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", part(out, "word/header1.xml")))
    assert header == "Zwei Tage KonfliktanalyseAusgabe für Teilnehmende"
    assert "Ausgabe für Trainer:innen" in part(trainer, "word/header1.xml")
    footer = part(out, "word/footer1.xml")
    instr = re.findall(r"<w:instrText[^>]*>\s*(\w+)\s*</w:instrText>", footer)
    texts = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", footer)
    assert instr == ["PAGE", "NUMPAGES"] and texts[0] == "Seite " and texts[2] == " von "
    assert footer.count('w:fldCharType="begin"') == 2 and footer.count('w:fldCharType="end"') == 2


def test_styles_fonts_language_tables(built):
    _, out, _ = built
    ns = {"w": docx.W}
    q = lambda name: f"{{{docx.W}}}{name}"
    styles = ET.fromstring(part(out, "word/styles.xml"))
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr", ns)
    assert default.find("w:rFonts", ns).get(q("ascii")) == "Libertinus Serif"
    assert default.find("w:lang", ns).get(q("val")) == "de-DE"
    by_id = {s.get(q("styleId")): s for s in styles.findall("w:style", ns)}
    h1 = by_id["Heading1"]
    assert h1.find("w:rPr/w:rFonts", ns).get(q("ascii")) == "DejaVu Sans"
    assert h1.find("w:rPr/w:color", ns).get(q("val")) == "1D4E6F" and h1.find("w:pPr/w:pageBreakBefore", ns) is not None
    table = by_id["Table"]
    assert table.find("w:trPr/w:cantSplit", ns) is not None
    assert table.find("w:tblStylePr/w:trPr/w:tblHeader", ns) is not None
    assert table.find("w:tblPr/w:tblBorders/w:insideH", ns) is not None
    assert {"TOC1", "TOC2", "Header", "Footer"} <= set(by_id)
    settings = ET.fromstring(part(out, "word/settings.xml"))
    assert settings.find("w:themeFontLang", ns).get(q("val")) == "de-DE"


def test_toc_filled_with_the_headings(built):
    _, out, _ = built
    doc = part(out, "word/document.xml")
    toc = re.search(r"<w:sdt>.*?</w:sdt>", doc, re.S).group(0)
    entries = re.findall(r'<w:pStyle w:val="TOC(\d)"/></w:pPr>.*?<w:hyperlink w:anchor="([^"]+)"[^>]*>.*?<w:t[^>]*>([^<]*)</w:t>',
                         toc, re.S)
    assert entries == [(str(level), anchor, text) for level, anchor, text in docx.toc_entries(doc)]
    texts = [e[2] for e in entries]
    assert texts[:5] == ["Ablaufplan", "Unterrichtseinheiten", "Einheit 1.2: Zweite Einheit von Modul 1",
                         "Einheit 1.1: Erste Einheit von Modul 1", "Einheit 2.1: Erste Einheit von Modul 2"]
    assert "Fallstudien" in texts and "Müll im Hinterhof" in texts
    for _, anchor, _ in entries:  # every entry links to a bookmark of the document
        assert f'w:name="{anchor}"' in doc
    # one field: begins in the first entry, ends in the last
    assert toc.count('w:fldCharType="begin"') == 1 and toc.count('w:fldCharType="end"') == 1
    assert toc.index('w:fldCharType="begin"') < toc.index("Ablaufplan") < toc.rindex('w:fldCharType="end"')


def test_back_to_text(built):
    _, out, _ = built
    text = subprocess.run([pypandoc.get_pandoc_path(), "-f", "docx", "-t", "plain", "--wrap=none", str(out)],
                          capture_output=True, text=True, check=True).stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert lines[0] == "Inhalt" and lines[1] == "Ablaufplan" and lines[2] == "Unterrichtseinheiten"
    assert "Einheit 1.2: Zweite Einheit von Modul 1" in text and "GEHEIMER-LOESUNGSHINWEIS" not in text


def test_fill_toc_leaves_a_document_without_toc_alone():
    xml = '<w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body>'
    assert docx.fill_toc_xml(xml) == xml


# --- drawn diagrams (issue 15): Word gets them as a picture with the alt text ------------------------------------

ALT = "Die Treppe der neun Eskalationsstufen – Alternativtext für Word."


def test_a_drawn_diagram_is_a_picture_with_its_alt_text(tmp_path):
    import struct

    from test_loader import edit
    tree = tmp_path / "tree"
    shutil.copytree(VALID, tree)
    shutil.copy(PACK, tree / "course_packs" / PACK.name)
    fig = "    glossar: [allparteilichkeit]\n"
    edit(tree, "modules/m1.yml", fig, fig + f"    abbildungen:\n      - diagramm: glasl-treppe\n        alt: {ALT}\n")
    catalog = load(tree)
    pack = next(p for p in catalog.packs if p.id == "zwei-tage")
    out = pdf.build_pack(catalog, pack, "docx", tmp_path / "kurspaket-zwei-tage.docx")
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and media[0].endswith(".png")
        png = z.read(media[0])
        doc = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"pHYs" in png[:64]
    width_px = struct.unpack(">I", png[16:20])[0]
    assert width_px > 1000  # drawn at 200 ppi, not a thumbnail
    # the picture's description is the unit's alt text, and it points at the PNG
    pictures = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', doc)
    assert pictures == [ALT]
    assert re.findall(r'<pic:cNvPr descr="([^"]*)"', doc) == [ALT]  # not the file name pandoc writes there
    embed = re.search(r'<a:blip r:embed="([^"]+)"', doc).group(1)
    assert re.search(f'Id="{embed}"[^>]*Target="{media[0].removeprefix("word/")}"', rels) or \
        re.search(f'Target="{media[0].removeprefix("word/")}"[^>]*Id="{embed}"', rels)
    # one picture at full size, not a table of sub-figures with the Typst code beside it
    assert "koko-glasl" not in doc and "#block" not in doc
    cx = int(re.search(r'<wp:extent cx="(\d+)"', doc).group(1))
    assert cx > 4_000_000  # EMU: wider than 11 cm on a text width of 16.2 cm
    # the text alternative (the stages as a list) follows the picture
    assert doc.index("<wp:docPr") < doc.index("Verhärtung") < doc.index("Gemeinsam in den Abgrund")
