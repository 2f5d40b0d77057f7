"""The website: pages generated from the catalogue, navigation, case finder, downloads.

MkDocs calls in through ``handbook/mkdocs_hooks.py`` and mkdocs-macros through ``macros.py``; both get the
catalogue from :func:`catalog_for`, so content is loaded once per build. Generated pages carry
``render_macros: false``: content is never evaluated as a Jinja template.
"""
from __future__ import annotations

import functools
import html
import json
import logging
import os
import posixpath
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

from . import render
from . import text as T
from .errors import ContentError
from .html_writer import HtmlWriter
from .loader import load
from .model import Catalog, CaseStudy
from .render_nodes import Cite, Figure

log = logging.getLogger("mkdocs.plugins.handbook")

ROOT = Path(__file__).resolve().parent.parent
FRONT = "---\nrender_macros: false\n---\n\n"


@dataclass
class _State:
    config: object = None
    catalog: Catalog | None = None
    handoff: Catalog | None = None  # set by the build command, which has loaded the content already
    downloads: Path | None = None  # folder of built PDFs/DOCX/zip to publish under downloads/
    offline: bool = False
    pages: dict = field(default_factory=dict)
    fragments: list = field(default_factory=list)
    bibliography: Future | None = None


STATE = _State()
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="koko-bibliography")


def hand_over(catalog: Catalog, downloads: Path | None, *, offline: bool = False) -> None:
    """Give the next MkDocs build an already loaded catalogue and the folder of downloads to publish."""
    STATE.handoff, STATE.downloads, STATE.offline = catalog, downloads, offline


def catalog_for(config) -> Catalog:
    """The catalogue of this build: loaded once, whoever asks first (macros or hooks)."""
    if STATE.config is config and STATE.catalog is not None:
        return STATE.catalog
    if STATE.handoff is not None:
        catalog = STATE.handoff
    else:
        # KOKO_CONTENT_ROOT: serve another content tree with the project's site (`mkdocs serve`, benchmark).
        root = Path(os.environ.get("KOKO_CONTENT_ROOT") or
                    (Path(config.config_file_path).resolve().parent if config.config_file_path else ROOT))
        from . import preview
        try:
            catalog = load(root)
            preview.remember(catalog)
        except ContentError as exc:
            catalog = preview.last_good(exc)  # `make serve`: keep the last good content, show the errors
            if catalog is None:
                raise PluginError("Die Inhalte enthalten Fehler:\n" + exc.report()) from None
    STATE.config, STATE.catalog = config, catalog
    STATE.fragments = []  # a new build: placeholders are handed out afresh (macros ask first, in on_config)
    # The literature page needs one pandoc run: start it now, so it runs while the other pages are generated.
    from . import bibliography
    STATE.bibliography = _BACKGROUND.submit(bibliography.html, catalog)
    return catalog


# --- locations --------------------------------------------------------------------------------------------

def module_src(module_id: str) -> str:
    return f"module/{module_id}/index.md"


def unit_src(unit_id: str) -> str:
    return f"module/{unit_id.split('-')[0]}/{unit_id}.md"


def case_src(case_id: str) -> str:
    return f"fallstudien/{case_id}.md"


def material_src(material_id: str) -> str:
    return f"materialien/{material_id}.md"


MATERIALS = "materialien/index.md"


def topic_src(topic_id: str) -> str:
    return f"themen/{topic_id}.md"


GLOSSARY, LITERATURE, FINDER, TOPICS, DOWNLOADS = ("glossar.md", "literatur.md", "fallstudien/index.md",
                                                   "themen/index.md", "downloads.md")


def src_of(catalog: Catalog, item_id: str) -> tuple[str, str] | None:
    """(page, anchor) of an item on the site."""
    if item_id in catalog.module_by_id:
        return module_src(item_id), ""
    if item_id in catalog.units:
        return unit_src(item_id), ""
    if item_id in catalog.case_by_id:
        return case_src(item_id), ""
    if item_id in catalog.term_by_id:
        return GLOSSARY, item_id
    if item_id in catalog.exercises:
        return unit_src(catalog.exercises[item_id].unit_id), item_id
    if item_id in catalog.material_by_id:
        return material_src(item_id), ""
    return None


def md_link(from_src: str, to_src: str, anchor: str = "") -> str:
    """A relative Markdown link between two source files; MkDocs turns it into the page URL and checks it."""
    rel = posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)
def page_url(src: str, directory_urls: bool) -> str:
    """The URL (relative to the site root) MkDocs gives a source file."""
    p = PurePosixPath(src)
    if not directory_urls:
        return str(p.with_suffix(".html"))
    if p.name == "index.md":
        return str(p.parent) + "/" if str(p.parent) != "." else ""
    return str(p.with_suffix("")) + "/"


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for the site's own normalised relative paths (no '..', no '.' parts), without its cost."""
    t = [p for p in target.split("/") if p]
    b = [p for p in start.split("/") if p and p != "."]
    i = 0
    while i < len(t) and i < len(b) and t[i] == b[i]:
        i += 1
    parts = [".."] * (len(b) - i) + t[i:]
    return "/".join(parts) or "."


@functools.lru_cache(maxsize=65536)
def html_link(from_src: str, to_src: str, directory_urls: bool) -> str:
    """A relative URL for raw HTML, where MkDocs rewrites nothing."""
    base = page_url(from_src, directory_urls)
    base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
    target = page_url(to_src, directory_urls) or "./"
    rel = _relpath(target, base_dir.rstrip("/") or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel if directory_urls or rel != "." else "index.html"


def context(catalog: Catalog, page_src: str, directory_urls: bool = True) -> render.Context:
    """Render context for one page of the site (links relative to that page, as final URLs)."""
    def link(item_id: str) -> str | None:
        where = src_of(catalog, item_id)
        if not where:
            return None
        url = html_link(page_src, where[0], directory_urls)
        return url + (f"#{where[1]}" if where[1] else "")

    def term_link(term_id: str) -> str | None:
        return html_link(page_src, GLOSSARY, directory_urls) + f"#{term_id}" if term_id in catalog.term_by_id else None

    def cite(ids: list[str]) -> Cite:
        lit = html_link(page_src, LITERATURE, directory_urls)
        items = tuple((T.Para((T.Link(f"{lit}#ref-{rid}", (T.Text(short_citation(catalog, rid)),)),)),) for rid in ids)
        return Cite(tuple(ids), (T.BulletList(items),))

    def figure(fig) -> Figure | None:
        caption = render.inl(fig.caption, None, catalog) if fig.caption else ()
        diagram = getattr(fig, "diagram", "")
        if diagram:
            from . import diagrams  # drawn by the project from data (materials and figures issue)
            return Figure("", render.plain(fig.alt), caption, svg=diagrams.diagram_svg(catalog, diagram),
                          description=tuple(diagrams.text_alternative(catalog, diagram)))
        return Figure(static_link(page_src, fig.file, directory_urls), render.plain(fig.alt), caption)

    return render.Context(target="site", edition="trainer", link=link, cite=cite, term_link=term_link, figure=figure)


def static_link(from_src: str, path: str, directory_urls: bool) -> str:
    """A relative URL from a page to a file published at ``path`` below the site root."""
    base = page_url(from_src, directory_urls)
    base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
    return posixpath.relpath(path, base_dir.rstrip("/") or ".")


def short_citation(catalog: Catalog, ref_id: str) -> str:
    """``Glasl (2020): Konfliktmanagement`` from the CSL item."""
    csl = catalog.reference_by_id[ref_id].csl
    people = csl.get("author") or csl.get("editor") or []
    names = [str(p.get("family") or p.get("literal", "")) for p in people if isinstance(p, dict)]
    who = names[0] + (" u. a." if len(names) > 2 else f" und {names[1]}" if len(names) == 2 else "") if names else ""
    parts = (csl.get("issued", {}) or {}).get("date-parts") or [[""]]
    year = parts[0][0] if parts and parts[0] else ""
    return f"{who} ({year}): {csl.get('title', '')}"


# --- pages ------------------------------------------------------------------------------------------------

@dataclass
class PageHtml:
    """A generated page: its title (plain text), its HTML and its table of contents (MkDocs toc tokens)."""

    title: str
    html: str
    toc: list


def abbreviation_map(catalog: Catalog) -> dict[str, str]:
    """Glossary abbreviations → the term, explained on hover on the generated pages.

    Only abbreviations with a capital letter or a digit: an ordinary word given as an abbreviation ("die")
    would mark every occurrence of it on every page.
    """
    out = {}
    for term in catalog.glossary:
        abbr = " ".join(render.plain(term.abbreviation).split())
        if abbr and any(c.isupper() or c.isdigit() for c in abbr):
            out[abbr] = render.plain(term.term, catalog)
    return out


def _page(catalog: Catalog, nodes: list, *, title: str = "", before: str = "", after: str = "",
          abbreviations: dict[str, str] | None = None) -> PageHtml:
    if abbreviations is None:
        abbreviations = abbreviation_map(catalog)
    writer = HtmlWriter(abbreviations=abbreviations, toc_levels=(1, 3))
    body = writer.blocks(nodes)
    return PageHtml(title or writer.title, before + body + after, writer.toc_tokens())


def generated_pages(catalog: Catalog, directory_urls: bool = True) -> dict[str, PageHtml]:
    """Every page that follows from content: source path → its HTML, written from the content tree."""
    pages: dict[str, PageHtml] = {}
    abbreviations = abbreviation_map(catalog)  # once per build, not once per page

    def page(catalog: Catalog, nodes: list, **kw) -> PageHtml:
        return _page(catalog, nodes, abbreviations=abbreviations, **kw)
    for module in catalog.modules:
        src = module_src(module.id)
        ctx = context(catalog, src, directory_urls)
        pages[src] = page(catalog, render.module_overview_nodes(catalog, module, ctx), after=_json_ld(catalog, module))
        for unit in module.units:
            usrc = unit_src(unit.id)
            pages[usrc] = page(catalog, render.unit_nodes(catalog, unit, context(catalog, usrc, directory_urls)),
                                before=_print_bar())
    for case in catalog.cases:
        src = case_src(case.id)
        pages[src] = page(catalog, render.case_nodes(catalog, case, context(catalog, src, directory_urls)),
                           before=_print_bar())
    if catalog.materials:
        from . import materials
        for material in catalog.materials:
            src = material_src(material.id)
            pages[src] = page(catalog, materials.material_nodes(catalog, material, context(catalog, src, directory_urls)),
                               before=_print_bar())
        pages[MATERIALS] = PageHtml("Materialien", materials_index_html(catalog, directory_urls), [])
    pages[FINDER] = PageHtml("Fallfinder", finder_md(catalog, directory_urls), [])
    pages[TOPICS] = page(catalog, topics_index_nodes(catalog, directory_urls))
    for topic_id in catalog.vocabulary.topics:
        pages[topic_src(topic_id)] = page(catalog, topic_nodes(catalog, topic_id, directory_urls))
    gctx = context(catalog, GLOSSARY, directory_urls)
    pages[GLOSSARY] = page(catalog, [render.h(1, "Glossar")] + render.glossary_nodes(catalog, gctx, level=2))
    pages[LITERATURE] = literature_page(catalog)  # last: its pandoc run has been going on meanwhile
    return pages


def _print_bar() -> str:
    # Choose the edition before printing (the participants' edition hides trainer blocks); koko.js makes the
    # buttons work. Written into the page, so nothing moves when the script runs; without JavaScript
    # (no class koko-js on <html>, overrides/main.html) koko.css hides it.
    return ('<div class="koko-druck" data-koko-druck data-search-exclude><span class="koko-druck__label">Diese Seite drucken:</span> '
            '<button type="button" class="md-button" data-ausgabe="teilnehmende">Ausgabe für Teilnehmende</button> '
            '<button type="button" class="md-button" data-ausgabe="trainer">Ausgabe für Trainer:innen</button></div>\n')


def _json_ld(catalog: Catalog, module) -> str:
    """OER metadata (schema.org LearningResource, compatible with the AMB profile) for a module page."""
    meta = catalog.meta
    p = lambda s: render.plain(s, catalog)
    data = {
        "@context": ["https://w3id.org/kim/amb/context.jsonld", {"@language": "de"}],
        "type": "LearningResource",
        "id": f"urn:koko-handbuch:modul:{module.id}",
        "name": f"Modul {module.number}: {p(module.title)}",
        "description": T.plain_text(T.blocks_of(module.description), label=lambda t: render.title_of(catalog, t))[:500],
        "inLanguage": ["de"],
        "license": {"id": meta.licence.url or str(meta.licence.spdx)},
        "timeRequired": f"PT{module.minutes // 60}H{module.minutes % 60}M" if module.minutes % 60 else f"PT{module.minutes // 60}H",
        "teaches": [{"prefLabel": {"de": p(o)}} for o in module.objectives],
        "learningResourceType": [{"id": "http://w3id.org/kim/hcrt/course", "prefLabel": {"de": "Kurs"}}],
        "audience": [{"id": "http://purl.org/dcx/lrmi-vocabs/educationalAudienceRole/professional",
                      "prefLabel": {"de": "Fachkraft"}}],
        "publisher": [{"type": "Organization", "name": p(meta.editor)}],
        "datePublished": meta.edition.isoformat(),
        "hasPart": [{"type": "LearningResource", "name": p(u.title), "timeRequired": f"PT{u.minutes}M"} for u in module.units],
    }
    return f'\n<script type="application/ld+json">{script_json(data)}</script>\n'


def script_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: it can never end the element or become markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


FINDER_COLUMNS = ("Fallstudie", "Konstellation", "Themen", "Stufe", "Module", "Kommune")


def _case_row(catalog: Catalog, case: CaseStudy, directory_urls: bool) -> str:
    v = catalog.vocabulary
    e = html.escape
    link = html_link(FINDER, case_src(case.id), directory_urls)
    topics = ", ".join(e(v.topics[t].name) for t in case.topics)
    modules = ", ".join(f"M{catalog.module_by_id[m].number}" for m in case.modules)
    cells = [f'<a href="{e(link)}">{e(render.plain(case.title, catalog))}</a>', e(v.constellations[case.constellation].name),
             topics, f"{case.escalation_stage}", modules, e(v.municipality_types[case.municipality_type].name)]
    # data-label: the column header, shown beside each value when a phone stacks the row as a card (koko.css).
    tds = "\n".join(f'<td data-label="{label}">{cell}</td>' for label, cell in zip(FINDER_COLUMNS, cells))
    return (f'<tr data-thema="{e(" ".join(case.topics))}" data-konstellation="{e(case.constellation)}" '
            f'data-stufe="{case.escalation_stage}" data-modul="{e(" ".join(case.modules))}">\n{tds}\n</tr>')


def finder_md(catalog: Catalog, directory_urls: bool = True) -> str:
    """The case finder: a complete table; koko.js adds the filters with counts, disables combinations that
    match nothing and says which filter to loosen (without JavaScript the table stays whole)."""
    v = catalog.vocabulary
    e = html.escape

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{e(val)}">{e(text)}</option>' for val, text in options)
        return (f'<div class="koko-filter"><label for="filter-{name}">{label}</label>'
                f'<select id="filter-{name}" name="{name}"><option value="">alle</option>{opts}</select></div>')

    used_topics = [t for t in v.topics if any(t in c.topics for c in catalog.cases)]
    used_stages = sorted({c.escalation_stage for c in catalog.cases})
    # A group of filters, not a form to submit: they apply as they change (a <form> without submit button
    # is an HTML_CodeSniffer error, H32.2).
    form = ('<div class="koko-fallfinder-filter" data-koko-fallfinder hidden role="search" aria-label="Fallstudien filtern">'
            + select("thema", "Konfliktthema", [(t, v.topics[t].name) for t in used_topics])
            + select("konstellation", "Konstellation", [(k, n.name) for k, n in v.constellations.items()])
            + select("stufe", "Eskalationsstufe", [(str(s), f"{s} – {v.stages[s].name}") for s in used_stages])
            + select("modul", "Modul", [(m.id, f"Modul {m.number}: {render.plain(m.title)}") for m in catalog.modules])
            + '<button type="button" class="md-button" data-koko-zuruecksetzen>Filter zurücksetzen</button></div>')
    rows = "\n".join(_case_row(catalog, c, directory_urls) for c in catalog.cases)
    n = len(catalog.cases)
    heads = "".join(f'<th scope="col">{h}</th>' for h in FINDER_COLUMNS)
    # The table is left out of the search index (data-search-exclude): every case has its own page, and
    # table cells would run together into one snippet.
    imprint = html_link(FINDER, "impressum.md", directory_urls)
    # No absolute promise: anonymity is a risk assessment (recital 26 GDPR), so the page says what was done and
    # where to report a case someone believes to recognise (review 3, finding 4).
    return (f'<h1 id="fallfinder">Fallfinder</h1>\n<p>Der Fallfinder listet alle {n} Fallstudien. '
            "Filtern Sie nach Konfliktthema, Konstellation, Eskalationsstufe nach Glasl oder Modul. Alle Fälle sind für "
            "dieses Handbuch aus typischen Konfliktmustern zusammengesetzt und so verfremdet, dass nach unserer Prüfung "
            "keine Person und keine Kommune erkennbar ist. Sollten Sie dennoch eine Person oder Kommune wiederzuerkennen "
            f'meinen, melden Sie es bitte der Redaktion (Kontakt im <a href="{e(imprint)}">Impressum</a>).</p>\n'
            f"{form}\n\n<p class=\"koko-treffer\" aria-live=\"polite\" data-koko-treffer>{n} Fallstudien</p>\n\n"
            '<div class="koko-leer" data-koko-leer hidden></div>\n\n'
            '<div class="koko-tabelle koko-fallfinder" data-search-exclude><table data-koko-falltabelle>'
            "<caption>Fallstudien mit Konstellation, Themen, Eskalationsstufe und Modulen</caption>"
            f"<thead><tr>{heads}</tr></thead>"
            f"<tbody>\n{rows}\n</tbody></table></div>\n")


def materials_index_html(catalog: Catalog, directory_urls: bool = True) -> str:
    """The materials: a complete table; koko.js adds the filters by kind and module (as in the case finder)."""
    from .model import MATERIAL_KINDS
    e = html.escape

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{e(val)}">{e(text)}</option>' for val, text in options)
        return (f'<div class="koko-filter"><label for="filter-{name}">{label}</label>'
                f'<select id="filter-{name}" name="{name}"><option value="">alle</option>{opts}</select></div>')

    kinds = [k for k in MATERIAL_KINDS if any(m.kind == k for m in catalog.materials)]
    # a group of filters like the Fallfinder's (no <form> without a submit button: HTML_CodeSniffer H32.2)
    form = ('<div class="koko-fallfinder-filter" data-koko-fallfinder hidden role="search" aria-label="Materialien filtern">'
            + select("art", "Art", [(k, MATERIAL_KINDS[k]) for k in kinds])
            + select("modul", "Modul", [(m.id, f"Modul {m.number}: {render.plain(m.title)}") for m in catalog.modules])
            + '<button type="button" class="md-button" data-koko-zuruecksetzen>Filter zurücksetzen</button></div>')
    rows = []
    for m in sorted(catalog.materials, key=lambda m: (min(catalog.module_by_id[x].number for x in m.modules),
                                                      list(MATERIAL_KINDS).index(m.kind), render.plain(m.title))):
        link = html_link(MATERIALS, material_src(m.id), directory_urls)
        modules = ", ".join(f"M{catalog.module_by_id[x].number}" for x in m.modules)
        users = ", ".join(render.unit_number(catalog, catalog.units[u.id] if u.id in catalog.units
                                             else catalog.units[u.unit_id]) for u in catalog.users_of_material(m.id))
        rows.append(f'<tr data-art="{e(m.kind)}" data-modul="{e(" ".join(m.modules))}">'
                    f'<td><a href="{e(link)}">{e(render.plain(m.title, catalog))}</a></td><td>{e(m.kind_name)}</td>'
                    f'<td>{e(modules)}</td><td>{e(", ".join(dict.fromkeys(users.split(", "))))}</td></tr>')
    n = len(catalog.materials)
    return ('<h1 id="materialien">Materialien</h1>\n<p>Arbeitsblätter, Rollenkarten, Checklisten, Handouts, '
            "Evaluationsbögen und Vorlagen, die in den Einheiten eingesetzt werden. Jede Seite lässt sich als "
            "Kopiervorlage drucken; Rollenkarten kommen je auf ein eigenes Blatt. Vertrauliche Teile von Rollenkarten "
            "und Hinweise für Trainer:innen stehen in den eingeklappten Blöcken für Trainer:innen. Die Kopiervorlagen "
            "je Modul gibt es unter Downloads als PDF.</p>\n"
            f"{form}\n\n<p class=\"koko-treffer\" aria-live=\"polite\" data-koko-treffer data-koko-noun=\"Materialien\">"
            f"{n} Materialien</p>\n\n"
            '<div class="md-typeset__scrollwrap"><div class="md-typeset__table koko-fallfinder"><table data-koko-falltabelle>'
            "<caption>Materialien mit Art, Modulen und den Einheiten, in denen sie eingesetzt werden</caption>"
            '<thead><tr><th scope="col">Material</th><th scope="col">Art</th><th scope="col">Module</th>'
            '<th scope="col">Einheiten</th></tr></thead>'
            f"<tbody>\n{chr(10).join(rows)}\n</tbody></table></div></div>\n")


def topics_index_nodes(catalog: Catalog, directory_urls: bool = True) -> list:
    rows = []
    for tid, topic in catalog.vocabulary.topics.items():
        count = sum(tid in c.topics for c in catalog.cases)
        rows.append([(T.Link(html_link(TOPICS, topic_src(tid), directory_urls), render.inl(topic.name)),),
                     (T.Text(str(count)),)])
    return [render.h(1, "Themen"), render.para("Die Konfliktthemen der Fallstudien. Jede Themenseite listet ihre Fälle."),
            render.table(["Thema", "Fallstudien"], rows)]


def topic_nodes(catalog: Catalog, topic_id: str, directory_urls: bool = True) -> list:
    v = catalog.vocabulary
    src = topic_src(topic_id)
    cases = [c for c in catalog.cases if topic_id in c.topics]
    nodes: list = [render.h(1, render.inl(v.topics[topic_id].name))]
    if not cases:
        nodes.append(render.para("Zu diesem Thema gibt es noch keine veröffentlichte Fallstudie."))
    else:
        items = tuple((T.Para((T.Link(html_link(src, case_src(c.id), directory_urls), render.inl(c.title, None, catalog)),
                                T.Text(f" – {render.plain(v.constellations[c.constellation].name)}, "
                                       f"Eskalationsstufe {c.escalation_stage}"))),) for c in cases)
        nodes.append(T.BulletList(items))
    nodes.append(render.para(T.Link(html_link(src, FINDER, directory_urls), (T.Text("Zum Fallfinder"),))))
    return nodes


def literature_page(catalog: Catalog) -> PageHtml:
    """The bibliography, formatted by pandoc citeproc from the same CSL data as the PDF."""
    from . import bibliography
    started = STATE.bibliography if STATE.catalog is catalog else None
    formatted = started.result() if started is not None else bibliography.html(catalog)
    head = _page(catalog, [render.h(1, "Literatur"), render.para(
        "Die Literaturangaben des Handbuchs. Die Einheiten verweisen auf die Titel, die sie vertiefen.")])
    # pandoc's HTML writer escapes every CSL value; the items carry the anchors ref-<id>
    return PageHtml("Literatur", head.html + "\n" + formatted, head.toc)


# --- downloads --------------------------------------------------------------------------------------------

DOWNLOAD_LABELS = [
    ("handbuch.pdf", "Handbuch (PDF), Ausgabe für Teilnehmende"),
    ("handbuch-trainer.pdf", "Handbuch (PDF), Ausgabe für Trainer:innen"),
]


def download_entries(catalog: Catalog, folder: Path | None) -> list[tuple[str, str, int]]:
    """(file name, label, size in bytes) of every download that exists, in a fixed order."""
    if folder is None or not folder.is_dir():
        return []
    wanted = list(DOWNLOAD_LABELS)
    wanted += [(f"modul-{m.number}.pdf", f"Modul {m.number}: {m.title} (PDF)") for m in catalog.modules]
    wanted += [(f"kopiervorlagen-modul-{m.number}.pdf", f"Kopiervorlagen Modul {m.number}: Arbeitsblätter, Rollenkarten, "
                f"Checklisten und Bögen (PDF)") for m in catalog.modules]
    from .pdf import case_volumes  # the print plan decides whether the cases come in volumes
    wanted += [(v.file, f"{v.title} ({len(v.cases)} Fälle, PDF)") for v in case_volumes(catalog)]
    for pack in catalog.packs:  # only packs with veroeffentlichen: true are published (see pdf.build_all)
        if not pack.publish:
            continue
        for edition in pack.editions:
            who = "Trainer:innen" if edition == "trainer" else "Teilnehmende"
            wanted.append((pack.file_name(edition, "pdf"), f"Kurspaket „{pack.title}“ (PDF, Ausgabe für {who})"))
            wanted.append((pack.file_name(edition, "docx"), f"Kurspaket „{pack.title}“ (Word, Ausgabe für {who})"))
    wanted.append(("koko-handbuch-offline.zip", "Offline-Fassung der Website (ZIP, für Seminarräume ohne Netz)"))
    return [(name, label, (folder / name).stat().st_size) for name, label in wanted if (folder / name).is_file()]


def size_de(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def downloads_html(catalog: Catalog, from_src: str = DOWNLOADS, directory_urls: bool = True) -> str:
    """The table of downloads (HTML written here; labels are escaped text)."""
    entries = download_entries(catalog, STATE.downloads)
    e = html.escape
    if not entries:
        return ("<p><em>In dieser Vorschau sind keine Downloads gebaut. <code>make build</code> erzeugt das Handbuch als "
                "PDF, die Module, die Kurspakete und die Offline-Fassung.</em></p>")
    rows = []
    for name, label, size in entries:
        if STATE.offline and name.endswith(".zip"):
            continue
        url = static_link(from_src, f"downloads/{name}", directory_urls)
        rows.append(f'<tr><td><a href="{e(url)}">{e(render.plain(label, catalog))}</a></td>'
                    f"<td>{e(catalog.meta.edition_de)}</td><td>{e(size_de(size))}</td></tr>")
    return ('<table><thead><tr><th scope="col">Datei</th><th scope="col">Stand</th><th scope="col">Größe</th></tr></thead>'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def download_files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not (STATE.offline and p.suffix == ".zip"))


# --- navigation -------------------------------------------------------------------------------------------

def nav(catalog: Catalog, exists=lambda src: True) -> list:
    """The navigation: derived from the content; hand-written pages appear where their file exists."""
    def pages(items: list[tuple[str, str]]) -> list:
        return [{title: src} for title, src in items if exists(src)]
    modules = []
    for m in catalog.modules:
        # Material writes navigation titles into the page as HTML: content titles are escaped text here.
        label = html.escape(f"Modul {m.number}: {render.plain(m.title, catalog)}")
        items = [{label: module_src(m.id)}]
        items += [{f"{render.unit_number(catalog, u)} {html.escape(render.plain(u.title, catalog))}": unit_src(u.id)}
                  for u in m.units]
        modules.append({label: items})
    return [
        {"Start": "index.md"},
        {"Module": modules},
        {"Fallstudien": [{"Fallfinder": FINDER}, {"Themen": TOPICS}]},
        *([{"Materialien": MATERIALS}] if catalog.materials else []),
        {"Glossar": GLOSSARY},
        {"Literatur": LITERATURE},
        {"Downloads": DOWNLOADS},
        *pages([("Kurspaket zusammenstellen", "kurspaket.md")]),
        {"Mitmachen": pages([("Leitfaden für Autor:innen", "mitmachen/index.md"),
                             ("Anonymisierung", "mitmachen/anonymisierung.md"),
                             ("Veröffentlichen", "mitmachen/veroeffentlichen.md")])},
        *pages([("Leichte Sprache", "leichte-sprache.md")]),
        {"Über das Handbuch": pages([("Impressum", "impressum.md"), ("Datenschutz", "datenschutz.md"),
                                     ("Barrierefreiheit", "barrierefreiheit.md")])},
    ]



def module_list_html(catalog: Catalog, from_src: str = "index.md", directory_urls: bool = True) -> str:
    """The five modules with their duration, for the start page."""
    e = html.escape
    items = []
    for m in catalog.modules:
        url = html_link(from_src, module_src(m.id), directory_urls)
        items.append(f'<li><a href="{e(url)}">{e(render.plain(m.title, catalog))}</a> – '
                     f"{e(render.format_days(m.days))}, {len(m.units)} Einheiten</li>")
    return "<ol>\n" + "\n".join(items) + "\n</ol>"


# --- fragments of hand-written pages ----------------------------------------------------------------------
# A macro in docs/ returns a placeholder element; after Python-Markdown has rendered the page, the
# placeholder is replaced by HTML written here. Content never passes through Markdown or Jinja.

_FRAGMENT = re.compile(r'<(span|div) data-koko-fragment="(\d+)"></\1>')


def fragment(html_text: str, *, block: bool = False) -> str:
    STATE.fragments.append(html_text)
    n = len(STATE.fragments) - 1
    return f'<div data-koko-fragment="{n}"></div>' if block else f'<span data-koko-fragment="{n}"></span>'


def text_fragment(value: str, catalog: Catalog | None = None) -> str:
    """A value from handbuch.yml as text in a hand-written page."""
    return fragment(html.escape(render.plain(value, catalog), quote=False))


def fill_fragments(page_html: str) -> str:
    def repl(m: re.Match) -> str:
        n = int(m.group(2))
        return STATE.fragments[n] if n < len(STATE.fragments) else ""
    return _FRAGMENT.sub(repl, page_html) if "data-koko-fragment" in page_html else page_html


OFFLINE_SHIM = "assets/javascripts/iframe-worker-shim.js"


def install_offline_shim(site_dir: Path) -> None:
    """Copy iframe-worker's shim (from the npm registry, node_modules/) into an offline build."""
    shim = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
    if not shim.is_file():
        raise PluginError("Für die Offline-Fassung fehlt node_modules/iframe-worker – bitte `npm ci` ausführen.")
    target = site_dir / OFFLINE_SHIM
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(shim.read_bytes())


def imprint_html(catalog: Catalog, directory_urls: bool = True) -> str:
    """The imprint from handbuch.yml, written from its tree."""
    ctx = context(catalog, "impressum.md", directory_urls)
    return HtmlWriter().blocks(render.rich(catalog.meta.imprint, ctx, catalog, level=2))


def licence_html(catalog: Catalog) -> str:
    lic = catalog.meta.licence
    name = html.escape(render.plain(lic.name), quote=False)
    url = lic.url or ""
    if url.startswith(("https://", "http://")):
        return f'<a href="{html.escape(url)}" rel="license">{name}</a>'
    return name
