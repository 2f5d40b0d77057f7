"""Content is data, by construction: every hostile construct in every text field is shown literally or refused.

A catalogue of constructs (HTML, attribute lists, fences, entities, template, Typst and pandoc syntax, link
schemes written many ways) goes into every text field of every content kind. The site is built for real and
every page is opened in Chromium: no handler may run, no element may carry an event attribute, no link a
scheme outside http/https/mailto; each construct must be visible as typed on the site, in the PDF and in the
DOCX. Constructs that cannot be shown safely (foreign link schemes, relative links, heading levels a field
does not use, unknown ids) are refused by ``check`` with a German message at the construct's line and column.
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook import pandoc_writer, render
from handbook import text as T
from handbook.build import build
from handbook.errors import ContentError
from handbook.html_writer import HtmlWriter
from handbook.loader import load

from browser import chromium, html_pages, serve
from conftest import VALID
from test_hardening import _hostile_case

FLAG = "window.__koko=1"
# name → (source as the author writes it, the text a reader must see)
SHOWN = {
    "attr-liste": (f'Absatz\n{{: autofocus onfocus="{FLAG}"}}', f'{{: autofocus onfocus="{FLAG}"}}'),
    "attr-liste-inline": (f'*kursiv*{{: onclick="{FLAG}"}}', f'{{: onclick="{FLAG}"}}'),
    "fence-backticks": (f"```\n<img src=x onerror={FLAG}>\n```", f"<img src=x onerror={FLAG}>"),
    "fence-tilden": (f"~~~html\n<script>{FLAG}</script>\n~~~", f"<script>{FLAG}</script>"),
    "backslash-backtick": (f"\\`<img src=x onerror={FLAG}>`", f"`<img src=x onerror={FLAG}>`"),
    "html-block": (f'<div onmouseover="{FLAG}">x</div>', f'<div onmouseover="{FLAG}">x</div>'),
    "html-inline": (f"a <b onclick={FLAG}>b</b>", f"a <b onclick={FLAG}>b</b>"),
    "svg": (f"<svg onload={FLAG}>", f"<svg onload={FLAG}>"),
    "iframe": (f"<iframe srcdoc='<script>parent.__koko=1</script>'></iframe>",
               "<iframe srcdoc='<script>parent.__koko=1</script>'></iframe>"),
    "entitaeten": ("&#60;script&#62;x&#60;/script&#62; &amp; &lt;b&gt;", "&#60;script&#62;x&#60;/script&#62; &amp; &lt;b&gt;"),
    "html-kommentar": ("<!-- versteckt --> sichtbar", "<!-- versteckt --> sichtbar"),
    "link-label-html": (f"[[m1-e1|<img src=x onerror={FLAG}>]]", f"<img src=x onerror={FLAG}>"),
    "referenz-im-zitat": (f"> [x]: javascript:{FLAG}\n>\n> [x]", f"[x]: javascript:{FLAG}"),
    "bild": ("![Bild](bild.png) und ![x](/etc/passwd)", "![Bild](bild.png) und ![x](/etc/passwd)"),
    "jinja": ("{{ 7*7 }} und {% include 'x' %}", "{{ 7*7 }} und {% include 'x' %}"),
    "typst": ('#set page(width: 1cm) #image("/etc/passwd") #eval("1+1")',
              '#set page(width: 1cm) #image("/etc/passwd") #eval("1+1")'),
    "pandoc-div": ("::: {.callout .loesung}\nGefälschte Lösung\n:::", "::: {.callout .loesung}"),
    "pandoc-anker": ("Text {#m1-e1}", "Text {#m1-e1}"),
    "pandoc-refs": ("::: {#refs}\n:::", "::: {#refs}"),
    "zitat": ("siehe @glasl2020 und [@glasl2020]", "siehe @glasl2020 und [@glasl2020]"),
    "mathe": ("$x^2$ und $$y$$ und \\(z\\)", "$x^2$ und $$y$$ und"),
    "fussnote": ("Text[^1] und ^hoch^ und ~tief~", "Text[^1] und ^hoch^ und ~tief~"),
    "raw-attribut": ("`<b>`{=html}", "{=html}"),
    "genderstern": ("Bürger*innen und Schüler*innen, 7*7", "Bürger*innen und Schüler*innen, 7*7"),
    "doppelpunkt": ("Teilnehmer:innen und Bürger:innen", "Teilnehmer:innen und Bürger:innen"),
}
SHOWN_IDS = list(SHOWN)
# name → (source, part of the German message); refused in Markdown fields (in plain fields they are text)
REFUSED = {
    "js-link": (f"[klick](javascript:{FLAG})", "Schema 'javascript:'"),
    "js-gross": ("[klick](JaVaScRiPt:alert(1))", "Schema 'JaVaScRiPt:'"),
    "js-klammern": (f"[a [b] c](javascript:{FLAG})", "Schema 'javascript:'"),
    "js-zwei-zeilen": (f"[Link\nüber zwei Zeilen](javascript:{FLAG})", "Schema 'javascript:'"),
    "js-code-label": (f"[`x`](javascript:{FLAG})", "Schema 'javascript:'"),
    "js-autolink": (f"<javascript:{FLAG}>", "Schema 'javascript:'"),
    "data-link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", "Schema 'data:'"),
    "vbscript": ("[x](vbscript:msgbox)", "Schema 'vbscript:'"),
    "relativ": ("[Anhang](anhang.pdf)", "relativer Link 'anhang.pdf'"),
    "relativ-pfad": ("[x](../../etc/passwd)", "relativer Link"),
    "ueberschrift-1": ("# Titel", "Überschrift der Ebene 1"),
    "ueberschrift-setext": ("Titel\n=====", "Überschrift der Ebene 1"),
    "ueberschrift-6": ("###### Titel", "Überschrift der Ebene 6"),
}
LOCATED = re.compile(r"^(\S+?):(\d+):(\d+): (.+)$")


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")


def _load_yaml(path: Path) -> dict:
    # libyaml, as the loader reads it (pure-Python PyYAML differs on a few flow sequences of the fixture)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _case(n: int, text: str) -> dict:
    """The hardening test's hostile case (the payload in every text field), under this test's id."""
    return {**_hostile_case(n, text), "id": f"f-x{n:02d}"}


CASE_FIELDS = 12  # titel, region, rolle, interessen, position, 4 story fields, 2 lists, verfahren


def _unit(n: int, text: str) -> dict:
    uid = f"m1-e{n + 10}"
    return {
        "id": uid, "titel": text, "dauer_min": 15, "lernziele": [text], "inhalt": text, "methoden": [text],
        "material": [text],
        "uebungen": [{"id": f"{uid}-u1", "titel": text, "dauer_min": 10, "sozialform": "Plenum", "aufgabe": text,
                      "loesungshinweis": text}],
        "trainerhinweise": text,
    }


UNIT_FIELDS = 9  # titel, lernziel, inhalt, methode, material, übungstitel, aufgabe, lösung, trainerhinweise


def _tree(dest: Path, payloads: dict[str, str]) -> Path:
    """The fixture tree with one case, one unit and one glossary term per payload; the imprint and module 2's
    description carry all of them; a two-day pack holds every new unit and case."""
    shutil.copytree(VALID, dest)
    module = _load_yaml(dest / "modules/m1.yml")
    glossary = _load_yaml(dest / "glossar.yml")
    units, cases = [], []
    for name, text in payloads.items():
        n = SHOWN_IDS.index(name)
        _dump(dest / f"case_studies/f-x{n:02d}.yml", _case(n, text))
        module["einheiten"].append(_unit(n, text))
        glossary["begriffe"].append({"id": f"begriff_{n}", "begriff": f"Begriff {n} {text}", "definition": text})
        units.append(f"m1-e{n + 10}")
        cases.append(f"f-x{n:02d}")
    _dump(dest / "modules/m1.yml", module)
    _dump(dest / "glossar.yml", glossary)
    meta = _load_yaml(dest / "handbuch.yml")
    meta["impressum"] = "\n\n".join(payloads.values())
    _dump(dest / "handbuch.yml", meta)
    m2 = _load_yaml(dest / "modules/m2.yml")
    m2["beschreibung"] = "\n\n".join(payloads.values())
    _dump(dest / "modules/m2.yml", m2)
    half = (len(units) + 1) // 2
    pack = {"id": "hostile", "titel": "Feindliches Paket", "ausgabe": "trainer",
            "veranstaltung": {"ort": "Raum", "trainer": ["Trainerin A"]},
            "tage": [{"datum": "2027-03-15", "beginn": "08:00", "bloecke": [{"einheit": u} for u in units[:half]]},
                     {"datum": "2027-03-16", "beginn": "08:00", "bloecke": [{"einheit": u} for u in units[half:]]}],
            "fallstudien": cases, "formate": ["pdf", "docx"]}
    _dump(dest / "course_packs/hostile.yml", pack)
    return dest


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _squash(text: str) -> str:
    """PDF/DOCX text comparison: line breaks, hyphenation, spaces and typographic quotes do not count."""
    text = unicodedata.normalize("NFC", text).replace("--", "–").replace("...", "…")
    text = re.sub("[„“”]", '"', re.sub("[‚‘’]", "'", text))
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("data")
    tree = _tree(base / "tree", {k: v[0] for k, v in SHOWN.items()})
    site = build(tree, base / "site", pdfs=False, offline=False)
    catalog = load(tree)
    from handbook import pdf
    module_pdf = pdf.build_module(catalog, "m1", "trainer", base / "modul-1.pdf")
    pack = catalog.packs[[p.id for p in catalog.packs].index("hostile")]
    docx = pdf.build_pack(catalog, pack, "docx", base / "paket.docx")
    return {"tree": tree, "site": site, "pdf": module_pdf, "docx": docx, "catalog": catalog}


# --- the site, in a real browser --------------------------------------------------------------------------

# Hover and focus everything a theme script might decorate (tooltips, previews): nothing may become markup.
_PROVOKE = """async () => {
  for (const el of document.querySelectorAll('a, abbr, [title], .md-nav__link, summary, th, td, h1, h2, h3')) {
    for (const type of ['mouseover', 'mouseenter', 'pointerenter']) el.dispatchEvent(new MouseEvent(type, {bubbles: type === 'mouseover'}));
    el.dispatchEvent(new FocusEvent('focus'));
    el.dispatchEvent(new FocusEvent('focusin', {bubbles: true}));
  }
  await new Promise(r => setTimeout(r, 400));
}"""

_INSPECT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'srcdoc', 'data'].includes(a.name.toLowerCase())) {
        const v = a.value.trim().toLowerCase();
        if (a.name === 'srcdoc' || /^(javascript|vbscript|data|file):/.test(v) && v !== 'javascript:void(0)')
          bad.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
      }
    }
  }
  for (const tag of ['iframe', 'object', 'embed', 'svg foreignObject']) {
    for (const el of document.querySelectorAll('article ' + tag)) bad.push('element ' + tag);
  }
  const article = document.querySelector('article');
  return {flag: window.__koko === 1 || (window.parent && window.parent.__koko === 1), bad,
          text: article ? article.textContent : ''};  // closed <details> (trainer blocks) count too
}"""


@pytest.mark.slow
@pytest.mark.browser
def test_no_construct_acts_on_any_page_in_chromium(hostile_build):
    site = hostile_build["site"]
    problems = []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in html_pages(site):
            page.goto(base + rel, wait_until="load")
            page.mouse.move(200, 300)
            page.evaluate(_PROVOKE)
            result = page.evaluate(_INSPECT)
            if result["flag"] or result["bad"]:
                problems.append((rel, result["flag"], result["bad"][:5]))
        assert not dialogs, dialogs
    assert problems == [], problems


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", SHOWN_IDS)
def test_each_construct_is_visible_as_typed_on_the_site(hostile_build, name):
    site = hostile_build["site"]
    n = SHOWN_IDS.index(name)
    visible = _norm(SHOWN[name][1])
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        counts = {}
        for rel, expected in [(f"fallstudien/f-x{n:02d}/", CASE_FIELDS), (f"module/m1/m1-e{n + 10}/", UNIT_FIELDS),
                              ("glossar/", 2), ("impressum/", 1), ("module/m2/", 1)]:
            page.goto(base + rel, wait_until="load")
            text = _norm(page.evaluate(_INSPECT)["text"])
            counts[rel] = (text.count(visible), expected)
    short = {rel: c for rel, c in counts.items() if c[0] < c[1]}
    assert short == {}, f"{visible[:60]!r} nicht wörtlich sichtbar (gefunden, erwartet): {short}"


def test_the_policy_admits_no_inline_script_from_content(hostile_build):
    from handbook import csp
    site = hostile_build["site"]
    csp.verify(site)  # the build did this too; every inline script is a template's
    bad = site / "fallstudien" / "index.html"
    original = bad.read_text(encoding="utf-8")
    try:
        bad.write_text(original.replace("</article>", f"<script>{FLAG}</script></article>"), encoding="utf-8")
        with pytest.raises(csp.PolicyError, match="Inline-Skript"):
            csp.verify(site)
        bad.write_text(original.replace("<article", '<article style="color: red"'), encoding="utf-8")
        with pytest.raises(csp.PolicyError, match="style-Attribut"):
            csp.policy(site)
    finally:
        bad.write_text(original, encoding="utf-8")


# --- print ------------------------------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _docx_text(path: Path) -> str:
    import pypandoc
    return subprocess.run([pypandoc.get_pandoc_path(), "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
@pytest.mark.pdf
def test_each_construct_is_literal_in_the_pdf_and_the_docx(hostile_build):
    pdf_text = _squash(_pdf_text(hostile_build["pdf"]))
    docx_text = _squash(_docx_text(hostile_build["docx"]))
    missing = []
    for name, (_, visible) in SHOWN.items():
        want = _squash(visible)
        # each unit carries it in nine fields, each case in twelve: the module PDF has unit and case
        if pdf_text.count(want) < UNIT_FIELDS:
            missing.append(f"PDF {name}: {pdf_text.count(want)}×")
        if docx_text.count(want) < UNIT_FIELDS:
            missing.append(f"DOCX {name}: {docx_text.count(want)}×")
    assert missing == [], missing
    # no fake solution box and no citation came from content: the only callouts are the renderer's
    assert "49" not in re.findall(r"\{\{ 7\*7 \}\}.{0,5}", _docx_text(hostile_build["docx"]))[0]


# --- refused, with the author's line and column -----------------------------------------------------------

MARKDOWN_FIELDS = [
    ("modules/m1.yml", ("einheiten", 0, "inhalt")),
    ("modules/m1.yml", ("einheiten", 0, "trainerhinweise")),
    ("modules/m1.yml", ("einheiten", 0, "uebungen", 0, "aufgabe")),
    ("modules/m1.yml", ("einheiten", 0, "uebungen", 0, "loesungshinweis")),
    ("modules/m2.yml", ("beschreibung",)),
    ("case_studies/f-muell.yml", ("ausgangslage",)),
    ("case_studies/f-muell.yml", ("verlauf",)),
    ("case_studies/f-muell.yml", ("intervention",)),
    ("case_studies/f-muell.yml", ("ergebnis",)),
    ("glossar.yml", ("begriffe", 0, "definition")),
    ("handbuch.yml", ("impressum",)),
]


def _set(data, path, value):
    for p in path[:-1]:
        data = data[p]
    data[path[-1]] = value


@pytest.mark.parametrize("name", list(REFUSED))
@pytest.mark.parametrize("where", MARKDOWN_FIELDS, ids=lambda w: w[0].split("/")[-1] + ":" + str(w[1][-1]))
def test_refused_constructs_get_a_located_german_error(tmp_path, name, where):
    source, message = REFUSED[name]
    tree = tmp_path / "tree"
    shutil.copytree(VALID, tree)
    rel, path = where
    data = _load_yaml(tree / rel)
    text = f"Ein Satz davor.\n\n{source}\n\nEin Satz danach."
    _set(data, path, text)
    _dump(tree / rel, data)
    with pytest.raises(ContentError) as info:
        load(tree)
    problems = [p for p in info.value.problems if p.path == rel and message in p.message]
    assert problems, [str(p) for p in info.value.problems]
    line = (tree / rel).read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    key = path[-1]
    assert problems[0].message.startswith(f"{key}: ")
    # the reported line holds the construct (its first line, or for a link over two lines its target)
    pieces = [source.splitlines()[0][:8]] + [part[:10] for part in re.findall(r"\]\(([^)]*)", source)]
    assert any(piece in line for piece in pieces), (line, str(problems[0]))


def test_a_refused_link_is_never_a_link_even_if_rendered():
    tree = T.parse_markdown(f"[klick](javascript:{FLAG}) und [x](anhang.pdf)")
    html = HtmlWriter().blocks(render.rich(tree, render.Context(target="site")))
    assert "<a" not in html and "klick" in html and len(tree.issues) == 2


def test_unknown_item_link_is_refused_at_its_place(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(VALID, tree)
    data = _load_yaml(tree / "case_studies/f-muell.yml")
    data["lernerfahrungen"] = ["Siehe [[gibt-es-nicht]] im Text."]
    _dump(tree / "case_studies/f-muell.yml", data)
    with pytest.raises(ContentError) as info:
        load(tree)
    assert any("unbekannte Kennung 'gibt-es-nicht'" in p.message and p.path == "case_studies/f-muell.yml"
               for p in info.value.problems)


# --- one tree, three outputs: the same visible text ---------------------------------------------------------

_SPECIAL = list("<>&*_`[](){}#!\\|$@%:;\"'=-+~^./ ")
_TOKENS = ["<script>", "javascript:", "{{", "{%", "#set ", "]]", "[[", "<img src=x onerror=", "{: #x }", "::: ",
           "@key", "$$", "&amp;", "\\`", "**", "__"]
PLAIN = st.lists(st.one_of(st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x24F),
                           st.sampled_from(_SPECIAL), st.sampled_from(_TOKENS)), min_size=1, max_size=30).map("".join)


def _html_text(markup: str) -> str:
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out = []

        def handle_data(self, data):
            self.out.append(data)

        def handle_starttag(self, tag, attrs):
            assert not any(k.startswith("on") for k, _ in attrs)

    p = P()
    p.feed(markup)
    return "".join(p.out)


@settings(max_examples=200, deadline=None)
@given(st.lists(PLAIN, min_size=1, max_size=5))
def test_plain_fields_show_exactly_their_text_on_the_site(values):
    writer = HtmlWriter()
    for value in values:
        if "[[" in value and T.LINK.search(value):
            continue  # a real [[id]] link is the one construct of plain fields
        html = writer.inlines(render.inl(value, render.Context(target="site")))
        assert _html_text(html) == value


@pytest.mark.slow
@pytest.mark.pdf
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(PLAIN, min_size=3, max_size=8), st.lists(PLAIN, min_size=1, max_size=4))
def test_the_same_visible_text_on_site_pdf_and_docx(tmp_path, plains, markdowns):
    """Plain fields: exactly their text everywhere. Markdown fields: the tree's visible text everywhere."""
    plains = [p for p in plains if not T.LINK.search(p)] or ["x"]
    md_trees = [T.parse_markdown(m.replace("\n", " ")) for m in markdowns]
    md_trees = [t for t in md_trees if not t.issues] or [T.parse_markdown("x")]
    ctx = render.Context(target="print")
    nodes = [render.h(1, "Test")]
    for p in plains:
        nodes.append(T.Para(render.inl(p, ctx)))
    for tree in md_trees:
        nodes += list(render.rich(tree, ctx))
    expected = [_squash(p) for p in plains] + [_squash(T.plain_text(t.blocks)) for t in md_trees]
    site = _squash(_html_text(HtmlWriter().blocks(nodes)))
    from handbook import pdf
    catalog = load(VALID)
    doc = pdf.Document(name="t.pdf", title="Test", subtitle="", kind_label="Test", edition="teilnehmende",
                       author="Test", facts=[], nodes=nodes)
    out = pdf.compile_pdf(catalog, doc, tmp_path / "t.pdf")
    printed = _squash(_pdf_text(out))
    docx = _squash(_docx_text(pdf.compile_docx(catalog, doc, tmp_path / "t.docx")))
    for want in expected:
        if not want:
            continue
        assert want in site, ("site", want)
        assert want in printed, ("pdf", want)
        assert want in docx, ("docx", want)


def test_list_items_keep_the_spaces_around_links():
    catalog = load(VALID)
    term = catalog.glossary[0]
    ctx = render.Context(target="site", term_link=lambda t: f"#{t}")
    html = HtmlWriter().blocks([render.bullets([f"das [[{term.id}]] braucht"], ctx, catalog=catalog)])
    assert f'das <a href="#{term.id}">' in html and "</a> braucht" in html
    printed = pandoc_writer.blocks([render.bullets([f"das [[{term.id}]] braucht"], ctx, catalog=catalog)])
    flat = str(printed)
    assert flat.count("'Space'") >= 2
