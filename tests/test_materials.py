"""Materials (materialien/): schema, references both ways, the named-but-missing heuristic; and the diagrams."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from handbook import ContentError, load
from handbook.loader import NAMED_BY_TITLE, NAMED_MATERIAL, PREPARED_POSTER
from conftest import ROOT, run_cli
from test_loader import edit, problems

MOD = "modules/m1.yml"

ROLE_CARDS = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: rollen-test
titel: Rollenkarten – Test
art: rollenkarte
module: [m1]
zweck: |
  Für das Rollenspiel.
situation: |
  Die gemeinsame Lage.
rollen:
  - rolle: Vereinsvorstand
    oeffentlich: |
      Was alle wissen.
    vertraulich: |
      GEHEIM-VORSTAND
  - rolle: Verwaltung
    oeffentlich: |
      Was alle wissen, Verwaltung.
    vertraulich: |
      GEHEIM-VERWALTUNG
trainerhinweise: |
  Hinweis für Trainer:innen.
"""

WORKSHEET = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: blatt-test
titel: Arbeitsblatt – Test
art: arbeitsblatt
module: [m1]
zweck: Zum Ausfüllen.
dauer_min: 20
aufgaben:
  - text: Erste Aufgabe.
    platz: 4
  - text: Skizze.
    platz: 8
    form: kasten
"""

FORM = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: bogen-test
titel: Evaluationsbogen – Test
art: evaluationsbogen
module: [m1]
zweck: Rückmeldung.
fragen:
  - abschnitt: Inhalt
    text: Die Inhalte waren hilfreich.
    skala: [trifft zu, trifft nicht zu]
  - text: Was nehmen Sie mit?
    platz: 5
"""


def add(root: Path, name: str, text: str) -> None:
    (root / "materialien").mkdir(exist_ok=True)
    (root / "materialien" / f"{name}.yml").write_text(text, encoding="utf-8")


def use(root: Path, unit_ids: str = "[rollen-test]", exercise_ids: str | None = None) -> None:
    """Reference materials from m1-e1 (and its exercise)."""
    edit(root, MOD, "    material: [Flipchart]\n", f"    material: [Flipchart]\n    materialien: {unit_ids}\n")
    if exercise_ids:
        edit(root, MOD, "        sozialform: Kleingruppe\n", f"        sozialform: Kleingruppe\n        materialien: {exercise_ids}\n")


def test_materials_load_into_the_catalogue(tree):
    add(tree, "rollen-test", ROLE_CARDS)
    add(tree, "blatt-test", WORKSHEET)
    add(tree, "bogen-test", FORM)
    use(tree, "[rollen-test]", "[blatt-test, bogen-test]")
    catalog = load(tree)
    assert [m.id for m in catalog.materials] == ["blatt-test", "bogen-test", "rollen-test"]
    cards = catalog.material_by_id["rollen-test"]
    assert cards.kind == "rollenkarte" and cards.kind_name == "Rollenkarten" and cards.participant_facing
    assert [(r.role, r.confidential.strip()) for r in cards.roles] == [("Vereinsvorstand", "GEHEIM-VORSTAND"),
                                                                       ("Verwaltung", "GEHEIM-VERWALTUNG")]
    sheet = catalog.material_by_id["blatt-test"]
    assert [(t.space, t.box) for t in sheet.tasks] == [(4, False), (8, True)] and sheet.minutes == 20
    form = catalog.material_by_id["bogen-test"]
    assert [(q.section, q.scale, q.space) for q in form.questions] == [("Inhalt", ["trifft zu", "trifft nicht zu"], 3),
                                                                       ("", [], 5)]
    unit = catalog.units["m1-e1"]
    assert unit.material_ids == ["rollen-test"] and unit.exercises[0].material_ids == ["blatt-test", "bogen-test"]
    assert unit.all_material_ids == ["rollen-test", "blatt-test", "bogen-test"]
    assert catalog.users_of_material("blatt-test") == [unit.exercises[0]]
    assert [m.id for m in catalog.materials_for_module("m1")] == ["blatt-test", "bogen-test", "rollen-test"]


def test_a_tree_without_materials_folder_is_valid(tree):
    assert load(tree).materials == []


MUTATIONS = [
    pytest.param("materialien/rollen-test.yml", "rollen:\n", "rolen:\n",
                 ["materialien/rollen-test.yml:10:1: unbekanntes Feld 'rolen' – meinten Sie 'rollen'?"],
                 id="misspelt-key"),
    pytest.param("materialien/rollen-test.yml", "art: rollenkarte", "art: rollenkarten",
                 ["materialien/rollen-test.yml:4:6: art: erwartet einen der Werte 'arbeitsblatt', 'rollenkarte', "
                  "'handout', 'checkliste', 'evaluationsbogen', 'vorlage', gefunden 'rollenkarten' – meinten Sie 'rollenkarte'?"],
                 id="unknown-kind"),
    pytest.param("materialien/rollen-test.yml", "situation: |\n  Die gemeinsame Lage.\n", "",
                 ["materialien/rollen-test.yml:2:1: Pflichtfeld 'situation' fehlt (bei art: rollenkarte)"],
                 id="kind-needs-field"),
    pytest.param("materialien/rollen-test.yml", "    vertraulich: |\n      GEHEIM-VORSTAND\n", "",
                 ["materialien/rollen-test.yml:11:5: Pflichtfeld 'vertraulich' fehlt in rollen[1]"],
                 id="role-without-confidential-part"),
    pytest.param("materialien/rollen-test.yml", "art: rollenkarte", "art: handout\ninhalt: Text.",
                 ["materialien/rollen-test.yml:9:1: situation: passt nicht zu art 'handout' – dieses Feld gibt es nur bei art 'rollenkarte'",
                  "materialien/rollen-test.yml:11:1: rollen: passt nicht zu art 'handout' – dieses Feld gibt es nur bei art 'rollenkarte'"],
                 id="field-of-another-kind"),
    pytest.param("materialien/rollen-test.yml", "id: rollen-test", "id: rollen-tests",
                 ["materialien/rollen-test.yml:2:5: id: erwartet 'rollen-test' wie der Dateiname, gefunden 'rollen-tests'",
                  "modules/m1.yml:21:19: materialien: unbekanntes Material 'rollen-test' – meinten Sie 'rollen-tests'? "
                  "(Kennungen sind die Dateinamen in materialien/)",
                  "materialien/rollen-test.yml:2:5: Material 'rollen-tests' wird von keiner Einheit und keiner Übung verwendet "
                  "– in modules/ unter materialien: eintragen oder die Datei entfernen"],
                 id="id-not-filename"),
    pytest.param(MOD, "    materialien: [rollen-test]", "    materialien: [rollen-tst]",
                 ["materialien/rollen-test.yml:2:5: Material 'rollen-test' wird von keiner Einheit und keiner Übung verwendet "
                  "– in modules/ unter materialien: eintragen oder die Datei entfernen",
                  "modules/m1.yml:21:19: materialien: unbekanntes Material 'rollen-tst' – meinten Sie 'rollen-test'? "
                  "(Kennungen sind die Dateinamen in materialien/)"],
                 id="unknown-material"),
    pytest.param("materialien/rollen-test.yml", "module: [m1]", "module: [m2]",
                 ["modules/m1.yml:21:19: materialien: 'rollen-test' gehört laut materialien/rollen-test.yml nicht zu "
                  "Modul m1 – dort unter module: 'm1' ergänzen"],
                 id="material-of-another-module"),
    pytest.param(MOD, "Bearbeiten Sie die Aufgabe.", "Bearbeiten Sie die Aufgabe mit dem Arbeitsblatt.",
                 ["modules/m1.yml:28:46: einheiten[1].uebungen[1].aufgabe nennt 'Arbeitsblatt', aber weder die Einheit "
                  "m1-e1 noch ihre Übungen verweisen auf ein Material der Art 'arbeitsblatt' – das Material in "
                  "materialien/ anlegen und unter materialien: eintragen"],
                 id="named-worksheet-not-referenced"),
    pytest.param(MOD, "    material: [Flipchart]", "    material: [Flipchart, Checkliste Raum]",
                 ["modules/m1.yml:20:27: einheiten[1].material[2] nennt 'Checkliste', aber weder die Einheit m1-e1 noch "
                  "ihre Übungen verweisen auf ein Material der Art 'checkliste' – das Material in materialien/ anlegen "
                  "und unter materialien: eintragen"],
                 id="named-checklist-in-material-list"),
    pytest.param(MOD, "Bearbeiten Sie die Aufgabe.", "Lesen Sie die Fallvignette und den Auszug.",
                 ["modules/m1.yml:28:25: einheiten[1].uebungen[1].aufgabe nennt 'Fallvignette', aber weder die Einheit "
                  "m1-e1 noch ihre Übungen verweisen auf ein Material mit 'Fallvignette' im Titel – das Material in "
                  "materialien/ anlegen und unter materialien: eintragen",
                  "modules/m1.yml:28:46: einheiten[1].uebungen[1].aufgabe nennt 'Auszug', aber weder die Einheit "
                  "m1-e1 noch ihre Übungen verweisen auf ein Material mit 'Auszug' im Titel – das Material in "
                  "materialien/ anlegen und unter materialien: eintragen"],
                 id="named-vignette-and-excerpt-not-referenced"),
    pytest.param(MOD, "    material: [Flipchart]", "    material: [Flipchart, Fragenkarten, Phasenplakat, Plakate]",
                 ["modules/m1.yml:20:27: einheiten[1].material[2] nennt 'Fragenkarten', aber weder die Einheit m1-e1 "
                  "noch ihre Übungen verweisen auf ein Material mit 'Fragenkarte' im Titel – das Material in "
                  "materialien/ anlegen und unter materialien: eintragen",
                  "modules/m1.yml:20:41: einheiten[1].material[3] nennt 'Phasenplakat', aber weder die Einheit m1-e1 "
                  "noch ihre Übungen verweisen auf ein Material mit 'Plakat' im Titel – das Material in materialien/ "
                  "anlegen und unter materialien: eintragen (oder, wenn die Trainer:innen es live schreiben, als "
                  "Flipchart benennen)"],
                 id="named-question-cards-and-poster-in-material-list"),
    pytest.param(MOD, "          GEHEIMER-LOESUNGSHINWEIS-M1", "          Die Fallvignette zeigt GEHEIMER-LOESUNGSHINWEIS-M1",
                 ["modules/m1.yml:30:15: einheiten[1].uebungen[1].loesungshinweis nennt 'Fallvignette', aber weder die "
                  "Einheit m1-e1 noch ihre Übungen verweisen auf ein Material mit 'Fallvignette' im Titel – das Material "
                  "in materialien/ anlegen und unter materialien: eintragen"],
                 id="named-vignette-in-solution-hint"),
]


@pytest.mark.parametrize("rel, old, new, expected", MUTATIONS)
def test_each_material_mistake_gives_located_german_messages(tree, rel, old, new, expected):
    add(tree, "rollen-test", ROLE_CARDS)
    use(tree)
    edit(tree, rel, old, new)
    assert sorted(problems(tree)) == sorted(expected)


def test_unused_material_is_a_finding(tree):
    add(tree, "rollen-test", ROLE_CARDS)
    assert problems(tree) == ["materialien/rollen-test.yml:2:5: Material 'rollen-test' wird von keiner Einheit und "
                              "keiner Übung verwendet – in modules/ unter materialien: eintragen oder die Datei entfernen"]


def test_a_broken_module_file_does_not_make_materials_unused(tree):
    add(tree, "rollen-test", ROLE_CARDS)
    use(tree)
    edit(tree, MOD, "    dauer_min: 90", "    dauer_min: neunzig")
    assert problems(tree) == ["modules/m1.yml:13:16: einheiten[1].dauer_min: erwartet eine ganze Zahl von 5 bis 600 "
                              "(Minuten), gefunden 'neunzig'"]


def test_named_role_cards_are_satisfied_by_a_referenced_card_set(tree):
    add(tree, "rollen-test", ROLE_CARDS)
    use(tree)
    edit(tree, MOD, "Bearbeiten Sie die Aufgabe.", "Verteilen Sie die Rollenkarten. Zeichnen Sie eine Rollenlandkarte.")
    load(tree)  # no finding: the unit references a rollenkarte; "Rollenlandkarte" is no role card


VIGNETTES = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: vignetten-test
titel: Fallvignetten und Phasenplakat – Test
art: handout
module: [m1]
zweck: Zum Lesen.
inhalt: |
  Eine Vignette.
"""


def test_named_vignettes_and_posters_are_satisfied_by_a_material_of_that_title(tree):
    add(tree, "vignetten-test", VIGNETTES)
    use(tree, "[vignetten-test]")
    edit(tree, MOD, "Bearbeiten Sie die Aufgabe.", "Lesen Sie die Fallvignette.")
    edit(tree, MOD, "    material: [Flipchart]", "    material: [Flipchart, Phasenplakat]")
    load(tree)  # no finding: the referenced material's title names both


def test_a_referenced_handout_of_another_title_does_not_satisfy_a_named_vignette(tree):
    add(tree, "rollen-test", ROLE_CARDS)
    add(tree, "vignetten-test", VIGNETTES.replace("Fallvignetten und Phasenplakat", "Lesetext"))
    use(tree, "[rollen-test, vignetten-test]")
    edit(tree, MOD, "Bearbeiten Sie die Aufgabe.", "Lesen Sie die Fallvignetten.")
    found = problems(tree)
    assert len(found) == 1 and found[0].startswith("modules/m1.yml:28:25: einheiten[1].uebungen[1].aufgabe nennt "
                                                   "'Fallvignetten', aber")


@pytest.mark.parametrize("text, found", [
    ("Ihre Gruppe erhält folgende Fallvignette.", ["Fallvignette"]),
    ("drei Fallvignetten (ausgedruckt), die Vignette, fallvignette", ["Fallvignetten"]),
    ("Fragenkarten, eine schriftliche Fragenkarte, Frage-Karte", ["Fragenkarten", "Fragenkarte"]),
    ("Auszug aus Art. 4 DSGVO, Auszüge, der Auszugstext, ein Textauszug, Umzug", ["Auszug", "Auszüge", "Auszugstext"]),
])
def test_the_title_heuristic_is_narrow(text, found):
    assert [m.group(0) for m in NAMED_BY_TITLE.finditer(text)] == found


@pytest.mark.parametrize("entry, prepared", [
    ("Phasenplakat", True), ("Vier-Seiten-Plakat", True), ("Großformatiges Systemplakat", True),
    ("Plakat mit den sechs Konstellationen", True), ("Plakat „Interessen – Rechte – Macht“", True),
    ("Plakat Kirkpatrick-Ebenen", True), ("Poster zur Eskalationstreppe", True),
    ("Plakate", False), ("Plakat", False), ("Plakatpapier", False), ("Plakate aus m1-e4", False),
    ("Flipchart", False), ("Moderationskarten in drei Farben", False),
])
def test_a_prepared_poster_is_told_from_blank_paper(entry, prepared):
    assert bool(PREPARED_POSTER.search(entry)) is prepared


@pytest.mark.parametrize("text, found", [
    ("Verteilen Sie die Rollenkarten.", ["Rollenkarten"]),
    ("Das Arbeitsblatt und die Arbeitsblätter", ["Arbeitsblatt", "Arbeitsblätter"]),
    ("die Checkliste Runder Tisch", ["Checkliste"]),
    ("ein Fragebogen, zwei Fragebögen, der Evaluationsbogen", ["Fragebogen", "Fragebögen", "Evaluationsbogen"]),
    ("die Rollenlandkarte, eine Vorlage, der Beobachtungsbogen, die Checklisten-Kultur", ["Checklisten"]),
    ("arbeitsblatt klein, Evaluationsfragebogen", []),
])
def test_the_heuristic_is_narrow(text, found):
    assert [m.group(0) for m in NAMED_MATERIAL.finditer(text)] == found


# --- figures: files and diagrams ------------------------------------------------------------------------------

FIG = "    glossar: [allparteilichkeit]\n"


def test_a_diagram_figure_loads(tree):
    edit(tree, MOD, FIG, FIG + "    abbildungen:\n      - diagramm: glasl-treppe\n        alt: Die Treppe.\n")
    fig = load(tree).units["m1-e1"].figures[0]
    assert (fig.diagram, fig.file, fig.alt) == ("glasl-treppe", "", "Die Treppe.")


@pytest.mark.parametrize("entry, expected", [
    ("      - diagramm: glasl-stufen\n        alt: Treppe\n",
     "modules/m1.yml:35:19: einheiten[1].abbildungen[1].diagramm: erwartet einen der Werte 'glasl-treppe', "
     "'konfliktzwiebel', 'eisberg', 'akteurslandkarte', gefunden 'glasl-stufen' – meinten Sie 'glasl-treppe'?"),
    ("      - diagramm: eisberg\n        datei: bilder/x.png\n        alt: Eisberg\n",
     "modules/m1.yml:35:9: abbildungen[1]: entweder 'datei' oder 'diagramm' angeben, nicht beides"),
    ("      - alt: Eisberg\n",
     "modules/m1.yml:35:9: abbildungen[1]: Pflichtfeld 'datei' (eine Bilddatei) oder 'diagramm' (ein gezeichnetes "
     "Diagramm) fehlt"),
])
def test_figure_mistakes(tree, entry, expected):
    edit(tree, MOD, FIG, FIG + "    abbildungen:\n" + entry)
    assert problems(tree) == [expected]


def test_diagram_names_agree_with_the_schema():
    from handbook.diagrams import DIAGRAMS
    schema = json.loads((ROOT / "schemas" / "modul.schema.json").read_text(encoding="utf-8"))
    fig = schema["properties"]["einheiten"]["items"]["properties"]["abbildungen"]["items"]
    assert fig["properties"]["diagramm"]["enum"] == list(DIAGRAMS)


@pytest.fixture(scope="module")
def real_catalog():
    return load(ROOT, check_anonymity=False)


def test_every_diagram_compiles_to_an_accessible_svg(real_catalog):
    from handbook.diagrams import DIAGRAMS, alternative_items, diagram_svg
    for name, diagram in DIAGRAMS.items():
        svg = diagram_svg(real_catalog, name)
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>"), name
        assert re.search(r'<svg [^>]*role="img"', svg), name
        assert f"<title id=\"koko-{name}-titel\">{diagram.alt(real_catalog)}</title>" in svg
        desc = re.search(r"<desc [^>]*>(.*?)</desc>", svg).group(1)
        for item in alternative_items(real_catalog, name):
            assert item.replace("&", "&amp;") in desc, (name, item)
        assert "<path" in svg or "<use" in svg, f"{name}: nothing drawn"
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert ids and all(i.startswith(f"koko-{name}-") for i in ids), name  # unique when inlined side by side
        assert set(re.findall(r'href="#([^"]+)"', svg)) <= set(ids), name


def test_the_staircase_is_drawn_from_the_vocabulary(real_catalog):
    from handbook.diagrams import alternative_items, diagram_svg, text_alternative
    from handbook import text as T
    stages = sorted(real_catalog.vocabulary.stages.values(), key=lambda s: s.number)
    assert len(stages) == 9
    items = alternative_items(real_catalog, "glasl-treppe")
    [listing] = text_alternative(real_catalog, "glasl-treppe")
    assert [T.plain_text(item[0].children) for item in listing.items] == items
    assert items == [f"Stufe {s.number}: {s.name} (Hauptphase {s.phase})" for s in stages]
    svg = diagram_svg(real_catalog, "glasl-treppe")
    for s in stages:
        assert s.name in svg
    alt = "Treppe mit 9 abwärts führenden Stufen der Konflikteskalation nach Glasl, in drei Hauptphasen gegliedert: " \
          "Stufen 1 bis 3 win-win, Stufen 4 bis 6 win-lose, Stufen 7 bis 9 lose-lose."
    assert f">{alt}</title>" in svg


def test_diagram_text_is_never_typst_code(tree):
    # A stage name full of Typst syntax must come out as these very characters, not run as code.
    hostile = 'Ver"härtung #set page(width: 1cm) \\\\ $x$ ]'
    edit(tree, "vokabular.yml", "name: Verhärtung", f"name: '{hostile}'")
    from handbook.diagrams import diagram_svg, diagram_typst
    import typst
    catalog = load(tree)
    name = catalog.vocabulary.stages[1].name
    assert name == 'Ver"härtung #set page(width: 1cm) \\\\ $x$ ]'
    svg = diagram_svg(catalog, "glasl-treppe")
    assert "Ver&quot;härtung" in svg or 'Ver"härtung #set page(width: 1cm)' in svg
    pdf = typst.compile(("#set page(width: 20cm, height: auto)\n" + diagram_typst(catalog, "glasl-treppe")).encode())
    import subprocess
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "#set page(width: 1cm)" in text and "$x$" in text


def test_diagram_goes_into_a_tagged_pdf_as_a_figure(real_catalog, tmp_path):
    """The Typst code of a diagram compiles under PDF/UA-1 inside a figure with alt text."""
    import subprocess
    import typst
    from handbook.diagrams import DIAGRAMS, diagram_typst
    from handbook.pdf import PDF_STANDARD, typst_string
    body = "".join(f"#figure(alt: {typst_string(d.alt(real_catalog))}, caption: [{d.title}])[\n"
                   f"{diagram_typst(real_catalog, n)}]\n" for n, d in DIAGRAMS.items())
    src = '#set document(title: "Diagramme")\n#set text(lang: "de")\n= Diagramme\n' + body
    out = tmp_path / "d.pdf"
    out.write_bytes(typst.compile(src.encode(), pdf_standards=[PDF_STANDARD]))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Gemeinsam in den Abgrund" in text and "Bedürfnisse" in text and "Beziehungsebene" in text


# --- the real content ---------------------------------------------------------------------------------------

def test_real_content_materials_are_complete(real_catalog):
    """Every material is used; every unit that names a role card/worksheet/checklist/questionnaire references one."""
    assert real_catalog.materials, "no materials"
    kinds = {m.kind for m in real_catalog.materials}
    assert {"rollenkarte", "arbeitsblatt", "checkliste", "evaluationsbogen"} <= kinds
    for m in real_catalog.materials:
        assert real_catalog.users_of_material(m.id), m.id
        if m.kind == "rollenkarte":
            assert all(r.confidential.strip() for r in m.roles), m.id
    units_with_diagrams = {f.diagram: u.id for u in real_catalog.units.values() for f in u.figures if f.diagram}
    assert set(units_with_diagrams) == {"glasl-treppe", "konfliktzwiebel", "eisberg", "akteurslandkarte"}


def test_real_content_passes_check():
    proc = run_cli("check", "--root", str(ROOT))
    assert proc.returncode == 0, proc.stderr


# --- the site -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(real_catalog):
    from handbook import site
    return site.generated_pages(real_catalog)


def _outside_trainer_blocks(page_html: str) -> str:
    return re.sub(r'<details class="trainer"[^>]*>.*?</details>', "", page_html, flags=re.S)


def test_every_material_has_a_page_and_an_index_row(real_catalog, pages):
    from handbook import render, site
    index = pages[site.MATERIALS].html
    assert f"{len(real_catalog.materials)} Materialien" in index
    for m in real_catalog.materials:
        page = pages[site.material_src(m.id)]
        assert page.title == render.plain(m.title)
        assert f'data-art="{m.kind}"' in index and f'href="{m.id}/"' in index
        for u in real_catalog.users_of_material(m.id):  # the page links back to every unit/exercise using it
            unit_id = u.id if u.id in real_catalog.units else u.unit_id
            assert f"module/{unit_id.split('-')[0]}/{unit_id}/" in page.html, (m.id, u.id)


def test_confidential_parts_and_trainer_notes_sit_in_trainer_blocks(real_catalog, pages):
    from handbook import site
    cards = [m for m in real_catalog.materials if m.kind == "rollenkarte"]
    assert len(cards) >= 6
    for m in real_catalog.materials:
        raw = pages[site.material_src(m.id)].html
        untag = lambda s: re.sub(r"<[^>]+>", "", s)  # abbreviations are marked up inside the text
        page, outside = untag(raw), untag(_outside_trainer_blocks(raw))
        secrets = [r.confidential for r in m.roles] + ([m.trainer_notes] if m.trainer_notes else [])
        for secret in secrets:
            first = secret.strip().split("\n")[0][:40]
            assert first in page, (m.id, first)
            assert first not in outside, (m.id, first)
        for r in m.roles:
            assert r.public.strip().split("\n")[0][:40] in outside


def test_sheets_have_writing_space_and_tick_boxes(real_catalog, pages):
    from handbook import site
    sheet = pages[site.material_src("vorbereitungsbogen-harvard")].html
    task = real_catalog.material_by_id["vorbereitungsbogen-harvard"].tasks[0]
    assert sheet.count('class="koko-zeile"') == sum(t.space for t in real_catalog.material_by_id["vorbereitungsbogen-harvard"].tasks)
    assert f'aria-hidden="true" data-zeilen="{task.space}"' in sheet
    checklist = pages[site.material_src("checkliste-runder-tisch")].html
    assert checklist.count("☐") == len(real_catalog.material_by_id["checkliste-runder-tisch"].items)
    form = pages[site.material_src("evaluationsbogen-fortbildung")].html
    assert "<th scope=\"col\">trifft eher zu</th>" in form and "Was sollte sich an der Fortbildung ändern?" in form


def test_unit_and_exercise_pages_link_their_materials(real_catalog, pages):
    from handbook import site
    page = pages[site.unit_src("m2-e3")].html
    assert '<strong>Materialien:</strong>' in page
    assert 'href="../../../materialien/rollenkarten-sporthalle-verhandlung/"' in page
    for unit in real_catalog.units.values():
        html_ = pages[site.unit_src(unit.id)].html
        for mid in unit.all_material_ids:
            assert f"materialien/{mid}/" in html_, (unit.id, mid)


# --- photocopy masters (PDF) ----------------------------------------------------------------------------------

def _pdf_pages(path: Path) -> list[str]:
    import subprocess
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout).group(1))
    out = []
    for i in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"], capture_output=True, text=True).stdout
        out.append(" ".join(text.replace("\u00ad\n", "").replace("-\n", "-").split()))
    return out


def _words(markdown: str, n: int = 6) -> str:
    """The first words of a text as they appear in extracted PDF text (no Markdown marks, one space)."""
    return " ".join(re.sub(r"[*_`]", "", markdown).split()[:n])


@pytest.fixture(scope="module")
def masters_m2(real_catalog, tmp_path_factory):
    from handbook import materials
    out = tmp_path_factory.mktemp("kv") / materials.copy_masters_file(2)
    materials.build_copy_masters(real_catalog, "m2", out)
    return out


def test_copy_masters_hold_every_participant_facing_material_and_no_trainer_text(real_catalog, masters_m2):
    import subprocess
    pages = _pdf_pages(masters_m2)
    whole = " ".join(pages)
    info = subprocess.run(["pdfinfo", str(masters_m2)], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    chosen = [m for m in real_catalog.materials_for_module("m2")]
    # (that a `vorlage` stays out is tested on a fixture tree: the real content has none at the moment)
    for m in chosen:
        title = _words(m.title, 4)
        if m.participant_facing:
            assert title in whole, m.id
        else:
            assert title not in whole, m.id
        if m.trainer_notes:
            assert _words(m.trainer_notes) not in whole, m.id
    # every sheet's footer names title, module, edition and licence
    footer = f"Modul 2 · {real_catalog.meta.title}, Stand {real_catalog.meta.edition_de} · Lizenz"
    assert sum(footer in p for p in pages) >= len([m for m in chosen if m.participant_facing])


@pytest.mark.parametrize("number", [1, 3, 4, 5])
def test_every_module_has_copy_masters_of_its_participant_materials(real_catalog, tmp_path, number):
    """The other modules' copy masters: each participant-facing material of the module (the Fallvignetten, the
    Fragenkarte, the DSGVO handout …) on a page with its footer; templates and trainer notes left out."""
    from handbook import materials
    out = tmp_path / materials.copy_masters_file(number)
    materials.build_copy_masters(real_catalog, f"m{number}", out)
    pages = _pdf_pages(out)
    whole = " ".join(pages)
    footer = f"Modul {number} · {real_catalog.meta.title}, Stand {real_catalog.meta.edition_de} · Lizenz"
    for m in real_catalog.materials_for_module(f"m{number}"):
        title = _words(m.title, 4)
        if m.participant_facing:
            assert any(p.startswith(title) and footer in p for p in pages), m.id
        else:
            assert title not in whole, m.id
        if m.trainer_notes:
            assert _words(m.trainer_notes) not in whole, m.id


def _card_regions(path: Path) -> list[str]:
    """The text of every card: a page with two role cards is cut at its middle (where the cut line runs)."""
    import subprocess
    out = []
    for i, text in enumerate(_pdf_pages(path), 1):
        if text.count("Rolle: ") < 2:
            out.append(text)
            continue
        for y in (0, 421):  # A4 is 595 x 842 pt
            half = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-x", "0", "-y", str(y), "-W", "595", "-H", "421",
                                   str(path), "-"], capture_output=True, text=True).stdout
            out.append(" ".join(half.replace("\u00ad\n", "").replace("-\n", "-").split()))
    return out


def test_each_card_of_a_real_card_set_has_a_page_of_its_own(real_catalog, masters_m2):
    pages = _pdf_pages(masters_m2)
    sets = [m for m in real_catalog.materials_for_module("m2") if m.card_set]
    assert {"satzkarten-vorwuerfe", "bodenkarten-gfk"} <= {m.id for m in sets}
    for m in sets:
        labels = re.findall(r"^### (.+)$", m.content, re.M)
        assert len(labels) >= 4, m.id
        for label in labels:
            on = [i for i, p in enumerate(pages) if f"{m.title} – {label} · Modul 2" in p]
            assert len(on) == 1, (m.id, label, on)


CARD_SET = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: satzkarten-test
titel: Satzkarten – Test
art: handout
module: [m1]
zweck: Zum Ausschneiden.
inhalt: |
  ### Satz 1

  KARTE-EINS

  ### Satz 2

  KARTE-ZWEI
trainerhinweise: |
  KARTEN-HINWEIS
"""

TEMPLATE = """\
# yaml-language-server: $schema=../../schemas/material.schema.json
id: vorlage-test
titel: Vorlage – Nur für Trainer:innen
art: vorlage
module: [m1]
zweck: Für die Vorbereitung.
inhalt: |
  NUR-TRAINER-VORLAGE
"""


def test_copy_masters_print_card_sets_and_small_cards_number_only_worksheets_and_leave_out_templates(tree, tmp_path):
    from handbook import materials
    add(tree, "satzkarten-test", CARD_SET)
    add(tree, "vorlage-test", TEMPLATE)
    add(tree, "arbeitsblatt-test", WORKSHEET.replace("id: blatt-test", "id: arbeitsblatt-test")
        .replace("Erste Aufgabe.", "AUFGABE-BLATT"))
    add(tree, "beobachtungsbogen-test", WORKSHEET.replace("id: blatt-test", "id: beobachtungsbogen-test")
        .replace("Erste Aufgabe.", "FELD-BOGEN"))
    add(tree, "feedbackkarte-test", WORKSHEET.replace("id: blatt-test", "id: feedbackkarte-test")
        .replace("Erste Aufgabe.", "FELD-KARTE"))
    use(tree, "[satzkarten-test, vorlage-test]", "[arbeitsblatt-test, beobachtungsbogen-test, feedbackkarte-test]")
    catalog = load(tree)
    by_id = catalog.material_by_id
    assert by_id["satzkarten-test"].card_set and not by_id["arbeitsblatt-test"].card_set
    assert by_id["arbeitsblatt-test"].numbered_tasks and not by_id["beobachtungsbogen-test"].numbered_tasks
    out = tmp_path / "kv.pdf"
    materials.build_copy_masters(catalog, "m1", out)
    pages = _pdf_pages(out)
    one = [i for i, p in enumerate(pages) if "KARTE-EINS" in p]
    two = [i for i, p in enumerate(pages) if "KARTE-ZWEI" in p]
    assert len(one) == 1 and len(two) == 1 and one != two
    assert "Satzkarten – Test – Satz 1 · Modul 1" in pages[one[0]] and "Satz 2 · Modul 1" in pages[two[0]]
    whole = " ".join(pages)
    assert "NUR-TRAINER-VORLAGE" not in whole and "KARTEN-HINWEIS" not in whole
    sheet = next(p for p in pages if "AUFGABE-BLATT" in p)
    form = next(p for p in pages if "FELD-BOGEN" in p)
    assert "Aufgabe 1 AUFGABE-BLATT" in sheet and "Aufgabe" not in form
    # a small card: four copies on one page, to be cut
    assert by_id["feedbackkarte-test"].pocket_card and not by_id["arbeitsblatt-test"].pocket_card
    assert [p.count("FELD-KARTE") for p in pages if "FELD-KARTE" in p] == [4]
    assert "Vier Karten je Seite" in next(p for p in pages if "FELD-KARTE" in p)


def test_a_role_card_confidential_part_is_on_its_own_card_only(real_catalog, masters_m2):
    """One card per page, or two to a page (each half a card to cut out): a role's confidential part is on its
    own card only, together with the situation, its public part and a footer naming the role."""
    pages = _pdf_pages(masters_m2)
    assert any(p.count("Rolle: ") == 2 for p in pages), "no page with two role cards"
    cards = _card_regions(masters_m2)
    for m in real_catalog.materials_for_module("m2"):
        if m.kind != "rollenkarte":
            continue
        for role in m.roles:
            secret = _words(role.confidential, 7)
            on = [i for i, c in enumerate(cards) if secret in c]
            assert len(on) == 1, (m.id, role.role, on)
            card = cards[on[0]]
            assert _words(role.role, 3) in card and card.count("Rolle: ") == 1, (m.id, role.role)
            # and the card carries the shared situation, this role's public part and its own footer line
            assert _words(m.situation, 5) in card and _words(role.public, 5) in card
            assert f"{_words(m.title, 3)}" in card and f"– {role.role} · Modul 2" in card, (m.id, role.role)


def test_diagrams_reach_the_module_pdf_as_figures_with_alt(real_catalog, tmp_path):
    """In print a diagram is vector graphics inside a tagged Figure that carries the unit's alt text."""
    import pypdf
    from handbook import pdf
    from test_pdf import struct_alts
    out = pdf.build_module(real_catalog, "m1", "teilnehmende", tmp_path / "modul-1.pdf")
    reader = pypdf.PdfReader(str(out))
    alts = struct_alts(reader.trailer["/Root"]["/StructTreeRoot"], [])
    wanted = [f.alt for u in real_catalog.module_by_id["m1"].units for f in u.figures if f.diagram]
    assert len(wanted) == 4 and all(str(a) in alts for a in wanted)
    assert not any(page.images for page in reader.pages)  # drawn as vectors; the PNG is for Word only
    text = " ".join(_pdf_pages(out))
    assert "Stufe 9: Gemeinsam in den Abgrund (Hauptphase lose-lose)" in text  # the text alternative


def test_writing_lines_are_artifacts_not_text(masters_m2):
    """The ruled lines of a worksheet are drawn shapes marked as artifacts in the tagged PDF."""
    import pypdf
    reader = pypdf.PdfReader(str(masters_m2))
    pages = _pdf_pages(masters_m2)
    page = next(i for i, p in enumerate(pages) if p.startswith("Vorbereitungsbogen für eine Verhandlung"))
    data = reader.pages[page].get_contents().get_data().decode("latin-1")
    strokes = [m.start() for m in re.finditer(r" l\nS\n", data)]
    assert len(strokes) >= 10
    for pos in strokes:
        opened = data.rfind("BDC", 0, pos)
        assert data.rfind("/Artifact", 0, opened) > data.rfind("EMC", 0, opened), "a line outside an artifact"
    assert "____" not in pages[page]  # no underscores standing in for lines


# --- in a real browser ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_site(tmp_path_factory):
    """The real content as a site, without PDFs (enough for pages, filters and figures)."""
    from handbook.build import build
    out = tmp_path_factory.mktemp("quick") / "site"
    build(ROOT, out, pdfs=False, offline=False)
    return out


@pytest.mark.browser
def test_materials_index_filters_and_pages_are_accessible(quick_site):
    from browser import chromium, run_axe, serve
    with serve(quick_site) as base, chromium() as browser:
        p = browser.new_page()
        p.goto(base + "materialien/", wait_until="networkidle")
        total = p.locator("tbody tr").count()
        assert total >= 30 and p.is_visible("[data-koko-fallfinder]")
        p.select_option("#filter-art", "rollenkarte")
        visible = p.locator("tbody tr:not([hidden])")
        assert 0 < visible.count() < total
        for i in range(visible.count()):
            assert visible.nth(i).get_attribute("data-art") == "rollenkarte"
        assert re.match(rf"\d+ von {total} Materialien", p.inner_text("[data-koko-treffer]"))
        p.select_option("#filter-modul", "m5")
        for i in range(p.locator("tbody tr:not([hidden])").count()):
            assert "m5" in p.locator("tbody tr:not([hidden])").nth(i).get_attribute("data-modul").split()
        problems = []
        for rel in ["materialien/", "materialien/rollenkarten-krisenstab/", "materialien/evaluationsbogen-fortbildung/",
                    "materialien/vorlage-kms-skizze/", "module/m1/m1-e4/"]:
            p.goto(base + rel, wait_until="load")
            problems += [f"{rel}: axe {v['id']}: {v['help']} {v['nodes']}" for v in run_axe(p)]
        assert problems == []


@pytest.mark.browser
def test_diagrams_show_on_the_site_with_alt_text(quick_site, real_catalog):
    from browser import chromium, serve
    with serve(quick_site) as base, chromium() as browser:
        p = browser.new_page()
        p.goto(base + "module/m1/m1-e4/", wait_until="load")
        figures = p.locator("figure.koko-abbildung .koko-diagramm")
        assert figures.count() == 3
        alts = [f.alt for f in real_catalog.units["m1-e4"].figures]
        for i in range(3):
            fig = figures.nth(i)
            assert fig.get_attribute("aria-label") == alts[i]
            box = fig.locator("svg").bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
        p.goto(base + "module/m1/m1-e3/", wait_until="load")
        assert "Stufe 9: Gemeinsam in den Abgrund" in p.inner_text("figure.koko-abbildung")


HOSTILE = '{{ config }} {% raw %} <script>alert(1)</script> #set page(width: 1cm) $x$ \\\\ @ref'


def test_material_text_is_data_on_the_site_and_in_print(tree, tmp_path):
    from handbook import materials, site
    add(tree, "rollen-test", ROLE_CARDS.replace("Die gemeinsame Lage.", HOSTILE).replace("GEHEIM-VORSTAND", "GEHEIM " + HOSTILE))
    add(tree, "blatt-test", WORKSHEET.replace("Erste Aufgabe.", f"'{HOSTILE}'"))
    use(tree, "[rollen-test, blatt-test]")
    catalog = load(tree)
    page = site.generated_pages(catalog)[site.material_src("rollen-test")].html
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ config }}" in page and "#set page(width: 1cm)" in page
    out = materials.build_copy_masters(catalog, "m1", tmp_path / "kv.pdf")
    text = " ".join(_pdf_pages(out))
    flat_hostile = " ".join(HOSTILE.replace("\\\\", "\\").split())
    assert text.count(flat_hostile) >= 3  # situation on both cards, the task, and the confidential part


def test_material_texts_pass_the_anonymisation_gate_and_the_glyph_check(tree):
    add(tree, "rollen-test", ROLE_CARDS.replace("Die gemeinsame Lage.", "Die Lage an der einzigen Grundschule im Ort."))
    use(tree)
    found = problems(tree)
    assert len(found) == 1 and found[0].startswith("materialien/rollen-test.yml:9:") and "Anonymisierung:" in found[0]


def test_a_small_card_too_big_for_a_quarter_page_is_printed_once_and_whole(tree, tmp_path):
    """Four copies to a page only when the card fits its quarter; otherwise one whole card – never cut off."""
    from handbook import materials
    long_card = (WORKSHEET.replace("id: blatt-test", "id: feedbackkarte-test").replace("Erste Aufgabe.", "FELD-KARTE")
                 .replace("platz: 8", "platz: 30") + "  - text: LETZTE-ZEILE der Karte.\n    platz: 2\n")
    add(tree, "feedbackkarte-test", long_card)
    use(tree, "[feedbackkarte-test]")
    catalog = load(tree)
    assert catalog.material_by_id["feedbackkarte-test"].pocket_card
    out = tmp_path / "kv.pdf"
    materials.build_copy_masters(catalog, "m1", out)
    pages = _pdf_pages(out)
    assert [p.count("FELD-KARTE") for p in pages if "FELD-KARTE" in p] == [1]
    assert sum(p.count("LETZTE-ZEILE") for p in pages) == 1
    assert not any("Vier Karten je Seite" in p for p in pages)  # the cutting hint only where there are four
