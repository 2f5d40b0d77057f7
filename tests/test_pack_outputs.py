"""What ``build_pdf.py --pack`` writes for a trainer: both editions in every format the pack asks for, the
attendance list and the certificates (blank or per participant), with the files it wrote listed; errors stop it
with their location, warnings are printed."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from conftest import ROOT
from handbook import ContentError, certificates, load

pytestmark = pytest.mark.pdf

PACK = Path(__file__).resolve().parent / "fixtures" / "zwei-tage.yml"


def run_build_pdf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_pdf.py"), *args], cwd=cwd, capture_output=True, text=True)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The pack of issue 16 built once, from build_pdf.py alone, with a list of participants."""
    base = tmp_path_factory.mktemp("pack")
    tree = base / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tree)
    own = base / "zwei-tage.yml"  # a pack downloaded from the builder, kept outside the tree
    shutil.copy(PACK, own)
    names = base / "liste.csv"
    names.write_text("Name\nAnna Beispiel\n\"Bernd \"\"#set\"\" Muster\"\nÇağla Öztürk\n", encoding="utf-8")
    result = run_build_pdf("--root", str(tree), "--pack", str(own), "-o", str(base / "out"), "--teilnehmende",
                           str(names), cwd=base)
    return base / "out", result, tree


def test_every_output_written_and_listed(built):
    out, result, _ = built
    assert result.returncode == 0, result.stderr
    expected = ["kurspaket-zwei-tage.pdf", "kurspaket-zwei-tage.docx", "kurspaket-zwei-tage-trainer.pdf",
                "kurspaket-zwei-tage-trainer.docx", "kurspaket-zwei-tage-teilnahmeliste.pdf",
                "kurspaket-zwei-tage-bescheinigung.pdf"]
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    for name, line in zip(expected, lines):
        path = out / name
        size = f"{path.stat().st_size / 1024:.0f} KB"
        if name.endswith(".pdf"):
            n = len(pypdf.PdfReader(str(path)).pages)
            assert line == f"geschrieben: {path} ({n} Seite{'n' if n != 1 else ''}, {size})"
        else:
            assert line == f"geschrieben: {path} ({size})" and zipfile.is_zipfile(path)
    assert result.stderr == ""  # no warning for this pack


def test_both_editions(built):
    out, _, _ = built
    participants = "".join(pdf_text(out / "kurspaket-zwei-tage.pdf").split())
    trainer = "".join(pdf_text(out / "kurspaket-zwei-tage-trainer.pdf").split())
    assert "GEHEIMER-LOESUNGSHINWEIS" not in participants and "GEHEIMER-TRAINERHINWEIS" not in participants
    assert "GEHEIMER-LOESUNGSHINWEIS" in trainer and "GEHEIMER-TRAINERHINWEIS" in trainer


def test_attendance_list_one_line_per_participant_and_a_column_per_day(built):
    out, _, _ = built
    path = out / "kurspaket-zwei-tage-teilnahmeliste.pdf"
    text = pdf_text(path)
    assert re.search(r"Nr\.\s+Name\s+Unterschrift\s+Unterschrift", text)
    assert "15.03.2027" in text and "16.03.2027" in text
    rows = re.findall(r"^\s*(\d+)\s+(\S.*?)\s*$", text, re.M)
    assert [(n, name) for n, name in rows if n in "123"][:3] == [("1", "Anna Beispiel"), ("2", 'Bernd "#set" Muster'),
                                                                  ("3", "Çağla Öztürk")]
    assert "Zwei Tage Konfliktanalyse" in text and "Raum 4" in text and "Trainerin A, Trainer B" in text
    assert "4" not in [n for n, _ in rows]  # three names: three lines, no blank rows


@pytest.mark.parametrize("name", ["teilnahmeliste", "bescheinigung"])
def test_tagged_pdf_ua(built, name):
    out, _, _ = built
    reader = pypdf.PdfReader(str(out / f"kurspaket-zwei-tage-{name}.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "de-DE"
    assert re.search(r"pdfuaid:part(>|=\")1", root["/Metadata"].get_object().get_data().decode("utf-8"))
    assert reader.metadata.title.startswith(("Teilnahmeliste: ", "Teilnahmebescheinigung: "))


def test_certificate_per_participant_with_ue(built):
    out, _, _ = built
    reader = pypdf.PdfReader(str(out / "kurspaket-zwei-tage-bescheinigung.pdf"))
    assert len(reader.pages) == 3
    pages = [flat(p.extract_text()) for p in reader.pages]
    for page, name in zip(pages, ["Anna Beispiel", 'Bernd "#set" Muster', "Çağla Öztürk"]):
        assert name in page and "Teilnahmebescheinigung" in page and "Kommunales Konfliktmanagement" in page
        assert "vom 15. März 2027 bis zum 16. März 2027 in Raum 4 teilgenommen hat" in page
        assert "Trainerin A" in page and "Trainer B" in page
    text = flat(pdf_text(out / "kurspaket-zwei-tage-bescheinigung.pdf").split("\f")[0])
    # hand-computed: each unit with its minutes / 45, the total from all 420 teaching minutes
    for label, ue in [("Begrüßung und Erwartungen", "0,7"), ("Einheit 1.2: Zweite Einheit von Modul 1", "2,7"),
                      ("Einheit 1.1: Erste Einheit von Modul 1", "2,0"), ("Fallarbeit: Müll im Hinterhof", "1,3"),
                      ("Einheit 2.1: Erste Einheit von Modul 2", "2,0"), ("Feedbackrunde", "0,7"), ("Insgesamt", "9,3")]:
        assert f"{label} {ue} UE" in text, label


def test_participant_names_stay_out_of_the_tree(built):
    out, _, tree = built
    for path in tree.rglob("*"):
        if path.is_file():
            assert b"Anna Beispiel" not in path.read_bytes(), path


def test_blank_lines_by_default(tmp_path):
    catalog = load(ROOT / "tests" / "fixtures" / "valid")
    pack = catalog.packs[0]
    lst = certificates.build_attendance(catalog, pack, tmp_path / "l.pdf")
    rows = re.findall(r"^\s*(\d+)\s*$", pdf_text(lst), re.M)
    assert rows[:certificates.BLANK_LINES] == [str(i) for i in range(1, certificates.BLANK_LINES + 1)]
    cert = certificates.build_certificates(catalog, pack, tmp_path / "b.pdf")
    reader = pypdf.PdfReader(str(cert))
    assert len(reader.pages) == 1 and "Vor- und Nachname der teilnehmenden Person" in reader.pages[0].extract_text()


def test_participant_list_mistakes_are_located(tmp_path):
    bad = tmp_path / "liste.csv"
    bad.write_text("Vorname;Nachname\nAnna;Beispiel\n;\n", encoding="utf-8")
    assert certificates.read_participants(bad) == ["Anna Beispiel"]  # an empty line is skipped
    bad.write_text("Name\nAnna\n\x07Bell\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        certificates.read_participants(bad)
    assert [str(p) for p in info.value.problems] == [f"{bad}:3:1: Steuerzeichen im Namen"]
    bad.write_bytes(b"Name\n\xff\n")
    with pytest.raises(ContentError) as info:
        certificates.read_participants(bad)
    assert str(info.value.problems[0]) == f"{bad}:2:1: die Datei ist nicht in UTF-8 gespeichert – bitte als „CSV UTF-8“ speichern"
    with pytest.raises(ContentError) as info:
        certificates.read_participants(tmp_path)
    assert "keine gewöhnliche Datei" in str(info.value.problems[0])


def test_a_day_past_its_end_stops_with_the_location(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tree)
    own = tmp_path / "zwei-tage.yml"
    own.write_text(PACK.read_text(encoding="utf-8").replace('ende: "12:00"', 'ende: "11:00"'), encoding="utf-8")
    result = run_build_pdf("--root", str(tree), "--pack", str(own), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{own}:29:11: tage[2]: der Tag endet um 11:15 Uhr, 15 Minuten nach dem Tagesende 11:00 Uhr" in result.stderr
    assert not (tmp_path / "out").exists() and result.stdout == ""


def test_warnings_in_the_terminal_and_options_override_the_pack(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tree)
    case = tree / "case_studies" / "f-muell.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("freigegeben: true", "freigegeben: false"), encoding="utf-8")
    own = tmp_path / "zwei-tage.yml"
    shutil.copy(PACK, own)
    result = run_build_pdf("--root", str(tree), "--pack", str(own), "-o", str(tmp_path / "out"), "--edition", "trainer",
                           "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Warnung: {own}:25:21: fallstudie: 'f-muell' ist nicht freigegeben und wird nicht gedruckt" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "kurspaket-zwei-tage-bescheinigung.pdf", "kurspaket-zwei-tage-teilnahmeliste.pdf", "kurspaket-zwei-tage-trainer.pdf"]
    text = pdf_text(tmp_path / "out" / "kurspaket-zwei-tage-trainer.pdf")
    assert "Hinterhof" not in text  # the withheld case is printed nowhere


def test_a_participant_list_inside_the_published_tree_is_refused(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tree)
    (tree / "docs").mkdir(exist_ok=True)
    names = tree / "docs" / "liste.csv"
    names.write_text("Anna Beispiel\n", encoding="utf-8")
    result = run_build_pdf("--root", str(tree), "--pack", str(tree / "course_packs" / "testpaket.yml"), "-o",
                           str(tmp_path / "out"), "--teilnehmende", str(names), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{names}:1:1: die Liste der Teilnehmenden liegt in docs/ des Projekts" in result.stderr
    assert not (tmp_path / "out").exists()


def test_pdf_timetable_matches_the_hand_computed_one(built):
    from test_packs import EXPECTED
    out, _, _ = built
    for name in ("kurspaket-zwei-tage.pdf", "kurspaket-zwei-tage-trainer.pdf"):
        text = flat(pdf_text(out / name))
        plan = text[text.index("15. März 2027, 09:00–15:30 Uhr"):]
        assert "16. März 2027, 09:00–11:15 Uhr" in plan
        pos = 0
        for day in EXPECTED:
            for start, end, _label, minutes, _kind, _part in day:
                found = plan.find(f"{start}–{end}", pos)
                assert found >= 0, (name, start, end)
                assert plan[found:found + 200].find(f"{minutes} min") > 0
                pos = found + 1
