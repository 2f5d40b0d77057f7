"""Bad input: every hostile text either ends in a German error at path:line:column (exit 1), or is shown literally
on the page and in the PDF – never a traceback, never markup, script or Typst code that takes effect.

The loader's own classes of mistakes are in test_loader.py; this file covers what reaches the renderers and the build.
"""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import unicodedata
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, VALID
from handbook import render
from handbook.html_writer import HtmlWriter
from handbook.build import build
from handbook.loader import load

from handbook import pdf

PAYLOADS = {
    "jinja-ausdruck": "{{ 7*7 }}",
    "jinja-anweisung": '{% include "x" %}',
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "typst-set": "#set page(width: 1cm)",
    "typst-funktion": '#image("/etc/passwd") und #eval("1+1")',
    "formel": "$x^2$",
    "zitat-label": "@label",
    "backslash-befehl": r"\foo \textbf{fett}",
    "stern-offen": "ein *Stern ohne Ende",
    "unterstrich-offen": "ein _Strich ohne Ende",
    "backtick-offen": "ein `Backtick ohne Ende",
    "html-kommentar": "<!-- nichts --> &amp; &lt;",
    "langes-wort": "Donaudampfschifffahrtsgesellschaftskapitän" * 60,
    "lange-zeile": " ".join(["Zeile"] * 1500),
    "rechts-nach-links": "שלום עולם – مرحبا بالعالم",
    "emoji": "Handschlag 🤝 und Waage ⚖️",
    "kombinierende-zeichen": "Zu\u0308rich, Cafe\u0301, A\u030angstro\u0308m",
    "genderstern": "Bürger*innen und Schüler*innen, 7*7",
    "cjk": "Begriff 漢字 im Text",
}
IDS = list(PAYLOADS)

CASE_FIELDS = 12  # how often a payload is written into a case (see _hostile_case)
UNIT_FIELDS = 9  # … and into a unit (see _hostile_unit)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")


def _hostile_case(n: int, text: str) -> dict:
    return {
        "id": f"f-h{n:02d}", "titel": f"Fall {n} {text}", "herkunft": "zusammengesetzt",
        "kommune": {"typ": "grossstadt", "region": text}, "zeitraum": "2022", "konstellation": "buerger_buerger",
        "themen": ["muell"], "eskalationsstufe": 2,
        "akteure": [{"rolle": text, "interessen": text, "position": text}],
        "ausgangslage": text, "verlauf": text, "intervention": text, "ergebnis": text,
        "lernerfahrungen": [text], "reflexionsfragen": [text], "module": ["m1"],
        "anonymisierung": {"verfahren": text, "geprueft_von": "Datenschutzbeauftragte:r des Trägers",
                           "geprueft_am": "2026-10-01", "freigegeben": True},
    }


def _hostile_unit(n: int, text: str) -> dict:
    uid = f"m1-e{n + 10}"
    return {
        "id": uid, "titel": text, "dauer_min": 15, "lernziele": [text], "inhalt": text, "methoden": [text],
        "material": [text],
        "uebungen": [{"id": f"{uid}-u1", "titel": text, "dauer_min": 10, "sozialform": "Plenum", "aufgabe": text,
                      "loesungshinweis": text}],
        "trainerhinweise": text,
    }


def _hostile_tree(dest: Path, payloads: dict) -> Path:
    """The fixture tree with one case study and one unit per payload (the payload in every text field)."""
    shutil.copytree(VALID, dest)
    module = yaml.safe_load((dest / "modules/m1.yml").read_text(encoding="utf-8"))
    for name, text in payloads.items():
        n = IDS.index(name)
        _dump(dest / f"case_studies/f-h{n:02d}.yml", _hostile_case(n, text))
        module["einheiten"].append(_hostile_unit(n, text))
    _dump(dest / "modules/m1.yml", module)
    return dest


# Characters no print font has stop the PDF with a located error (test_a_character_no_print_font_has_…).
NOT_PRINTABLE = ("cjk",)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Every payload in every field, built once: the site, and module 1 as a trainer PDF."""
    base = tmp_path_factory.mktemp("hostile")
    tree = _hostile_tree(base / "tree", PAYLOADS)
    site = build(tree, base / "site", pdfs=False, offline=False)
    printable = {k: v for k, v in PAYLOADS.items() if k not in NOT_PRINTABLE}
    catalog = load(_hostile_tree(base / "print", printable))
    return {"tree": tree, "site": site, "pdf": pdf.build_module(catalog, "m1", "trainer", base / "modul-1-trainer.pdf")}


class _Page(HTMLParser):
    """Elements, attributes, inline scripts and the text of the article of a built page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.article: list[str] = []
        self._depth = 0  # inside <article>
        self._script = False
        self._run = False
        self._skip = 0  # inside the permalink ¶ of a heading

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "article":
            self._depth += 1
        if tag == "script":
            self._script = True
            # JSON data blocks are never run; text breaking out of one would show up as a new <script>.
            self._run = "src" not in a and (a.get("type") or "text/javascript") in ("text/javascript", "module")
            if self._run:
                self.scripts.append("")
        if tag == "a" and "headerlink" in (a.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self._depth -= 1
        if tag == "script":
            self._script = False
        if tag == "a" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._script:
            if self._run:
                self.scripts[-1] += data
        elif self._depth and not self._skip:
            self.article.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def assert_inert(page: _Page, where: str) -> None:
    """Nothing from content acts: no event handler, no javascript: URL, no script or image made from text."""
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), f"{where}: Ereignis-Attribut {name} an <{tag}>"
            if attrs.get("data-md-component") == "search-share" and attrs.get("href") == "javascript:void(0)":
                continue  # the theme's own share button (overrides/partials/search.html), not content
            if name in ("href", "src", "action", "formaction", "data"):
                assert not re.sub(r"\s", "", value or "").lower().startswith(("javascript:", "vbscript:", "data:text")), \
                    f"{where}: {name}={value!r} an <{tag}>"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: <img src=x> aus dem Text"
        assert tag not in ("iframe", "object", "embed", "frame", "base", "meta") or tag == "meta" and "http-equiv" not in attrs, \
            f"{where}: <{tag}> {attrs}"
    for script in page.scripts:
        assert "alert(" not in script, f"{where}: Text in einem Skript"


@pytest.mark.slow
@pytest.mark.parametrize("name", IDS)
def test_hostile_text_is_shown_literally_on_the_site(hostile, name):
    n, text = IDS.index(name), PAYLOADS[name]
    site = hostile["site"]
    for rel, expected in [(f"fallstudien/f-h{n:02d}/index.html", CASE_FIELDS),
                          (f"module/m1/m1-e{n + 10}/index.html", UNIT_FIELDS)]:
        page = parse(site / rel)
        assert_inert(page, rel)
        article = _norm("".join(page.article))
        found = article.count(_norm(text))
        assert found >= expected, f"{rel}: {text[:60]!r} nur {found}× wörtlich im Text, erwartet {expected}×"
        if name == "jinja-ausdruck":
            assert "49" not in article, f"{rel}: Jinja wurde ausgewertet"


@pytest.mark.slow
def test_hostile_text_never_reaches_other_pages_as_markup(hostile):
    site = hostile["site"]
    for path in sorted(site.rglob("*.html")):
        assert_inert(parse(path), str(path.relative_to(site)))
    # Titles also go into the Fallfinder (raw HTML written by the site code) and into the search index.
    finder = parse(site / "fallstudien/index.html")
    assert _norm(PAYLOADS["script"]) in _norm("".join(finder.article))
    # Material shows search results as HTML: every title and text in the index has the content escaped.
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for value in (doc["title"], doc["text"]):
            assert not re.search(r"<(script|img|iframe|svg|a)\b", value, re.I), (doc["location"], value[:200])


@pytest.mark.slow
def test_hostile_metadata_and_module_titles(tmp_path):
    """handbuch.yml and module titles end up in the theme's header, footer, navigation and <title>."""
    tree = tmp_path / "tree"
    shutil.copytree(VALID, tree)
    script, img = PAYLOADS["script"], PAYLOADS["img-onerror"]
    meta = yaml.safe_load((tree / "handbuch.yml").read_text(encoding="utf-8"))
    meta.update(titel=f"Titel {script}", untertitel=f'Untertitel " {img}', herausgeber=f"Herausgeber {img}")
    meta["lizenz"].update(name=f"Lizenz {script}", url="javascript:alert(1)")
    meta["kontakt"]["rolle"] = f"Rolle {img} {{{{ 7*7 }}}}"
    _dump(tree / "handbuch.yml", meta)
    module = yaml.safe_load((tree / "modules/m2.yml").read_text(encoding="utf-8"))
    module["titel"] = f"Modul {script}"
    _dump(tree / "modules/m2.yml", module)
    site = build(tree, tmp_path / "site", pdfs=False, offline=False)
    for path in sorted(site.rglob("*.html")):
        assert_inert(parse(path), str(path.relative_to(site)))
    start = parse(site / "index.html")
    assert f"Titel {script}" in _norm("".join(start.article))
    assert f"Herausgeber {img}" in (site / "index.html").read_text(encoding="utf-8").replace("&lt;", "<").replace("&gt;", ">")
    contact = _norm("".join(parse(site / "datenschutz/index.html").article))
    assert "{{ 7*7 }}" in contact and "49" not in contact


def _pdf_text(path: Path) -> tuple[str, set]:
    from pypdf import PdfReader
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    return text, sizes


def _squash(text: str) -> str:
    """For comparing PDF text: line breaks, hyphenation, spaces, Unicode normal form and the typographic quotes
    and dashes of pandoc's typesetting (smart: "x" → „x“, -- → –) do not count."""
    text = unicodedata.normalize("NFC", text).replace("--", "–").replace("...", "…")
    text = re.sub("[„“”]", '"', re.sub("[‚‘’]", "'", text))
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


@pytest.mark.slow
@pytest.mark.pdf
def test_hostile_text_is_shown_literally_in_the_pdf(hostile):
    text, sizes = _pdf_text(hostile["pdf"])
    assert sizes == {(595, 842)}, f"Seitenformat verändert (Typst-Code aus dem Inhalt?): {sizes}"
    squashed = _squash(text)
    missing = []
    for name, payload in PAYLOADS.items():
        if name in ("rechts-nach-links",) + NOT_PRINTABLE:
            continue  # right-to-left: checked below, the extraction order differs from the source text
        if name == "lange-zeile":  # runs over several pages: running heads and page numbers come in between
            found = text.count("Zeile") // payload.count("Zeile")
        else:
            found = squashed.count(_squash(payload))
        if found < UNIT_FIELDS:
            missing.append(f"{name}: {found}×")
    assert missing == [], f"nicht wörtlich im PDF (erwartet je ≥ {UNIT_FIELDS}×): {missing}"
    assert "49" not in re.sub(r"\d{3,}", "", text.split("Fall 0")[0][-200:])
    for word in ("שלום", "مرحبا"):
        assert word in text or word[::-1] in text, f"{word!r} fehlt im PDF"


@pytest.mark.slow
@pytest.mark.pdf
def test_emoji_in_print(tmp_path):
    """Emoji print through the fallback fonts (Noto Color Emoji from Debian, installed by make)."""
    tree = _hostile_tree(tmp_path / "tree", {"emoji": PAYLOADS["emoji"]})
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree), "build", "-o", str(tmp_path / "site"),
                             "--ohne-offline"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    text, _ = _pdf_text(tmp_path / "site/downloads/modul-1.pdf")
    assert "Handschlag" in text and "🤝" in text


@pytest.mark.pdf
def test_a_character_no_print_font_has_gets_a_located_error(tmp_path):
    """Characters without a glyph in any print font (here CJK) stop the build with path:line:column."""
    tree = _hostile_tree(tmp_path / "tree", {"cjk": "Begriff 漢字 im Text"})
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "alt.html").write_text("vorher", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree), "build", "-o", str(tmp_path / "site"),
                             "--ohne-offline"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    located = [ln for ln in result.stderr.splitlines() if LOCATED.match(ln)]
    assert located and all("das Zeichen '漢' (U+6F22) kann im PDF nicht gedruckt werden" in ln for ln in located), result.stderr
    assert (tmp_path / "site" / "alt.html").read_text(encoding="utf-8") == "vorher"
    assert "site/ ist unverändert" in result.stderr


# --- errors instead of output ---------------------------------------------------------------------------

LOCATED = re.compile(r"^[\w./-]+:\d+:\d+: \S.*$")


def _figure(tree: Path, datei: str) -> None:
    module = yaml.safe_load((tree / "modules/m1.yml").read_text(encoding="utf-8"))
    module["einheiten"][0]["abbildungen"] = [{"datei": datei, "alt": "Ein Bild"}]
    _dump(tree / "modules/m1.yml", module)


def _pack(tree: Path, change) -> None:
    pack = yaml.safe_load((tree / "course_packs/testpaket.yml").read_text(encoding="utf-8"))
    change(pack)
    _dump(tree / "course_packs/testpaket.yml", pack)


def _only_breaks(pack: dict) -> None:
    for day in pack["tage"]:
        day["bloecke"] = [{"pause": 30}]


def _late(pack: dict) -> None:
    pack["tage"][0]["beginn"] = "22:30"


BROKEN = [
    pytest.param(lambda t: _figure(t, "../../etc/passwd"), "modules/m1.yml", "passwd", id="bild-passwd"),
    pytest.param(lambda t: _figure(t, "../../bilder/plan.png"), "modules/m1.yml", "Projektordner", id="bild-ausserhalb"),
    pytest.param(lambda t: _figure(t, "/etc/passwd"), "modules/m1.yml", "", id="bild-absolut"),
    pytest.param(lambda t: _figure(t, "bilder/gibt-es-nicht.png"), "modules/m1.yml", "gibt es nicht", id="bild-fehlt"),
    pytest.param(lambda t: _pack(t, _only_breaks), "course_packs/testpaket.yml", "keine einzige Einheit",
                 id="kurspaket-ohne-einheit"),
    pytest.param(lambda t: _pack(t, _late), "course_packs/testpaket.yml", "Mitternacht", id="tag-nach-mitternacht"),
]


@pytest.mark.parametrize("breakage, rel, words", BROKEN)
def test_bad_input_gives_a_located_german_error_and_exit_1(tree, tmp_path, breakage, rel, words):
    breakage(tree)
    out = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "handbook", "--root", str(tree), "build", "-o", str(out),
                             "--ohne-pdf", "--ohne-offline"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    located = [ln for ln in lines if LOCATED.match(ln)]
    assert located and all(ln.startswith(rel + ":") for ln in located), lines
    assert words in "\n".join(located)
    assert lines[-1] == "Build abgebrochen – site/ ist unverändert."
    assert not out.exists() and not list(tmp_path.glob(".site-*"))


# --- property tests: arbitrary Unicode in every text field ------------------------------------------------

CATALOG = load(VALID)
CASE = CATALOG.case_by_id["f-muell"]
SITE_CTX = render.Context(target="site", link=lambda i: f"../{i}/", term_link=lambda i: f"../../glossar/#{i}")

# Characters YAML can carry (no surrogates, no control characters but tab and newline), with the ones that
# mean something to Markdown, HTML, Jinja and Typst over-represented.
_SPECIAL = list("<>&*_`[](){}#!\\|$@%:;\"'=-+~^./\n\t ")
_TOKENS = ["<script>", "javascript:", "{{", "{%", "#set ", "]]", "[[", "<img src=x onerror=", "\n\n", "\n    "]
TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(_SPECIAL),
                          st.sampled_from(_TOKENS)), max_size=40).map("".join)
PLAIN_FIELDS = ("title", "region", "period")
MARKDOWN_FIELDS = ("situation", "course", "intervention", "outcome")
_ALLOWED_FROM_MARKDOWN = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "blockquote",
                          "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "abbr", "div",
                          "details", "summary", "span"}


def _case_html(case) -> str:
    return HtmlWriter().blocks(render.case_nodes(CATALOG, case, SITE_CTX))


def _structure(html: str) -> list:
    page = _Page()
    page.feed(f"<article>{html}</article>")
    return page


def _shape(page: _Page) -> list:
    return [(tag, sorted(k for k in attrs if k != "id")) for tag, attrs in page.elements]


def _vary(plain: dict | None = None, md: dict | None = None, people: str | None = None, lists: str | None = None):
    changes = {**(plain or {}), **(md or {})}
    if people is not None:
        changes["actors"] = [dataclasses.replace(a, role=people, interests=people, position=people or "x")
                             for a in CASE.actors]
    if lists is not None:
        changes["lessons"], changes["questions"] = [lists or "x"], [lists or "x"]
    return dataclasses.replace(CASE, **changes)


BASELINE = _structure(_case_html(_vary({f: "x" for f in PLAIN_FIELDS}, {f: "x" for f in MARKDOWN_FIELDS}, "x", "x")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, region=TEXT, period=TEXT, people=TEXT, lists=TEXT)
def test_plain_fields_never_change_the_markup(title, region, period, people, lists):
    title, region, period = title or "x", region or "x", period or "x"
    case = _vary({"title": title, "region": region, "period": period}, {f: "x" for f in MARKDOWN_FIELDS}, people, lists)
    page = _structure(_case_html(case))
    assert _shape(page) == _shape(BASELINE)
    text = _norm("".join(page.article))
    for value in (title, region, period, people, lists):
        assert _norm(value) in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situation=TEXT, course=TEXT, intervention=TEXT, outcome=TEXT)
def test_markdown_fields_add_only_harmless_markdown(situation, course, intervention, outcome):
    case = _vary({f: "x" for f in PLAIN_FIELDS},
                 {"situation": situation, "course": course, "intervention": intervention, "outcome": outcome})
    html = _case_html(case)
    page = _structure(html)
    assert_inert(page, "case_md")
    tags = [tag for tag, _ in page.elements]
    assert tags.count("h1") == 1
    assert set(tags) <= {t for t, _ in BASELINE.elements} | _ALLOWED_FROM_MARKDOWN, set(tags)
    # the section headings of the case are still all there, in order, at level 2
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    assert [re.sub(r"<[^>]+>|¶", "", x).strip() for x in h2] == [
        "Beteiligte", "Ausgangslage", "Verlauf", "Intervention", "Ergebnis", "Lernerfahrungen", "Reflexionsfragen"]
    assert "<img" not in html and "<script" not in html


# For the PDF: characters the print fonts have (Latin, Greek, Cyrillic; see test_emoji_in_print for the rest).
PRINT_TEXT = st.lists(st.one_of(st.characters(categories=("L", "M", "N", "P", "S", "Zs"), max_codepoint=0x24F),
                                st.characters(categories=("Lu", "Ll"), min_codepoint=0x391, max_codepoint=0x44F),
                                st.sampled_from(_SPECIAL), st.sampled_from(_TOKENS)), max_size=40).map("".join)


@pytest.mark.slow
@pytest.mark.pdf
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=PRINT_TEXT, situation=PRINT_TEXT, people=PRINT_TEXT)
def test_arbitrary_text_compiles_into_the_pdf(tmp_path, title, situation, people):
    case = _vary({"title": title or "x"}, {"situation": situation}, people, people)
    printer = pdf._Print(CATALOG, "trainer", ids=[case.id], terms=[])
    doc = pdf.Document(name="fall.pdf", title=case.title, subtitle="", kind_label="Fallstudie", edition="trainer",
                       author="Test", facts=[("Fall", case.title)],
                       nodes=render.case_nodes(CATALOG, case, printer.ctx, level=1))
    out = pdf.compile_pdf(CATALOG, doc, tmp_path / "fall.pdf")
    _, sizes = _pdf_text(out)
    assert sizes == {(595, 842)}
