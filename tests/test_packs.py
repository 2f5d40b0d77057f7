"""Course packs as a trainer uses them: blocks of every kind, computed times, Unterrichtseinheiten, the checks of
a day plan (day end, date order, split units, cases) with their exact German messages, and the shipped day plans."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from conftest import VALID
from handbook import ContentError, load, packs
from handbook.model import hhmm, ue, ue_de

PACK = Path(__file__).resolve().parent / "fixtures" / "zwei-tage.yml"
REL = "course_packs/zwei-tage.yml"


@pytest.fixture
def ptree(tree: Path) -> Path:
    shutil.copy(PACK, tree / REL)
    return tree


def edit(root: Path, old: str, new: str) -> None:
    path = root / REL
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [str(p) for p in info.value.problems]


def the_pack(root: Path):
    return next(p for p in load(root).packs if p.id == "zwei-tage")


def t(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


# Worked out by hand from tests/fixtures/zwei-tage.yml (m1-e1 90, m1-e2 120, m2-e1 90 minutes).
EXPECTED = [
    [("09:00", "09:30", "Begrüßung und Erwartungen", 30, "item", ""),
     ("09:30", "10:30", "Einheit 1.2: Zweite Einheit von Modul 1", 60, "unit", "Teil 1/2"),
     ("10:30", "10:45", "Pause", 15, "break", ""),
     ("10:45", "11:45", "Einheit 1.2: Zweite Einheit von Modul 1", 60, "unit", "Teil 2/2"),
     ("11:45", "12:45", "Mittagspause", 60, "break", ""),
     ("12:45", "14:15", "Einheit 1.1: Erste Einheit von Modul 1", 90, "unit", ""),
     ("14:15", "14:30", "Pause", 15, "break", ""),
     ("14:30", "15:30", "Fallarbeit: Müll im Hinterhof", 60, "case", "")],
    [("09:00", "10:30", "Einheit 2.1: Erste Einheit von Modul 2", 90, "unit", ""),
     ("10:30", "10:45", "Pause", 15, "break", ""),
     ("10:45", "11:15", "Feedbackrunde", 30, "item", "")],
]


def test_hand_computed_timetable_and_ue(ptree):
    catalog = load(ptree)
    pack = next(p for p in catalog.packs if p.id == "zwei-tage")
    rows = packs.schedule_rows(catalog, pack)
    assert [[(hhmm(r.start), hhmm(r.end), r.label, r.minutes, r.kind, r.part) for r in day] for day in rows] == EXPECTED
    # teaching minutes: day 1 30+60+60+90+60 = 300, day 2 90+30 = 120; UE = minutes / 45 to one decimal
    assert [d.teaching_minutes for d in pack.days] == [300, 120] and pack.teaching_minutes == 420
    assert [d.ue for d in pack.days] == [6.7, 2.7] and pack.ue == 9.3 and ue_de(420) == "9,3 UE"
    assert [d.limit for d in pack.days] == [t("16:30"), t("12:00")]  # day 2's own ende, day 1 the event's
    assert [d.over for d in pack.days] == [0, 0]
    assert pack.editions == ["teilnehmende", "trainer"] and pack.edition == "teilnehmende"
    assert pack.unit_ids == ["m1-e2", "m1-e1", "m2-e1"]  # the split unit once
    assert pack.case_ids == ["f-schwimmen", "f-muell"]  # the pack's cases, then the case block's
    assert pack.publish is False and pack.warnings == []
    assert pack.file_name("trainer", "docx") == "kurspaket-zwei-tage-trainer.docx"
    assert pack.file_name("teilnehmende", "pdf") == "kurspaket-zwei-tage.pdf"


def test_ue_rounding():
    assert [ue(m) for m in (0, 45, 90, 60, 360, 390, 1)] == [0.0, 1.0, 2.0, 1.3, 8.0, 8.7, 0.0]
    for m in range(0, 2000):  # a tie (x.x5) never occurs for whole minutes, so any rounding rule agrees
        assert ue(m) == math.floor(m / 45 * 10 + 0.5) / 10


def test_old_packs_keep_working():
    pack = next(p for p in load(VALID).packs if p.id == "testpaket")
    assert pack.editions == ["teilnehmende"] and pack.days[0].limit is None and pack.days[1].ue == 2.7


LOC_DAY2_END = "course_packs/zwei-tage.yml:29:11"

ERRORS = [
    pytest.param('ende: "12:00"', 'ende: "11:00"',
                 [f"{LOC_DAY2_END}: tage[2]: der Tag endet um 11:15 Uhr, 15 Minuten nach dem Tagesende 11:00 Uhr – "
                  "Blöcke kürzen, auf einen anderen Tag legen oder ende später setzen"], id="day-past-its-end"),
    pytest.param('ende: "16:30"', 'ende: "15:00"',
                 ["course_packs/zwei-tage.yml:11:5: tage[1]: der Tag endet um 15:30 Uhr, 30 Minuten nach dem Tagesende "
                  "15:00 Uhr – Blöcke kürzen, auf einen anderen Tag legen oder ende später setzen"], id="event-end-is-the-default"),
    pytest.param('ende: "12:00"', 'ende: "mittags"',
                 [f"{LOC_DAY2_END}: tage[2].ende: erwartet eine Uhrzeit im Format HH:MM, gefunden 'mittags'"], id="bad-end"),
    pytest.param("datum: 2027-03-16", "datum: 2027-03-15",
                 ["course_packs/zwei-tage.yml:27:12: tage[2].datum: 2027-03-15 steht schon bei tage[1] – jeder "
                  "Schulungstag nur einmal"], id="same-date-twice"),
    pytest.param("datum: 2027-03-16", "datum: 2027-03-14",
                 ["course_packs/zwei-tage.yml:27:12: tage[2].datum: 2027-03-14 liegt vor tage[1] (2027-03-15) – die Tage "
                  "in zeitlicher Reihenfolge angeben"], id="dates-out-of-order"),
    pytest.param("ab_min: 60", "ab_min: 70",
                 ["course_packs/zwei-tage.yml:19:18: einheit: die Teile von 'm1-e2' (Minuten 0–60, 70–120) ergeben 110 von "
                  "120 Minuten der Einheit – bis_min und ab_min so setzen, dass die Teile nacheinander die ganze Einheit "
                  "abdecken (z. B. bis_min: 90, dann ab_min: 90)"], id="split-with-a-gap"),
    pytest.param("      - einheit: m1-e2\n        ab_min: 60\n", "",
                 ["course_packs/zwei-tage.yml:16:18: einheit: die Teile von 'm1-e2' (Minuten 0–60) ergeben 60 von 120 "
                  "Minuten der Einheit – bis_min und ab_min so setzen, dass die Teile nacheinander die ganze Einheit "
                  "abdecken (z. B. bis_min: 90, dann ab_min: 90)"], id="split-missing-its-rest"),
    pytest.param("bis_min: 60", "bis_min: 120",
                 ["course_packs/zwei-tage.yml:17:18: bis_min: 120 – die Einheit 'm1-e2' dauert nur 120 Minuten; für die "
                  "ganze Einheit bis_min weglassen"], id="part-as-long-as-the-unit"),
    pytest.param("ausgaben: [teilnehmende, trainer]", "ausgaben: [teilnehmende, trainer]\nausgabe: trainer",
                 ["course_packs/zwei-tage.yml:5:1: ausgaben: steht zusammen mit ausgabe – für eine Ausgabe 'ausgabe: …', "
                  "für mehrere 'ausgaben: [teilnehmende, trainer]', nicht beides"], id="ausgabe-and-ausgaben"),
    pytest.param("fallstudie: f-muell", "fallstudie: f-mull",
                 ["course_packs/zwei-tage.yml:25:21: fallstudie: unbekannte Fallstudie 'f-mull' – meinten Sie 'f-muell'?"],
                 id="unknown-case-block"),
    pytest.param("      - pause: 15\n      - fallstudie", "      - pause: 15\n        dauer_min: 5\n      - fallstudie",
                 ["course_packs/zwei-tage.yml:25:9: dauer_min: gehört nicht zu einem Block mit 'pause' – erlaubt sind hier "
                  "pause, titel"], id="minutes-on-a-break"),
    pytest.param("      - fallstudie: f-muell\n        dauer_min: 60\n", "      - fallstudie: f-muell\n",
                 ["course_packs/zwei-tage.yml:25:9: tage[1].bloecke[8]: 'fallstudie' braucht dauer_min (die Dauer in Minuten)"],
                 id="case-without-minutes"),
    pytest.param("      - programmpunkt: Feedbackrunde\n", "      - programmpunkt: Feedbackrunde\n        pause: 10\n",
                 ["course_packs/zwei-tage.yml:33:9: tage[2].bloecke[3]: erwartet genau eines von 'einheit', 'pause', "
                  "'fallstudie' oder 'programmpunkt', gefunden pause und programmpunkt"], id="two-kinds-in-a-block"),
]


@pytest.mark.parametrize("old,new,expected", ERRORS)
def test_pack_errors_are_located_german(ptree, old, new, expected):
    edit(ptree, old, new)
    assert problems(ptree) == expected


def test_all_pack_errors_at_once(ptree):
    edit(ptree, 'ende: "12:00"', 'ende: "11:00"')
    edit(ptree, "datum: 2027-03-16", "datum: 2027-03-14")
    edit(ptree, "ab_min: 60", "ab_min: 50")
    found = problems(ptree)
    assert len(found) == 3 and {f.split(": ", 2)[1].split(":")[0] for f in found} == {"tage[2]", "tage[2].datum", "einheit"}


def test_unreleased_case_is_a_warning_and_not_printed(ptree):
    case = ptree / "case_studies" / "f-muell.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("freigegeben: true", "freigegeben: false"), encoding="utf-8")
    catalog = load(ptree)
    pack = next(p for p in catalog.packs if p.id == "zwei-tage")
    assert pack.warnings == ["course_packs/zwei-tage.yml:25:21: fallstudie: 'f-muell' ist nicht freigegeben und wird nicht "
                             "gedruckt; die Zeit bleibt im Ablaufplan als Fallarbeit stehen"]
    assert pack.case_ids == ["f-schwimmen"]
    last = packs.schedule_rows(catalog, pack)[0][-1]
    assert last.label == "Fallarbeit (Fallstudie nicht freigegeben)" and "Müll" not in last.label and last.minutes == 60
    assert pack.warnings[0] in catalog.notes  # `check` prints it


def test_long_stretch_without_break_and_published_trainers_warn(ptree):
    edit(ptree, "      - pause: 15\n      - fallstudie", "      - fallstudie")
    edit(ptree, "      - pause: 60\n        titel: Mittagspause\n", "")
    edit(ptree, "formate: [pdf, docx]", "formate: [pdf, docx]\nveroeffentlichen: true")
    pack = the_pack(ptree)
    assert pack.publish is True
    assert pack.warnings == [
        "course_packs/zwei-tage.yml:11:5: tage[1]: 210 Minuten ohne Pause (10:45–14:15 Uhr) – spätestens nach 180 "
        "Minuten eine Pause einplanen",
        "course_packs/zwei-tage.yml:8:12: veranstaltung.trainer: das Kurspaket wird veröffentlicht (veroeffentlichen: "
        "true) – die Namen der Trainer:innen stehen dann auf der öffentlichen Download-Seite; Rollen statt Namen "
        "eintragen oder nicht veröffentlichen",
    ]


def test_check_cli_prints_pack_warnings(ptree):
    from conftest import run_cli
    edit(ptree, "formate: [pdf, docx]", "formate: [pdf, docx]\nveroeffentlichen: true")
    proc = run_cli("check", "--root", str(ptree))
    assert proc.returncode == 0, proc.stderr
    assert "course_packs/zwei-tage.yml:8:12: veranstaltung.trainer: das Kurspaket wird veröffentlicht" in proc.stderr


def test_only_published_packs_are_built_and_listed(ptree, tmp_path, monkeypatch):
    from handbook import pdf, site
    edit(ptree, "formate: [pdf, docx]", "formate: [pdf, docx]\nveroeffentlichen: true")
    catalog = load(ptree)  # testpaket has no veroeffentlichen: it stays private
    made = []

    def fake(*args):
        out = Path(args[-1])
        out.write_bytes(b"x")
        made.append((out.name, getattr(args[1], "edition", None)))
        return out
    for name in ("build_handbook", "build_module", "build_volume", "build_pack"):
        monkeypatch.setattr(pdf, name, fake)
    monkeypatch.setattr(pdf, "describe", lambda path, seconds: path.name)
    pdf.build_all(catalog, tmp_path)
    packs_made = sorted(m for m in made if m[0].startswith("kurspaket-"))
    assert packs_made == [("kurspaket-zwei-tage-trainer.docx", "trainer"), ("kurspaket-zwei-tage-trainer.pdf", "trainer"),
                          ("kurspaket-zwei-tage.docx", "teilnehmende"), ("kurspaket-zwei-tage.pdf", "teilnehmende")]
    (tmp_path / "kurspaket-testpaket.pdf").write_bytes(b"stale")  # an unpublished pack's file is never listed
    listed = [(n, label) for n, label, _ in site.download_entries(catalog, tmp_path) if n.startswith("kurspaket-")]
    assert listed == [
        ("kurspaket-zwei-tage.pdf", "Kurspaket „Zwei Tage Konfliktanalyse“ (PDF, Ausgabe für Teilnehmende)"),
        ("kurspaket-zwei-tage.docx", "Kurspaket „Zwei Tage Konfliktanalyse“ (Word, Ausgabe für Teilnehmende)"),
        ("kurspaket-zwei-tage-trainer.pdf", "Kurspaket „Zwei Tage Konfliktanalyse“ (PDF, Ausgabe für Trainer:innen)"),
        ("kurspaket-zwei-tage-trainer.docx", "Kurspaket „Zwei Tage Konfliktanalyse“ (Word, Ausgabe für Trainer:innen)"),
    ]


# --- break points (pausenpunkte): where a unit may be split for a break ---------------------------------------

def _break_points(root: Path, points: str) -> None:
    path = root / "modules" / "m1.yml"
    text = path.read_text(encoding="utf-8")
    old = "    titel: Zweite Einheit von Modul 1\n    dauer_min: 120\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + f"    pausenpunkte: {points}\n"), encoding="utf-8")


def test_a_split_between_break_points_is_a_located_warning(ptree):
    _break_points(ptree, "[45, 90]")  # the fixture pack splits m1-e2 after 60 minutes
    pack = the_pack(ptree)
    assert pack.warnings == ["course_packs/zwei-tage.yml:17:18: bis_min: 60 teilt die Einheit 'm1-e2' mitten in einer "
                             "Phase – Pausenpunkte laut Modul (Minuten ab Beginn): 45, 90"]


def test_a_split_at_a_break_point_is_quiet(ptree):
    _break_points(ptree, "[60]")
    catalog = load(ptree)
    assert next(p for p in catalog.packs if p.id == "zwei-tage").warnings == []
    assert catalog.units["m1-e2"].break_points == [60]


def test_a_break_point_outside_the_unit_is_a_located_error(ptree):
    _break_points(ptree, "[60, 120]")
    assert problems(ptree) == ["modules/m1.yml:37:24: pausenpunkte: 120 – die Einheit 'm1-e2' dauert nur 120 Minuten; "
                               "ein Pausenpunkt liegt innerhalb der Einheit"]


def test_a_value_twice_in_a_list_is_a_german_located_error(ptree):
    edit(ptree, "ausgaben: [teilnehmende, trainer]", "ausgaben: [teilnehmende, trainer, teilnehmende]")
    _break_points(ptree, "[45, 90, 45]")
    assert problems(ptree) == [
        "course_packs/zwei-tage.yml:5:11: ausgaben: 'teilnehmende' steht doppelt – jeden Eintrag nur einmal angeben",
        "modules/m1.yml:37:19: einheiten[2].pausenpunkte: 45 steht doppelt – jeden Eintrag nur einmal angeben"]
