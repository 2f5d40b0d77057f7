"""The website: pages follow content, German, safe, accessible, no third-party requests, usable offline."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from browser import RequestLog, chromium, html_pages, run_axe, serve
from conftest import VALID
from handbook.build import build
from test_loader import CASE, edit


def page(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


# --- pages follow content ---------------------------------------------------------------------------------

def test_a_page_for_every_module_unit_case_topic(fixture_site):
    for rel in ["index.html", "module/m1/index.html", "module/m1/m1-e1/index.html", "module/m5/m5-e2/index.html",
                "fallstudien/index.html", "fallstudien/f-muell/index.html", "themen/index.html", "themen/muell/index.html",
                "glossar/index.html", "literatur/index.html", "downloads/index.html", "impressum/index.html",
                "datenschutz/index.html", "barrierefreiheit/index.html", "leichte-sprache/index.html"]:
        assert (fixture_site / rel).is_file(), rel


def test_module_page_has_overview_units_cases_and_oer_metadata(fixture_site):
    html = page(fixture_site, "module/m1/index.html")
    assert "Modul 1: Konflikte verstehen" in html and "Lernziele" in html and "Unterrichtseinheiten" in html
    assert 'href="m1-e1/"' in html and "Müll im Hinterhof" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["type"] == "LearningResource" and data["inLanguage"] == ["de"]
    assert data["license"]["id"].startswith("https://creativecommons.org/licenses/by-sa/4.0")
    assert data["timeRequired"] == "PT3H30M" and data["teaches"][0]["prefLabel"]["de"] == "Ziel eins von Modul 1"


def test_trainer_material_is_collapsed_and_labelled(fixture_site):
    html = page(fixture_site, "module/m1/m1-e1/index.html")
    assert re.search(r'<details class="loesung" data-search-exclude>\s*<summary>Lösungshinweis</summary>', html)
    assert re.search(r'<details class="trainer" data-search-exclude>\s*<summary>Für Trainer:innen</summary>', html)
    assert "GEHEIMER-TRAINERHINWEIS-M1" in html
    # on the page, not in the search index (data-search-exclude): a search does not lead to trainer notes or solutions
    index = (fixture_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "GEHEIMER-TRAINERHINWEIS" not in index and "GEHEIMER-LOESUNGSHINWEIS" not in index
    assert "module/m1/m1-e1/" in index


def test_german_page_with_edition_on_every_page(fixture_site):
    for rel in ["index.html", "fallstudien/f-muell/index.html", "glossar/index.html"]:
        html = page(fixture_site, rel)
        assert '<html lang="de"' in html
        assert "Stand: 20. November 2026" in html, rel


def test_abbreviations_explained_across_the_site_and_glossary_anchors(fixture_site):
    glossary = page(fixture_site, "glossar/index.html")
    assert 'id="allparteilichkeit"' in glossary and 'id="kms"' in glossary
    assert '<abbr title="Konfliktmanagementsystem">KMS</abbr>' in glossary


def test_literature_page_from_csl(fixture_site):
    html = page(fixture_site, "literatur/index.html")
    assert 'id="ref-glasl2020"' in html and "Glasl" in html and "Konfliktmanagement" in html
    unit = page(fixture_site, "module/m1/m1-e1/index.html")
    assert 'href="../../../literatur/#ref-glasl2020"' in unit


def test_fallfinder_is_a_complete_table_without_javascript(fixture_site):
    html = page(fixture_site, "fallstudien/index.html")
    rows = re.findall(r'<tr data-thema="([^"]*)" data-konstellation="([^"]*)" data-stufe="(\d)" data-modul="([^"]*)">', html)
    assert sorted(rows) == [("konkurrenz_akteure", "schluesselakteure_untereinander", "4", "m1 m2"),
                            ("muell", "buerger_buerger", "2", "m1 m2"),
                            ("schwimmunterricht", "buerger_organisationen", "3", "m1 m2")]
    assert "data-koko-fallfinder hidden" in html  # the filter form appears only with JavaScript


def test_a_new_case_file_adds_its_page_row_and_topic_entry(tree, tmp_path):
    text = (tree / CASE).read_text(encoding="utf-8")
    new = text.replace("id: f-muell", "id: f-parken").replace("Müll im Hinterhof", "Zweite Reihe").replace("[muell]", "[parkplaetze]")
    (tree / "case_studies" / "f-parken.yml").write_text(new, encoding="utf-8")
    site = build(tree, tmp_path / "site", pdfs=False, offline=False)
    assert "Zweite Reihe" in page(site, "fallstudien/f-parken/index.html")
    assert 'href="f-parken/"' in page(site, "fallstudien/index.html")
    assert "Zweite Reihe" in page(site, "themen/parkplaetze/index.html")


HOSTILE = [
    ("{{ 7*7 }}", "{{ 7*7 }}"),
    ('{% include "x" %}', '{% include "x" %}'),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
]


def test_content_is_data_not_template_or_markup(tree, tmp_path):
    payload = " ".join(h for h, _ in HOSTILE)
    edit(tree, CASE, "Der Verlauf.", f"Der Verlauf {payload}.")
    edit(tree, CASE, "titel: Müll im Hinterhof", "titel: Müll {{ 7*7 }} <b>fett</b>")
    site = build(tree, tmp_path / "site", pdfs=False, offline=False)
    html = page(site, "fallstudien/f-muell/index.html")
    for _, shown in HOSTILE:
        assert shown in html, shown
    assert "49" not in re.sub(r"<[^>]+>", "", html.split("Der Verlauf", 1)[1])[:60]
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html
    assert "Müll {{ 7*7 }} &lt;b&gt;fett&lt;/b&gt;" in html


def test_strict_content_error_stops_the_site_build(tree, tmp_path):
    edit(tree, CASE, "eskalationsstufe: 2", "eskalationsstufe: hoch")
    from handbook import ContentError
    with pytest.raises(ContentError):
        build(tree, tmp_path / "site", pdfs=False, offline=False)
    assert not (tmp_path / "site").exists()


# --- in a real browser ------------------------------------------------------------------------------------

@pytest.mark.browser
def test_every_page_no_foreign_request_and_axe_clean(real_site):
    pages = html_pages(real_site)
    assert len(pages) > 60
    problems = []
    with serve(real_site) as base, chromium() as browser:
        context = browser.new_context()
        for rel in pages:
            p = context.new_page()
            log = RequestLog(base)
            log.attach(p)
            p.goto(base + rel, wait_until="load")
            if log.foreign:
                problems.append(f"{rel}: Anfragen an fremde Server: {log.foreign}")
            for v in run_axe(p):
                problems.append(f"{rel}: axe {v['id']} ({v['impact']}): {v['help']} {v['nodes']}")
            p.close()
    assert problems == []


def search(p, query: str, attempts: int = 10) -> str:
    """Type a query as a reader does and return the result list's text.

    The search index loads in a worker after the page; a query typed before it is ready shows no
    result, so type again until results appear (at most ``attempts`` seconds).
    """
    for _ in range(attempts):
        p.click(".md-search__input")
        p.fill(".md-search__input", "")
        # the previous query's results are gone before this one is typed (a slow worker would show them)
        p.wait_for_selector(".md-search-result__item", state="detached", timeout=2000)
        p.keyboard.type(query)
        try:
            p.wait_for_selector(".md-search-result__item", timeout=1000)
            return p.inner_text(".md-search-result__list")
        except Exception:  # noqa: BLE001 - not ready yet: retry
            continue
    raise AssertionError(f"Die Suche nach {query!r} zeigt kein Ergebnis")


@pytest.mark.browser
def test_german_search_finds_cases_and_stems(real_site):
    index = json.loads(page(real_site, "search/search_index.json"))
    assert index["config"]["lang"] == ["de"]
    with serve(real_site) as base, chromium() as browser:
        p = browser.new_page()
        p.goto(base, wait_until="networkidle")
        for query, expected in [("Schwimmunterricht", "Burkini"), ("Konfliktes", "Konflikt"), ("Allparteilichkeit", "Allparteilichkeit")]:
            text = search(p, query)
            assert expected.lower() in text.lower(), (query, text[:300])


@pytest.mark.browser
def test_fallfinder_filters_in_the_browser(real_site):
    with serve(real_site) as base, chromium() as browser:
        p = browser.new_page()
        p.goto(base + "fallstudien/", wait_until="networkidle")
        total = p.locator("tbody tr").count()
        assert total >= 24 and p.is_visible("[data-koko-fallfinder]")
        p.select_option("#filter-thema", "schwimmunterricht")
        visible = p.locator("tbody tr:not([hidden])")
        assert 0 < visible.count() < total
        for i in range(visible.count()):
            assert "schwimmunterricht" in visible.nth(i).get_attribute("data-thema")
        assert re.match(rf"\d+ von {total} Fallstudien", p.inner_text("[data-koko-treffer]"))
        # Options that would leave no case are disabled (issue 18): clear the topic before another constellation.
        p.select_option("#filter-thema", "")
        p.select_option("#filter-konstellation", "organisationen_intern")
        for i in range(p.locator("tbody tr:not([hidden])").count()):
            assert p.locator("tbody tr:not([hidden])").nth(i).get_attribute("data-konstellation") == "organisationen_intern"
        p.click("[data-koko-fallfinder] button[data-koko-zuruecksetzen]")
        p.wait_for_function(f"document.querySelectorAll('tbody tr:not([hidden])').length === {total}")


@pytest.mark.browser
def test_offline_bundle_works_from_file_with_search(real_site, tmp_path):
    bundle = real_site / "downloads" / "koko-handbuch-offline.zip"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path)
    index = tmp_path / "koko-handbuch" / "index.html"
    with chromium() as browser:
        p = browser.new_page()
        requests = []
        p.on("request", lambda r: requests.append(r.url))
        p.goto(index.as_uri())
        assert "burkini" in search(p, "Schwimmunterricht").lower()
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
        p.keyboard.press("Escape")
        p.goto((tmp_path / "koko-handbuch" / "fallstudien" / "index.html").as_uri())
        assert p.locator("[data-koko-falltabelle] tbody tr").count() >= 24
        p.select_option("#filter-thema", "muell")
        assert 0 < p.locator("tbody tr:not([hidden])").count() < p.locator("tbody tr").count()


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 768])
def test_phone_and_tablet_widths_axe_clean_without_sideways_scrolling(real_site, width):
    """Trainees read on phones: every kind of page is axe-clean and fits the screen at phone and tablet width."""
    kinds = ["", "module/m1/", "module/m1/m1-e3/", "fallstudien/", "fallstudien/f-burkini-schwimmbad-mittelstadt/",
             "themen/muell/", "glossar/", "literatur/", "downloads/", "kurspaket/", "leichte-sprache/"]
    problems = []
    with serve(real_site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600)
        for rel in kinds:
            p = context.new_page()
            p.goto(base + rel, wait_until="load")
            for v in run_axe(p):
                problems.append(f"{rel}: axe {v['id']}: {v['help']} {v['nodes']}")
            if p.evaluate("document.documentElement.scrollWidth") > width:
                problems.append(f"{rel}: breiter als der Bildschirm ({width}px)")
            p.close()
    assert problems == []
