"""The course-pack builder on the website ("Kurspaket zusammenstellen"): data block, schedule, YAML, print view,
share link, bad input, offline use, accessibility. Browser tests run Debian's Chromium through tests/browser.py."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from browser import RequestLog, chromium, run_axe, serve
from conftest import ROOT, VALID
from handbook import load, packs
from handbook.model import Block, Day, hhmm

PAGE = "kurspaket/"
SECRETS = ("GEHEIMER-TRAINERHINWEIS", "GEHEIMER-LOESUNGSHINWEIS")


def link(pack: dict) -> str:
    return "#paket=" + quote(json.dumps(pack, ensure_ascii=False), safe="")


def open_builder(browser, base: str, fragment: str = "", **context):
    ctx = browser.new_context(locale="de-DE", **context)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + PAGE + fragment, wait_until="networkidle")
    page.wait_for_selector("[data-koko-kurspaket][data-ready]", state="attached")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def state(page) -> dict:
    return page.evaluate("KokoKurspaket.toPack(KokoKurspaket.builder.state)")


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Move the focus with the Tab key only, until it is on ``selector``."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Mit Tab nicht erreichbar: {selector}")


def python_block(b: dict) -> Block:
    if "einheit" in b:
        return Block("unit", 0, unit_id=b["einheit"], from_min=b.get("ab_min"), to_min=b.get("bis_min"))
    if "pause" in b:
        return Block("break", b["pause"], title=b.get("titel", "Pause"))
    if "fallstudie" in b:
        return Block("case", b["dauer_min"], case_id=b["fallstudie"])
    return Block("item", b["dauer_min"], title=b["programmpunkt"])


def python_days(pack: dict, unit_minutes: dict[str, int]) -> list[Day]:
    days = []
    for d in pack["tage"]:
        blocks = [python_block(b) for b in d["bloecke"]]
        start = packs.parse_time(d["beginn"])
        days.append(packs.schedule(Day(dt.date(2027, 1, 1), start if start is not None else 0, blocks), unit_minutes))
    packs.number_parts(days)
    return days


@pytest.fixture(scope="module")
def catalog():
    return load(VALID)


@pytest.fixture(scope="module")
def unit_minutes(catalog) -> dict[str, int]:
    return {u.id: u.minutes for u in catalog.units.values()}


# --- the data block (no browser) ----------------------------------------------------------------------------

def test_data_block_is_escaped_and_has_urls_for_both_url_styles(tree):
    from handbook import packbuilder
    m1 = tree / "modules" / "m1.yml"
    text = m1.read_text(encoding="utf-8")
    title = re.search(r"^  - id: m1-e1\n    titel: (.*)$", text, re.M).group(1)
    m1.write_text(text.replace(f"titel: {title}", "titel: \"Ende </script><b>fett</b> & mehr \\u2028\"", 1), encoding="utf-8")
    catalog = load(tree)
    block = packbuilder.data_block(catalog, True)
    assert "yaml.js" not in block  # the YAML library is loaded by kurspaket.js when it is needed
    assert block.count("</script>") == 1 and "<b>" not in block and "&" not in block and "\u2028" not in block
    inner = re.match(r'<script type="application/json" id="koko-kurspaket-daten">(.*)</script>$', block, re.S).group(1)
    data = json.loads(inner)
    unit = data["module"][0]["einheiten"][0]
    assert unit["titel"] == "Ende </script><b>fett</b> & mehr \u2028" and unit["nummer"] == "1.1"
    assert unit["url"] == "../module/m1/m1-e1/" and unit["uebungen"] == ["m1-e1-u1"]
    assert packbuilder.data(catalog, False)["module"][0]["einheiten"][0]["url"] == "module/m1/m1-e1.html"
    assert packbuilder.data(catalog, False)["fallstudien"][0]["url"].endswith(".html")
    assert {c["id"] for c in data["fallstudien"]} == {c.id for c in catalog.cases}  # released cases only
    assert {"thema", "konstellation", "stufe", "modul"} == set(data["facetten"])


# --- schedule: the same rules as handbook/packs.py ----------------------------------------------------------

@pytest.mark.browser
def test_js_schedule_equals_python_for_many_packs(fixture_site, catalog, unit_minutes):
    rng = random.Random(9)
    ids = sorted(unit_minutes) + ["m1-e99"]  # an unknown unit counts 0 minutes on both sides
    starts = ["09:00", "8:30", " 07:45 ", "23:30", "00:00", "25:00", "9:5", "", "12:60", "23:59"]
    pack_list = [{"tage": [{"beginn": hhmm(d.start), "bloecke": [{"einheit": b.unit_id} if b.kind == "unit" else {"pause": b.minutes}
                                                                 for b in d.blocks]} for d in p.days]} for p in catalog.packs]
    for _ in range(60):
        days = []
        for _ in range(rng.randint(1, 3)):
            blocks = [{"einheit": rng.choice(ids)} if rng.random() < .7 else {"pause": rng.choice([5, 15, 30, 60, 240])}
                      for _ in range(rng.randint(0, 9))]
            days.append({"beginn": rng.choice(starts), "bloecke": blocks})
        pack_list.append({"tage": days})
    times = ["09:00", "9:00", "23:59", "24:00", "7:5", " 10:15\n", "1:00", "19:99", "", "abc", "09:00:00"]
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        js = page.evaluate("""packs => packs.map(p => p.tage.map(d => KokoKurspaket.schedule(d, KokoKurspaket.data.unitMinutes)))""",
                           pack_list)
        js_times = page.evaluate("ts => ts.map(t => KokoKurspaket.parseTime(t))", times)
        assert page.errors == []
    assert js_times == [packs.parse_time(t) for t in times]
    for pack, js_days in zip(pack_list, js):
        for py_day, js_day in zip(python_days(pack, unit_minutes), js_days):
            assert js_day["beginn"] == py_day.start and js_day["ende"] == py_day.end
            assert [(b["start"], b["ende"], b["minuten"]) for b in js_day["bloecke"]] == [(b.start, b.end, b.minutes) for b in py_day.blocks]
            assert js_day["lernminuten"] == py_day.teaching_minutes and js_day["ue"] == py_day.ue


def random_pack(rng: random.Random, unit_minutes: dict[str, int], cases: list[str]) -> dict:
    """A schema-valid pack with every kind of block, split units (fitting or not), day ends and dates in any order."""
    ids = sorted(unit_minutes)
    days = []
    for _ in range(rng.randint(1, 3)):
        blocks = []
        for _ in range(rng.randint(1, 7)):
            r = rng.random()
            if r < .35:
                blocks.append({"einheit": rng.choice(ids)})
            elif r < .55:  # a unit in parts, cut at the same minute or (sometimes) not
                uid = rng.choice(ids)
                cut = rng.choice([30, 45, 60, 90])
                blocks += [{"einheit": uid, "bis_min": cut}, {"pause": 15}, {"einheit": uid, "ab_min": rng.choice([cut, cut, cut, cut + 15])}]
            elif r < .7:
                blocks.append({"pause": rng.choice([5, 15, 30, 60])})
            elif r < .85:
                blocks.append({"fallstudie": rng.choice(cases), "dauer_min": rng.choice([30, 45, 60, 90])})
            else:
                blocks.append({"programmpunkt": "Feedbackrunde", "dauer_min": rng.choice([10, 15, 30])})
        day = {"datum": f"2027-03-{rng.choice([15, 16, 17, 18])}", "beginn": rng.choice(["08:30", "09:00", "13:00"]), "bloecke": blocks}
        if rng.random() < .4:
            day["ende"] = rng.choice(["12:00", "16:30", "18:00"])
        days.append(day)
    pack = {"id": "zufall", "titel": "Zufall", "ausgabe": "teilnehmende", "tage": days}
    if rng.random() < .5:
        pack["veranstaltung"] = {"ende": rng.choice(["14:00", "16:30", "17:00"])}
    return pack


def python_rules(catalog, pack: dict, tmp_path: Path) -> dict[str, int]:
    """How many problems of each kind the loader reports for a pack (day end, date, split)."""
    from handbook import ContentError
    from handbook.loader import load_pack
    path = tmp_path / "zufall.yml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    try:
        load_pack(catalog, path)
        found = []
    except ContentError as exc:
        found = [p.code for p in exc.problems]
    return {k: sum(1 for c in found if c == f"pack.{k}") for k in ("day_end", "date", "split")}


def js_rules(messages: list[str]) -> dict[str, int]:
    kinds = {"day_end": r"endet um", "date": r"steht schon bei|liegt vor", "split": r"die Teile"}
    return {k: sum(1 for m in messages if re.search(rx, m)) for k, rx in kinds.items()}


@pytest.mark.browser
def test_js_block_rules_equal_python(fixture_site, catalog, unit_minutes, tmp_path):
    """Split units, case work, programme items, day ends and date order: the builder and the loader agree on
    times, UE, "Teil i/n" and on which packs are refused (split problems: one message per unit in the builder,
    one per broken part or unit in the loader, so only their presence is compared)."""
    rng = random.Random(16)
    cases = [c.id for c in catalog.cases]
    pack_list = [random_pack(rng, unit_minutes, cases) for _ in range(80)]
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        js = page.evaluate("""packs => packs.map(p => ({
            days: p.tage.map(d => KokoKurspaket.schedule(d, KokoKurspaket.data.unitMinutes)),
            parts: KokoKurspaket.partLabels(p.tage),
            rules: KokoKurspaket.dayRules(p, KokoKurspaket.data.unitMinutes)}))""", pack_list)
        assert page.errors == []
    refused = 0
    for pack, out in zip(pack_list, js):
        py_days = python_days(pack, unit_minutes)
        for py_day, js_day, js_parts in zip(py_days, out["days"], out["parts"]):
            assert [(b["start"], b["ende"]) for b in js_day["bloecke"]] == [(b.start, b.end) for b in py_day.blocks]
            assert js_day["ue"] == py_day.ue
            assert {int(k): v for k, v in js_parts.items()} == {i: b.part_label for i, b in enumerate(py_day.blocks) if b.part_label}
        py, jsr = python_rules(catalog, pack, tmp_path), js_rules(out["rules"])
        assert (py["day_end"], py["date"], py["split"] > 0) == (jsr["day_end"], jsr["date"], jsr["split"] > 0), (pack, out["rules"])
        refused += any(py.values())
    assert 10 < refused < 70  # both kinds of pack were tried


# --- keyboard only: a two-day pack, its schedule and its YAML ------------------------------------------------

@pytest.mark.browser
def test_two_day_pack_with_keyboard_only_schedule_and_yaml(fixture_site, tree, tmp_path, unit_minutes):
    import jsonschema
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        # the YAML library (yaml.js) is not part of the page; it loads when the focus comes to the download
        assert not page.evaluate("'YAML' in window || !!document.querySelector('script[src*=yaml]')")
        log = RequestLog(base)
        log.attach(page)
        kb = page.keyboard
        tab_to(page, "#kp-titel"); kb.type("Zweitägiges Paket: \"Konflikte\" & mehr")
        tab_to(page, "#kp-ort"); kb.type("Schulungsraum 2")
        tab_to(page, "#kp-trainer"); kb.type("Trainerin A"); kb.press("Enter"); kb.type("Co-Trainer B")
        tab_to(page, "#kp-ende"); kb.type("1130A")  # "A": AM where the browser's time field has 12 hours
        tab_to(page, 'button[data-einheit="m1-e1"]'); kb.press("Enter")
        tab_to(page, 'button[data-einheit="m1-e2"]'); kb.press("Enter")
        tab_to(page, "#kp-tag-1-pause-min"); kb.press("Control+A"); kb.type("60")
        tab_to(page, "#kp-tag-1-pause-titel"); kb.type("Mittagspause")
        tab_to(page, "#kp-tag-1-pause-neu"); kb.press("Enter")
        assert page.is_visible("text=Achtung: Tag 1 endet um 13:30 Uhr")  # past the set day end (11:30)
        # the break one place up: the focus stays on the moved block's button
        tab_to(page, ".koko-kp__block--pause [data-aktion=hoch]"); kb.press("Enter")
        assert page.evaluate("document.activeElement.closest('.koko-kp__block').classList.contains('koko-kp__block--pause')")
        assert "Position 2 von 3 auf Tag 1" in page.inner_text("[role=status][aria-live=polite]")
        tab_to(page, "#kp-tag-neu"); kb.press("Enter")
        assert page.evaluate("document.activeElement.id") == "kp-tag-2-datum"
        tab_to(page, 'button[data-einheit="m2-e1"]'); kb.press("Enter")
        # the last block of day 1 moves down onto day 2
        tab_to(page, "li.koko-kp__block:has(a[href*='m1-e2']) [data-aktion=runter]"); kb.press("Enter")
        assert "auf Tag 2" in page.inner_text("[role=status][aria-live=polite]")
        tab_to(page, "#kp-tag-2-beginn"); kb.type("0830A")
        tab_to(page, "#kp-fall-f-schwimmen"); kb.press("Space")
        tab_to(page, "#kp-ende"); kb.press("Control+A"); kb.press("Backspace")  # clear the day end again
        pack = state(page)
        assert [[b.get("einheit") or b["pause"] for b in d["bloecke"]] for d in pack["tage"]] == [["m1-e1", 60], ["m1-e2", "m2-e1"]]
        assert pack["tage"][1]["beginn"] == "08:30" and pack["fallstudien"] == ["f-schwimmen"]
        assert pack["veranstaltung"] == {"ort": "Schulungsraum 2", "trainer": ["Trainerin A", "Co-Trainer B"]}
        shown = [page.locator(f".koko-kp__tag:nth-child({i + 1}) .koko-kp__zeit").all_inner_texts() for i in range(2)]
        expected = [[f"{hhmm(b.start)}–{hhmm(b.end)}" for b in d.blocks] for d in python_days(pack, unit_minutes)]
        assert shown == expected
        tab_to(page, "#kp-yaml")
        with page.expect_download() as dl:
            kb.press("Enter")
        target = tmp_path / dl.value.suggested_filename
        dl.value.save_as(target)
        assert page.errors == [] and log.foreign == []
        assert [u for u in log.urls if u.endswith("/yaml.js")] == [base + "assets/javascripts/yaml.js"]
    text = target.read_text(encoding="utf-8")
    assert target.name == "zweitaegiges-paket-konflikte-mehr.yml"
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/kurspaket.schema.json"
    data = yaml.safe_load(text)
    schema = json.loads((ROOT / "schemas" / "kurspaket.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["titel"] == "Zweitägiges Paket: \"Konflikte\" & mehr"
    shutil.copy(target, tree / "course_packs" / target.name)
    loaded = next(p for p in load(tree).packs if p.id == data["id"])
    assert [[(b.start, b.end) for b in d.blocks] for d in loaded.days] == \
           [[(b.start, b.end) for b in d.blocks] for d in python_days(pack, unit_minutes)]
    assert loaded.case_ids == ["f-schwimmen"] and loaded.trainers == ["Trainerin A", "Co-Trainer B"]


@pytest.mark.browser
def test_yaml_writer_and_reader_round_trip_awkward_text(fixture_site):
    nasty = ["Titel: mit # Raute", "'Apostroph' und \"Zitat\"", "Backslash \\ und Tab\tund\nZeile", "Emoji 🙂 – ü ß",
             "- Strich am Anfang", "yes", "123", "null", "[Klammer]", "{x}", "\u2028 Trenner \u0085 Mitte", "@at `code` *stern*"]
    packs_in = [{"titel": t, "ort": t, "trainer": [t, "B"], "ausgabe": "trainer", "ende": "17:00", "formate": ["pdf", "docx"],
                 "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}, {"pause": 15, "titel": t}]}],
                 "fallstudien": ["f-muell"]} for t in nasty]
    files = [(ROOT / "course_packs" / "einfuehrung-konfliktanalyse.yml").read_text(encoding="utf-8"),
             (VALID / "course_packs" / "testpaket.yml").read_text(encoding="utf-8")]
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        result = page.evaluate("""async ([list, files]) => {
            const K = KokoKurspaket, out = [];
            await K.yamlReady();
            for (const p of list) {
                const st = K.fromPack({titel: p.titel, ausgabe: p.ausgabe, veranstaltung: {ort: p.ort, trainer: p.trainer, ende: p.ende},
                                       tage: p.tage, fallstudien: p.fallstudien, formate: p.formate}, K.data).state;
                const pack = K.toPack(st), text = K.toYaml(pack);
                out.push({pack, text, back: K.parseYaml(text)});
            }
            return {out, files: files.map(f => K.parseYaml(f))};
        }""", [packs_in, files])
    for item, title in zip(result["out"], nasty):
        assert yaml.safe_load(item["text"]) == item["pack"] == item["back"]
        assert item["pack"]["titel"] == title.strip()
    for text, parsed in zip(files, result["files"]):
        expected = json.loads(json.dumps(yaml.safe_load(text), default=str))  # dates as ISO text
        assert parsed == expected


@pytest.mark.browser
@pytest.mark.pdf
def test_builder_yaml_builds_with_build_pdf(fixture_site, tree, tmp_path):
    pack = {"titel": "Rundreise", "ausgabe": "teilnehmende", "veranstaltung": {"ort": "Raum 1", "trainer": ["T"]},
            "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}, {"pause": 15}, {"einheit": "m2-e1"}]}],
            "fallstudien": ["f-schwimmen"], "formate": ["pdf", "docx"]}
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base, link(pack))
        text = page.evaluate("KokoKurspaket.yamlReady().then(() => KokoKurspaket.toYaml(KokoKurspaket.toPack(KokoKurspaket.builder.state)))")
    target = tree / "course_packs" / "rundreise.yml"
    target.write_text(text, encoding="utf-8")
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"rundreise.{fmt}"
        proc = subprocess.run([sys.executable, "build_pdf.py", "--root", str(tree), "--pack", str(target), "--format", fmt, "-o", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 1000


# --- print view ------------------------------------------------------------------------------------------------

def _print_view(page) -> str:
    page.click("#kp-druckansicht")
    page.wait_for_selector(".koko-kp__druck[data-fertig]", state="attached", timeout=15000)
    return page.inner_text(".koko-kp__dokument")


@pytest.mark.browser
def test_print_view_participants_without_trainer_text_trainer_with(fixture_site):
    pack = {"titel": "Druckprobe", "ausgabe": "teilnehmende",
            "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}, {"pause": 30, "titel": "Mittagspause"}, {"einheit": "m2-e1"}]}],
            "fallstudien": ["f-schwimmen"]}
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base, link(pack))
        log = RequestLog(base)
        log.attach(page)
        text = _print_view(page)
        assert page.evaluate("document.activeElement.id") == "kp-druck-titel"
        for s in SECRETS:
            assert s not in text
        assert page.locator(".koko-kp__dokument .trainer, .koko-kp__dokument .loesung").count() == 0
        for expected in ["Ablaufplan", "09:00–10:30", "Mittagspause", "Unterrichtseinheiten", "Einheit 1.1", "Einheit 2.1",
                         "Fallstudien", "Arbeitsblätter", "Ausgabe", "für Teilnehmende"]:
            assert expected in text, expected
        assert page.locator(".koko-kp__arbeitsblatt").count() == 2
        ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
        assert len(ids) == len(set(ids))  # the units' headings are prefixed, no duplicate ids
        page.emulate_media(media="print")
        assert not page.is_visible(".koko-kp__baukasten") and not page.is_visible(".koko-kp__druckleiste")
        assert not page.is_visible("article > h1")
        breaks = page.evaluate("[...document.querySelectorAll('.koko-kp__teil, .koko-kp__seite + .koko-kp__seite')].map(e => getComputedStyle(e).breakBefore)")
        assert breaks and set(breaks) == {"page"}
        page.emulate_media(media="screen")
        page.keyboard.press("Tab")  # the print bar comes first; back to the builder by keyboard
        page.click("#kp-zurueck")
        assert page.is_visible(".koko-kp__baukasten") and page.evaluate("document.activeElement.id") == "kp-druckansicht"
        page.check("#kp-ausgabe-trainer")
        text = _print_view(page)
        assert all(s in text for s in SECRETS) and "für Trainer:innen" in text
        assert page.errors == [] and log.foreign == []


# --- bad input -------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_link_with_removed_unit_and_case_names_them_and_keeps_the_rest(fixture_site):
    pack = {"titel": "Altes Paket", "ausgabe": "trainer",
            "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}, {"einheit": "m1-e99"}, {"pause": 15}]},
                     {"datum": "2027-03-16", "beginn": "nachmittags", "bloecke": [{"einheit": "m2-e2"}]}],
            "fallstudien": ["f-gibt-es-nicht", "f-muell"]}
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base, link(pack))
        alert = page.inner_text("[role=alert]")
        assert "m1-e99" in alert and "nicht (mehr)" in alert and "f-gibt-es-nicht" in alert
        assert "nachmittags" in alert and "09:00" in alert
        kept = state(page)
        assert [[b.get("einheit") or b["pause"] for b in d["bloecke"]] for d in kept["tage"]] == [["m1-e1", 15], ["m2-e2"]]
        assert kept["fallstudien"] == ["f-muell"] and kept["titel"] == "Altes Paket" and kept["ausgabe"] == "trainer"
        assert page.is_checked("#kp-fall-f-muell") and page.is_checked("#kp-ausgabe-trainer")
        # a damaged link: a message, and the page still works
        page.goto(base + PAGE + "#paket=%7B%22titel", wait_until="networkidle")  # same page: hashchange
        assert "unvollständig oder beschädigt" in page.inner_text("[role=alert]")
        page.reload(wait_until="networkidle")
        assert "unvollständig oder beschädigt" in page.inner_text("[role=alert]")
        page.click('button[data-einheit="m1-e1"]')
        assert len(state(page)["tage"][0]["bloecke"]) == 1
        assert page.errors == []


@pytest.mark.browser
def test_upload_yaml_keeps_the_rest_and_reports_unreadable_files(fixture_site, tmp_path):
    good = tmp_path / "alt.yml"
    good.write_text((VALID / "course_packs" / "testpaket.yml").read_text(encoding="utf-8").replace("m2-e1", "m4-e9"), encoding="utf-8")
    bad = tmp_path / "kaputt.yml"
    bad.write_text("id: x\ntitel: A\ntitel: B\n", encoding="utf-8")
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        page.set_input_files("#kp-hochladen", str(good))
        page.wait_for_function("KokoKurspaket.builder.state.titel === 'Testpaket'")
        assert "m4-e9" in page.inner_text("[role=alert]")
        kept = state(page)
        assert [[b.get("einheit") or b["pause"] for b in d["bloecke"]] for d in kept["tage"]] == [["m1-e1", 15, "m1-e2", 60], ["m2-e2"]]
        assert kept["tage"][0]["bloecke"][3] == {"pause": 60, "titel": "Mittagspause"} and kept["fallstudien"] == ["f-schwimmen"]
        page.set_input_files("#kp-hochladen", str(bad))
        page.wait_for_function("document.querySelector('[role=alert]').innerText.includes('kaputt.yml')")
        assert "Zeile 3: ein Schlüssel kommt doppelt vor" in page.inner_text("[role=alert]") and state(page)["titel"] == "Testpaket"


@pytest.mark.browser
def test_day_end_midnight_and_missing_parts_block_the_download(fixture_site):
    pack = {"titel": "", "ausgabe": "teilnehmende", "veranstaltung": {"ende": "10:00"},
            "tage": [{"datum": "2027-03-15", "beginn": "22:30", "bloecke": [{"einheit": "m1-e2"}]},
                     {"datum": "2027-03-16", "beginn": "09:00", "bloecke": []}]}
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base, link(pack))
        assert "nach Mitternacht" in page.inner_text(".koko-kp__tag:nth-child(1) .koko-kp__warnung")
        assert page.inner_text(".koko-kp__tag:nth-child(1) .koko-kp__zeit") == "22:30–24:30"
        offen = page.inner_text("#kp-offen")
        assert "Titel" in offen and "Tag 2 ist noch leer" in offen and "Mitternacht" in offen
        downloads = []
        page.on("download", lambda d: downloads.append(d))
        page.click("#kp-yaml")
        page.wait_for_timeout(300)
        assert downloads == [] and page.evaluate("document.activeElement.id") == "kp-offen"
        page.fill("#kp-tag-1-beginn", "08:00")
        assert "endet um 10:00" not in page.inner_text("body") and page.is_hidden(".koko-kp__tag:nth-child(1) .koko-kp__warnung")
        page.fill("#kp-tag-1-beginn", "08:30")
        assert "Tag 1 endet um 10:30 Uhr, 30 Minuten nach dem Tagesende 10:00 Uhr" in page.inner_text(".koko-kp__tag:nth-child(1) .koko-kp__warnung")


# --- share link, local storage -----------------------------------------------------------------------------

@pytest.mark.browser
def test_share_link_and_remember_in_browser(fixture_site):
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        assert "#" not in page.url  # opening the page changes nothing
        page.fill("#kp-titel", "Geteiltes Paket")
        page.click('button[data-einheit="m3-e1"]')
        shared = page.input_value("#kp-link")
        assert shared == page.url and "#paket=" in shared and "Geteiltes" in shared.replace("%20", " ")
        other = browser.new_context(locale="de-DE").new_page()  # the co-trainer: another browser profile
        other.goto(shared, wait_until="networkidle")
        assert state(other) == state(page)
        page.check("#kp-merken")
        page.goto(base + PAGE, wait_until="networkidle")
        assert state(page)["titel"] == "Geteiltes Paket" and page.is_checked("#kp-merken")
        page.uncheck("#kp-merken")
        assert page.evaluate("localStorage.getItem('koko-kurspaket')") is None
        page.goto(base + "glossar/", wait_until="networkidle")
        page.goto(base + PAGE, wait_until="networkidle")
        assert state(page)["titel"] == ""


# --- accessibility, tablet, other origins -----------------------------------------------------------------------

def _axe_ids(page) -> set[str]:
    return {v["id"] for v in run_axe(page)}


def _axe_in(page, selector: str) -> list[dict]:
    """axe-core on one part of the page (axe is already injected by run_axe)."""
    return page.evaluate("""async sel => {
        const r = await axe.run({include: [[sel]]}, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""", selector)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 768])
def test_axe_clean_tablet_width_no_foreign_requests(fixture_site, width):
    pack = {"titel": "Barrierefrei", "ausgabe": "teilnehmende", "veranstaltung": {"ende": "10:00"},
            "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}, {"pause": 15, "titel": "Kaffee"}, {"einheit": "m1-e2"}]},
                     {"datum": "2027-03-16", "beginn": "09:00", "bloecke": [{"einheit": "m2-e1"}]}],
            "fallstudien": ["f-muell"]}
    viewport = {"width": width, "height": 1000}
    with serve(fixture_site) as base, chromium() as browser:
        baseline = browser.new_page(viewport=viewport)
        baseline.goto(base + "glossar/", wait_until="networkidle")
        assert _axe_ids(baseline) == set()  # the theme's frame itself is clean at this width
        page = open_builder(browser, base, link(pack), viewport=viewport)
        log = RequestLog(base)
        log.attach(page)
        page.reload(wait_until="networkidle")
        page.click('button[data-einheit="m2-e2"]')  # a focused button is checked too
        assert _axe_ids(page) == set()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _print_view(page)
        assert _axe_ids(page) == set()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert log.foreign == [] and page.errors == []


# --- the offline bundle (file://) --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def offline_bundle(tmp_path_factory) -> Path:
    from handbook.build import build
    out = tmp_path_factory.mktemp("offline") / "site"
    build(VALID, out, pdfs=False, offline=True)
    with zipfile.ZipFile(out / "downloads" / "koko-handbuch-offline.zip") as zf:
        zf.extractall(out.parent)
    return out.parent / "koko-handbuch"


@pytest.mark.browser
def test_offline_bundle_builder_works_and_print_view_explains(offline_bundle):
    page_file = offline_bundle / "kurspaket.html"
    assert page_file.is_file()
    pack = {"titel": "Offline", "ausgabe": "teilnehmende",
            "tage": [{"datum": "2027-03-15", "beginn": "09:00", "bloecke": [{"einheit": "m1-e1"}]}], "fallstudien": ["f-muell"]}
    with chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri() + link(pack))
        page.wait_for_selector("[data-koko-kurspaket][data-ready]", state="attached")
        page.click('button[data-einheit="m2-e1"]')
        assert page.inner_text(".koko-kp__tag .koko-kp__zeit >> nth=1") == "10:30–12:00"
        # the YAML library loads from file:// too, when the download asks for it
        assert not [u for u in requests if u.endswith("/yaml.js")]
        with page.expect_download() as dl:
            page.click("#kp-yaml")
        assert yaml.safe_load(Path(dl.value.path()).read_text(encoding="utf-8"))["titel"] == "Offline"
        assert [u for u in requests if u.endswith("/yaml.js")] == [(offline_bundle / "assets/javascripts/yaml.js").as_uri()]
        page.click("#kp-druckansicht")
        status = page.inner_text(".koko-kp__druckstatus")
        assert "direkt als Datei geöffnet" in status and "build_pdf.py" in status
        hrefs = page.evaluate("[...document.querySelectorAll('.koko-kp__seite a')].map(a => a.href)")
        assert len(hrefs) == 3 and all(h.startswith("file:") and h.endswith(".html") for h in hrefs)
        assert all(Path(h[len("file://"):]).is_file() for h in hrefs)
        assert "09:00–10:30" in page.inner_text(".koko-kp__dokument")
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == [] and errors == []


@pytest.mark.browser
def test_new_blocks_editions_and_publishing_round_trip_through_the_builder(fixture_site, tree):
    """A pack with every block kind, both editions and veroeffentlichen comes back from the builder as it went in,
    and the loader accepts what the builder writes."""
    text = (ROOT / "tests" / "fixtures" / "zwei-tage.yml").read_text(encoding="utf-8").replace(
        "formate: [pdf, docx]", "formate: [pdf, docx]\nveroeffentlichen: true")
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        out = page.evaluate("""async text => {
            const K = KokoKurspaket;
            await K.yamlReady();
            const st = K.fromPack(K.parseYaml(text), K.data).state;
            K.builder.load(K.toPack(st), "Test", true);
            return {pack: K.toPack(K.builder.state), yaml: K.toYaml(K.toPack(K.builder.state))};
        }""", text)
        assert page.is_checked("#kp-veroeffentlichen") and page.is_checked("#kp-ausgabe-beide")
        times = page.locator(".koko-kp__tag:nth-child(1) .koko-kp__zeit").all_inner_texts()
        assert times == ["09:00–09:30", "09:30–10:30", "10:30–10:45", "10:45–11:45", "11:45–12:45", "12:45–14:15",
                         "14:15–14:30", "14:30–15:30"]
        assert "Teil 1/2" in page.inner_text(".koko-kp__tag:nth-child(1)") and "6,7 UE" in page.inner_text("#kp-tag-1-zeit")
        page.fill("#kp-tag-2-ende", "11:00")  # day 2 runs until 11:15
        assert "Tag 2 endet um 11:15 Uhr, 15 Minuten nach dem Tagesende 11:00 Uhr" in page.inner_text("#kp-offen")
        assert page.errors == []
    expected = json.loads(json.dumps(yaml.safe_load(text), default=str))  # dates as ISO text
    pack = out["pack"]
    assert pack["ausgaben"] == ["teilnehmende", "trainer"] and "ausgabe" not in pack and pack["veroeffentlichen"] is True
    assert pack["tage"] == expected["tage"] and yaml.safe_load(out["yaml"]) == pack
    assert pack["id"] == "zwei-tage-konfliktanalyse"  # the builder names the file after the title
    (tree / "course_packs" / f"{pack['id']}.yml").write_text(out["yaml"], encoding="utf-8")
    loaded = next(p for p in load(tree).packs if p.id == pack["id"])
    assert loaded.editions == ["teilnehmende", "trainer"] and loaded.publish
    assert [b.part_label for b in loaded.days[0].blocks if b.kind == "unit"] == ["Teil 1/2", "Teil 2/2", ""]


def test_data_block_carries_the_break_points_of_a_unit(tree):
    from handbook import packbuilder
    m1 = tree / "modules" / "m1.yml"
    old = "    titel: Zweite Einheit von Modul 1\n    dauer_min: 120\n"
    text = m1.read_text(encoding="utf-8")
    m1.write_text(text.replace(old, old + "    pausenpunkte: [90, 45]\n"), encoding="utf-8")
    units = {u["id"]: u for m in packbuilder.data(load(tree))["module"] for u in m["einheiten"]}
    assert units["m1-e2"]["pausenpunkte"] == [45, 90] and units["m1-e1"]["pausenpunkte"] == []


@pytest.mark.browser
def test_split_button_uses_the_break_point_nearest_the_middle_and_hints_at_others(fixture_site):
    """'mit Pause teilen' splits at the unit's break point nearest to its middle (a phase boundary), not at the
    arithmetic middle; a part that ends between break points gets the same hint as from `check`."""
    with serve(fixture_site) as base, chromium() as browser:
        page = open_builder(browser, base)
        page.evaluate("KokoKurspaket.data.unitById['m1-e2'].pausenpunkte = [45, 100]")
        page.click('button[data-einheit="m1-e2"]')
        page.click('button[data-aktion="teilen"]')
        blocks = state(page)["tage"][0]["bloecke"]
        assert blocks == [{"einheit": "m1-e2", "bis_min": 45}, {"pause": 15}, {"einheit": "m1-e2", "ab_min": 45}]
        assert "Teil 1 bis Minute 45" in page.inner_text("[role=status][aria-live=polite]")
        assert not page.is_visible("text=mitten in einer Phase")
        hints = page.evaluate("KokoKurspaket.splitHints({bloecke: [{einheit: 'm1-e2', bis_min: 60}]}, "
                              "KokoKurspaket.data.unitById)")
        assert hints == ["Einheit 1.2: Zweite Einheit von Modul 1 ist bei Minute 60 geteilt, mitten in einer Phase – "
                         "Pausenpunkte laut Modul (Minuten ab Beginn): 45, 100."]
        # without break points: the middle, as before
        page.evaluate("KokoKurspaket.data.unitById['m1-e1'].pausenpunkte = []")
        page.click('button[data-einheit="m1-e1"]')
        page.click('li.koko-kp__block:has(a[href*="m1-e1"]) button[data-aktion="teilen"]')
        assert [b for b in state(page)["tage"][0]["bloecke"] if b.get("einheit") == "m1-e1"][0]["bis_min"] == 45
        assert page.errors == []
