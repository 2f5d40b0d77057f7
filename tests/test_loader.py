"""The loader: every content mistake comes back as one German message at path:line:column, all at once."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from handbook import ContentError, load
from conftest import VALID, run_cli


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace one unique text in a fixture file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [str(p) for p in info.value.problems]


def test_valid_tree_loads_into_a_typed_catalog():
    catalog = load(VALID)
    assert [m.id for m in catalog.modules] == ["m1", "m2", "m3", "m4", "m5"]
    assert catalog.units["m1-e1"].exercises[0].solution_hint.strip() == "GEHEIMER-LOESUNGSHINWEIS-M1"
    assert catalog.case_by_id["f-muell"].constellation == "buerger_buerger"
    assert catalog.meta.edition.isoformat() == "2026-11-20"
    pack = catalog.packs[0]
    assert [(b.start, b.end) for b in pack.days[0].blocks] == [(540, 630), (630, 645), (645, 765), (765, 825), (825, 915)]


CASE = "case_studies/f-muell.yml"
MOD = "modules/m1.yml"
PACK = "course_packs/testpaket.yml"

MUTATIONS = [
    pytest.param(CASE, "eskalationsstufe: 2", "eskalationsstufe: hoch",
                 "case_studies/f-muell.yml:11:19: eskalationsstufe: erwartet eine ganze Zahl von 1 bis 9, gefunden 'hoch'",
                 id="wrong-type"),
    pytest.param(CASE, "eskalationsstufe: 2", "eskalationsstufe: 12",
                 "case_studies/f-muell.yml:11:19: eskalationsstufe: erwartet eine ganze Zahl von 1 bis 9, gefunden 12",
                 id="out-of-range"),
    pytest.param(CASE, "lernerfahrungen:", "lernerfahrung:",
                 "case_studies/f-muell.yml:23:1: unbekanntes Feld 'lernerfahrung' – meinten Sie 'lernerfahrungen'?",
                 id="unknown-key-with-suggestion"),
    pytest.param(CASE, "verlauf: |\n  Der Verlauf.\n", "",
                 "case_studies/f-muell.yml:2:1: Pflichtfeld 'verlauf' fehlt", id="missing-required"),
    pytest.param(CASE, "titel: Müll im Hinterhof", "titel: Müll im Hinterhof\ntitel: Noch ein Titel",
                 "case_studies/f-muell.yml:4:1: doppeltes Feld 'titel' – steht schon in Zeile 3; YAML würde den ersten Wert still verwerfen",
                 id="duplicate-key"),
    pytest.param(CASE, "titel: Müll im Hinterhof", "titel: Müll: im Hinterhof",
                 "case_studies/f-muell.yml:3:12: YAML-Syntaxfehler: Doppelpunkt an dieser Stelle nicht erlaubt – steht ein Text mit ':' ohne Anführungszeichen da, oder ist die Einrückung falsch?",
                 id="malformed-yaml"),
    pytest.param(CASE, "  typ: grossstadt", "\ttyp: grossstadt",
                 "case_studies/f-muell.yml:6:1: Tabulator zur Einrückung – YAML erlaubt nur Leerzeichen", id="tab-indentation"),
    pytest.param(CASE, "kommune:\n  typ: grossstadt\n  region: Ballungsraum", "kommune:\n  - grossstadt",
                 "case_studies/f-muell.yml:6:3: kommune: erwartet ein Objekt (Schlüssel: Wert), gefunden eine Liste",
                 id="list-instead-of-mapping"),
    pytest.param(CASE, 'zeitraum: "2022"', 'zeitraum: "14.03.2022"',
                 "case_studies/f-muell.yml:8:11: zeitraum: nur ein Jahr oder eine Jahreszeit angeben (z. B. '2022' oder 'Winter 2022/23'), nicht den Tag – gefunden '14.03.2022'",
                 id="zeitraum-day"),
    pytest.param(CASE, 'zeitraum: "2022"', "zeitraum: 2022-03-14",
                 "case_studies/f-muell.yml:8:11: zeitraum: nur ein Jahr oder eine Jahreszeit angeben (z. B. '2022' oder 'Winter 2022/23'), nicht den Tag – gefunden '2022-03-14'",
                 id="zeitraum-iso-day"),
    pytest.param(CASE, "konstellation: buerger_buerger", "konstellation: buerger_bürger",
                 "case_studies/f-muell.yml:9:16: konstellation: erwartet eine der sechs Konstellationen 'buerger_buerger', 'buerger_schluesselakteure', 'buerger_organisationen', 'schluesselakteure_organisationen', 'schluesselakteure_untereinander', 'organisationen_intern', gefunden 'buerger_bürger' – meinten Sie 'buerger_buerger'?",
                 id="vocabulary"),
    pytest.param(CASE, "themen: [muell]", "themen: [muel]",
                 "case_studies/f-muell.yml:10:10: themen: unbekanntes Thema 'muel' – meinten Sie 'muell'? (Themen stehen in vokabular.yml)",
                 id="unknown-topic"),
    pytest.param(CASE, "module: [m1, m2]", "module: [m1, m9]",
                 "case_studies/f-muell.yml:25:14: module[2]: erwartet m1 bis m5, gefunden 'm9'", id="module-pattern"),
    pytest.param(CASE, "id: f-muell", "id: f-muell-alt",
                 "case_studies/f-muell.yml:2:5: id: erwartet 'f-muell' wie der Dateiname, gefunden 'f-muell-alt'",
                 id="id-not-filename"),
    pytest.param(MOD, "    literatur: [glasl2020]", "    literatur: [glasl2021]",
                 "modules/m1.yml:32:17: literatur: unbekannte Literaturangabe 'glasl2021' – meinten Sie 'glasl2020'? (Kennungen stehen in literatur.yml)",
                 id="dangling-literature"),
    pytest.param(MOD, "    glossar: [allparteilichkeit]", "    glossar: [allparteilichkeiten]",
                 "modules/m1.yml:33:15: glossar: unbekannter Glossarbegriff 'allparteilichkeiten' – meinten Sie 'allparteilichkeit'? (Kennungen stehen in glossar.yml)",
                 id="dangling-glossary"),
    pytest.param(MOD, "Verweis auf [[m1-e2]]", "Verweis auf [[m1-e9]]",
                 "modules/m1.yml:18:46: Verweis auf unbekannte Kennung 'm1-e9' – meinten Sie 'm1-e2'?", id="dangling-link"),
    pytest.param("modules/m4.yml", "- id: m4-e1-u1", "- id: m4-e2-u1",
                 "modules/m4.yml:22:13: uebungen[1].id: erwartet eine Kennung, die mit 'm4-e1-' beginnt, gefunden 'm4-e2-u1'",
                 id="exercise-id-prefix"),
    pytest.param(MOD, "    lernziele: [Grundbegriffe erklären]", "    lernziele: [Die Teilnehmenden können Grundbegriffe erklären]",
                 "modules/m1.yml:14:17: lernziele[1]: beginnt mit „Die Teilnehmenden können“ – diesen Satzanfang setzen "
                 "Website und PDF selbst davor; das Lernziel mit dem Inhalt beginnen (z. B. „die neun Eskalationsstufen benennen“)",
                 id="objective-lead-unit"),
    pytest.param(MOD, "  - Ziel eins von Modul 1", "  - teilnehmer:innen können Ziel eins von Modul 1 erreichen",
                 "modules/m1.yml:9:5: lernziele[1]: beginnt mit „teilnehmer:innen können“ – diesen Satzanfang setzen "
                 "Website und PDF selbst davor; das Lernziel mit dem Inhalt beginnen (z. B. „die neun Eskalationsstufen benennen“)",
                 id="objective-lead-module"),
    pytest.param(PACK, "      - einheit: m1-e2", "      - einheit: m1-e7",
                 "course_packs/testpaket.yml:14:18: einheit: unbekannte Einheit 'm1-e7' – meinten Sie 'm1-e2'?",
                 id="pack-unknown-unit"),
    pytest.param(PACK, 'beginn: "09:00"', 'beginn: "9 Uhr"',
                 "course_packs/testpaket.yml:10:13: tage[1].beginn: erwartet eine Uhrzeit im Format HH:MM, gefunden '9 Uhr'",
                 id="pack-time"),
    pytest.param(PACK, "fallstudien: [f-schwimmen]", "fallstudien: [f-schwimmem]",
                 "course_packs/testpaket.yml:22:15: fallstudien: unbekannte Fallstudie 'f-schwimmem' – meinten Sie 'f-schwimmen'?",
                 id="pack-unknown-case"),
    pytest.param(PACK, 'beginn: "08:30"', 'beginn: "23:00"',
                 "course_packs/testpaket.yml:18:5: tage[2]: der Tag endet erst nach Mitternacht – weniger Einheiten planen oder früher beginnen",
                 id="pack-past-midnight"),
]


@pytest.mark.parametrize("rel, old, new, expected", MUTATIONS)
def test_each_mistake_gives_one_german_message_at_its_location(tree, rel, old, new, expected):
    edit(tree, rel, old, new)
    assert problems(tree) == [expected]


def test_sexagesimal_time_stays_a_time(tree):
    # YAML 1.1 reads 10:30 as 630; the loader keeps what the author wrote.
    edit(tree, PACK, 'beginn: "09:00"', "beginn: 10:30")
    assert load(tree).packs[0].days[0].start == 630


def test_not_utf8(tree):
    path = tree / CASE
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    assert problems(tree) == ["case_studies/f-muell.yml:3:9: Datei ist nicht in UTF-8 gespeichert (Byte 0xfc) – bitte im Editor als UTF-8 speichern"]


def test_empty_file(tree):
    (tree / CASE).write_text("# yaml-language-server: $schema=../schemas/fallstudie.schema.json\n", encoding="utf-8")
    assert problems(tree) == ["case_studies/f-muell.yml:1:1: Datei ist leer – erwartet wird ein YAML-Objekt mit Schlüsseln"]


def test_bom_and_crlf_are_accepted(tree):
    path = tree / CASE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert load(tree).case_by_id["f-muell"].title == "Müll im Hinterhof"


def test_crlf_errors_keep_their_line(tree):
    edit(tree, CASE, "eskalationsstufe: 2", "eskalationsstufe: hoch")
    path = tree / CASE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems(tree) == ["case_studies/f-muell.yml:11:19: eskalationsstufe: erwartet eine ganze Zahl von 1 bis 9, gefunden 'hoch'"]


def test_duplicate_ids_across_files(tree):
    edit(tree, "glossar.yml", "  - id: kms", "  - id: m1")
    edit(tree, "glossar.yml", "siehe: [kms]", "siehe: [m1]")
    assert problems(tree) == ["glossar.yml:8:9: Kennung 'm1' ist schon vergeben (modules/m1.yml:2:5)"]


def test_three_errors_in_three_files_are_reported_in_one_run(tree):
    edit(tree, CASE, "eskalationsstufe: 2", "eskalationsstufe: hoch")
    edit(tree, MOD, "    dauer_min: 90", "    dauer_min: neunzig")
    edit(tree, PACK, 'beginn: "09:00"', 'beginn: "25:00"')
    proc = run_cli("check", "--root", str(tree))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "case_studies/f-muell.yml:11:19: eskalationsstufe: erwartet eine ganze Zahl von 1 bis 9, gefunden 'hoch'",
        "course_packs/testpaket.yml:10:13: tage[1].beginn: erwartet eine Uhrzeit im Format HH:MM, gefunden '25:00'",
        "modules/m1.yml:13:16: einheiten[1].dauer_min: erwartet eine ganze Zahl von 5 bis 600 (Minuten), gefunden 'neunzig'",
        "3 Fehler in 3 Dateien – nichts wurde geschrieben.",
    ]
    assert "Traceback" not in proc.stderr + proc.stdout


def test_missing_top_level_file(tree):
    (tree / "glossar.yml").unlink()
    found = problems(tree)
    assert found[0] == "glossar.yml:1:1: Datei fehlt: glossar.yml wird für jedes Handbuch gebraucht"


def test_unreleased_case_is_withheld_and_left_out_of_packs_with_a_warning(tree):
    edit(tree, "case_studies/f-schwimmen.yml", "freigegeben: true", "freigegeben: false")
    catalog = load(tree)
    assert "f-schwimmen" not in catalog.case_by_id and [c.id for c in catalog.withheld] == ["f-schwimmen"]
    assert catalog.packs[0].case_ids == []
    assert catalog.packs[0].warnings == ["course_packs/testpaket.yml:22:15: fallstudien: 'f-schwimmen' ist nicht freigegeben "
                                         "und wird nicht in das Kurspaket gedruckt"]


def test_check_cli_summary_and_json():
    proc = run_cli("check", "--root", str(VALID))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Inhalt in Ordnung: 5 Module, 10 Einheiten, 5 Übungen, 3 Fallstudien")
    data = json.loads(run_cli("check", "--root", str(VALID), "--json").stdout)
    assert data["fallstudien_je_konstellation"] == {"buerger_buerger": 1, "buerger_organisationen": 1,
                                                    "schluesselakteure_untereinander": 1}
    assert data["module"] == 5 and data["uebungen"] == 5 and set(data["woerter_je_modul"]) == {"m1", "m2", "m3", "m4", "m5"}


def test_every_content_file_names_its_schema():
    from handbook.loader import content_files
    root = Path(__file__).resolve().parent.parent
    for rel in content_files(root):
        first = (root / rel).read_text(encoding="utf-8").splitlines()[0]
        if rel == "literatur.yml":
            continue  # CSL-YAML, read by pandoc
        assert first.startswith("# yaml-language-server: $schema="), rel
        schema = (root / rel).parent / first.split("=", 1)[1]
        assert schema.resolve().is_file(), f"{rel}: {schema}"


@pytest.mark.parametrize("old,new,expected", [
    ("      - family: Glasl\n        given: Friedrich\n", "      - given: Friedrich\n",
     "literatur.yml:6:9: references[1].author[1]: braucht eines der Felder 'family' oder 'literal'"),
    ("      - family: Glasl\n", "      - familie: Glasl\n",
     "literatur.yml:6:9: unbekanntes Feld 'familie' – meinten Sie 'family'?"),
])
def test_a_name_without_family_or_literal_is_one_german_message(tree, old, new, expected):
    path = tree / "literatur.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert problems(tree) == [expected]


def test_schema_messages_are_german_for_any_mutation_of_real_files():
    """Thousands of random damages (a value replaced by one of another kind, a key removed, a list entry doubled)
    to real content files of every kind: every message is one of the German ones – never jsonschema's English
    fallback text."""
    import copy
    import random

    from conftest import ROOT
    from handbook.parse import parse_file
    from handbook.schema import validate
    kinds = {"modules/m1-konflikte-verstehen.yml": "modul", "case_studies/f-kita-speiseplan-kleinstadt.yml": "fallstudie",
             "course_packs/modul-1-tagesplan.yml": "kurspaket", "glossar.yml": "glossar", "literatur.yml": "literatur",
             "vokabular.yml": "vokabular", "handbuch.yml": "handbuch",
             "materialien/rollenkarten-nachbarschaftsmediation.yml": "material",
             "materialien/evaluationsbogen-fortbildung.yml": "material", "materialien/rueckmeldebogen-modul.yml": "material"}
    rng = random.Random(17)
    odd = [None, True, 3, -1, 0, 2.5, "", "x", [], [1, 1], {}, {"unbekannt": 1}, "2026-13-40", [["a"]]]

    def nodes(data, path=()):
        yield path
        if isinstance(data, dict):
            for k, v in data.items():
                yield from nodes(v, path + (k,))
        elif isinstance(data, list):
            for i, v in enumerate(data):
                yield from nodes(v, path + (i,))

    checked = 0
    for rel, kind in kinds.items():
        doc = parse_file(ROOT / rel, rel)
        assert not doc.problems and not validate(doc, kind), rel
        paths = [p for p in nodes(doc.data) if p]
        original = doc.data
        for _ in range(150):
            data = copy.deepcopy(original)
            for _ in range(rng.randint(1, 3)):
                path = rng.choice(paths)
                parent = data
                try:
                    for part in path[:-1]:
                        parent = parent[part]
                    action = rng.random()
                    if action < 0.6:
                        parent[path[-1]] = copy.deepcopy(rng.choice(odd))
                    elif action < 0.8 and isinstance(parent, dict):
                        del parent[path[-1]]
                    elif isinstance(parent, list):
                        parent.append(copy.deepcopy(parent[path[-1]]))
                except (KeyError, IndexError, TypeError):
                    continue
            doc.data = data
            for problem in validate(doc, kind):
                assert "ungültiger Wert (" not in problem.message, (rel, problem.message)
                checked += 1
        doc.data = original
    assert checked > 500
