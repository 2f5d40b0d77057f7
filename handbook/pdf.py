"""The print path: handbook, module and course-pack PDFs (and course-pack DOCX) from the shared rendering.

The document tree comes from :mod:`handbook.render` (the same functions as the site, with ``target="print"``);
:mod:`handbook.pandoc_writer` turns it into pandoc's JSON AST, which pandoc (the binary that pypandoc_binary
ships) reads with ``--from=json`` and writes as Typst with our Lua filter; :file:`templates/koko.typ` supplies
the layout, and the ``typst`` package compiles a tagged PDF that declares PDF/UA-1.

Content is data: pandoc never parses content text (it gets Str nodes), and everything this module writes
into Typst code itself is a Typst string literal.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import bibliography, pandoc_writer, render
from . import text as T
from .errors import BuildError, ContentError
from .model import Catalog, CoursePack, Module, Unit, german_date, hhmm
from .render_nodes import Cite, Div, Figure

TEMPLATES = Path(__file__).resolve().parent / "templates"
LUA_FILTER = TEMPLATES / "koko.lua"
TYPST_TEMPLATE = TEMPLATES / "koko.typ"

PDF_STANDARD = "ua-1"
EDITION_NAMES = {"teilnehmende": "Ausgabe für Teilnehmende", "trainer": "Ausgabe für Trainer:innen"}

Progress = Callable[[str], None] | None


# --- documents ------------------------------------------------------------------------------------------

@dataclass
class Document:
    """One print document: its tree and what goes on the cover and into the PDF metadata."""

    name: str  # file name, for messages
    title: str
    subtitle: str
    kind_label: str  # "Handbuch", "Modul 3", "Kurspaket"
    edition: str  # "teilnehmende" | "trainer"
    author: str
    facts: list[tuple[str, str]]  # cover lines: label, value
    nodes: list = field(default_factory=list)
    all_references: bool = False  # the handbook lists every reference, the others only what they cite
    keywords: list[str] = field(default_factory=list)


class _Print:
    """A print Context for one document: links resolve only to items that are part of it."""

    def __init__(self, catalog: Catalog, edition: str, *, ids: Iterable[str], terms: Iterable[str]):
        if edition not in render.EDITIONS:
            raise BuildError(f"Unbekannte Ausgabe '{edition}': erwartet 'teilnehmende' oder 'trainer'")
        self.catalog = catalog
        self.ids = set(ids)
        self.terms = set(terms)
        self.ctx = render.Context(target="print", edition=edition, link=self.link, cite=self.cite,
                                  term_link=self.term_link, figure=self.figure)

    def link(self, item_id: str) -> str | None:
        return f"#{item_id}" if item_id in self.ids or item_id in self.terms else None

    def term_link(self, term_id: str) -> str | None:
        return f"#{term_id}" if term_id in self.terms else None

    @staticmethod
    def cite(ids: list[str]) -> Cite:
        return Cite(tuple(ids))

    def figure(self, fig) -> Figure | None:
        caption = render.inl(fig.caption, None, self.catalog) if fig.caption else ()
        diagram = getattr(fig, "diagram", "")
        if diagram:
            from . import diagrams
            return Figure("", render.plain(fig.alt), caption, typst=diagrams.diagram_typst(self.catalog, diagram),
                          description=tuple(diagrams.text_alternative(self.catalog, diagram)))
        return Figure("/" + fig.file.lstrip("/"), render.plain(fig.alt), caption)  # Typst: "/…" is the project root


def _licence(catalog: Catalog) -> str:
    lic = catalog.meta.licence
    return render.plain(lic.name) + (f" ({render.plain(lic.spdx)})" if lic.spdx else "")


def _unit_ids(units: Iterable[Unit]) -> set[str]:
    return {u.id for u in units} | {e.id for u in units for e in u.exercises}


def _terms_used(catalog: Catalog, units: Iterable[Unit], cases: Iterable = ()) -> list[str]:
    """Glossary ids the units name (``glossar``) or link to (``[[term]]``), in glossary order."""
    used: set[str] = set()
    texts: list[str] = []
    for u in units:
        used.update(u.glossary)
        texts += [u.content, u.trainer_notes] + [t for e in u.exercises for t in (e.task, e.solution_hint)]
    for c in cases:
        texts += [c.situation, c.course, c.intervention, c.outcome]
    for text in texts:
        used.update(t for t in T.item_links(T.blocks_of(text or "")) if t in catalog.term_by_id)
    # a term's "siehe" partners that are in the list already link; others are shown as plain text
    return [t.id for t in catalog.glossary if t.id in used]


def _front(catalog: Catalog, ctx: render.Context, edition: str) -> list:
    """Imprint (with licence and edition date) and the table of contents."""
    meta = catalog.meta
    lic = meta.licence
    licence: list = [T.Strong((T.Text("Lizenz:"),)), T.Text(" "), *render.inl(lic.name, ctx)]
    if lic.spdx:
        licence.append(T.Text(f" ({render.plain(lic.spdx)})"))
    if lic.url and lic.url.startswith(("https://", "http://")):
        licence += [T.Text(": "), T.Link(lic.url, (T.Text(lic.url),))]
    imprint = [*render.rich(meta.imprint, ctx, catalog, level=2), T.Para(tuple(licence)),
               render.para(T.Strong((T.Text("Stand:"),)), f" {meta.edition_de} · {EDITION_NAMES[edition]}")]
    return [Div(("impressum",), tuple(imprint)), Div(("inhaltsverzeichnis",))]


def _back(catalog: Catalog, ctx: render.Context, terms: list[str], with_references: bool) -> list:
    nodes: list = []
    if terms:
        chosen = [catalog.term_by_id[t] for t in terms]
        nodes += [render.h(1, "Glossar", "glossar"),
                  Div(("glossar",), tuple(render.glossary_nodes(catalog, ctx, level=2, terms=chosen)))]
    if with_references:
        nodes += [render.h(1, "Literatur", "literatur"), Div((), (), (("id", "refs"),))]
    return nodes


#: The most case studies one print document carries in full. Typst lays out about 70 pages a second at about
#: 2 MB of memory per page (measured at 1,000 cases: 1,843 pages, 27 s, 3.9 GB), so a larger collection is
#: printed in volumes (Fallsammlung) and the handbook and module PDFs carry an index pointing to them.
CASES_PER_DOCUMENT = 60


@dataclass
class CaseVolume:
    """One volume of the case collection: the cases of one constellation, at most CASES_PER_DOCUMENT of them."""

    file: str
    title: str
    constellation: str
    part: int
    parts: int
    cases: list


def case_volumes(catalog: Catalog) -> list[CaseVolume]:
    """The volumes the case collection is printed in; none while one document can carry every case."""
    if len(catalog.cases) <= CASES_PER_DOCUMENT:
        return []
    volumes = []
    for cid, constellation in catalog.vocabulary.constellations.items():
        cases = [c for c in catalog.cases if c.constellation == cid]
        chunks = [cases[i:i + CASES_PER_DOCUMENT] for i in range(0, len(cases), CASES_PER_DOCUMENT)]
        for n, chunk in enumerate(chunks, 1):
            suffix = f"-{n}" if len(chunks) > 1 else ""
            part = f", Teil {n} von {len(chunks)}" if len(chunks) > 1 else ""
            volumes.append(CaseVolume(f"fallsammlung-{cid.replace('_', '-')}{suffix}.pdf",
                                      f"Fallsammlung: {render.plain(constellation.name)}{part}", cid, n, len(chunks), chunk))
    return volumes


def _case_index(catalog: Catalog, ctx: render.Context, cases: list, volumes: list[CaseVolume]) -> list:
    """A table of the cases with the volume each is printed in (for documents that cannot carry them all)."""
    where = {c.id: v for v in volumes for c in v.cases}
    v = catalog.vocabulary
    rows = []
    for c in cases:
        rows.append([render.inl(c.title, ctx, catalog), (T.Text(render.plain(v.constellations[c.constellation].name)),),
                     (T.Text(str(c.escalation_stage)),),
                     (T.Text(", ".join(render.plain(v.topics[t].name) for t in c.topics)),),
                     (T.Text(where[c.id].title.removeprefix("Fallsammlung: ") if c.id in where else "–"),)])
    return [render.para("Die Fallstudien sind in einer eigenen Fallsammlung gedruckt, ein Band je Konstellation "
                        f"(höchstens {CASES_PER_DOCUMENT} Fälle je Band). Die Übersicht zeigt, in welchem Band ein Fall "
                        "steht; auf der Website sind alle Fälle im Fallfinder."),
            render.table(["Fallstudie", "Konstellation", "Stufe", "Themen", "Band der Fallsammlung"], rows,
                         widths=(4, 2, 1, 2.5, 2.5))]


def _case_pages(catalog: Catalog, ctx: render.Context, cases: list, level: int) -> list:
    """Each case on pages of its own, so that one case can be copied for class work."""
    return [Div(("fallstudie",), tuple(render.case_nodes(catalog, c, ctx, level=level))) for c in cases]


def _cases_section(catalog: Catalog, ctx: render.Context, cases: list, title: str) -> list:
    if not cases:
        return []
    heading = render.h(1, title, "fallstudien")
    if len(cases) > CASES_PER_DOCUMENT:
        return [heading, *_case_index(catalog, ctx, cases, case_volumes(catalog))]
    return [heading, *_case_pages(catalog, ctx, cases, 2)]


def _printed_cases(cases: list) -> list:
    """The cases a document prints in full (none when it shows the index instead)."""
    return [] if len(cases) > CASES_PER_DOCUMENT else cases


def handbook_document(catalog: Catalog, edition: str) -> Document:
    terms = [t.id for t in catalog.glossary]
    units = list(catalog.units.values())
    p = _Print(catalog, edition, ids=_unit_ids(units) | set(catalog.module_by_id)
               | {c.id for c in _printed_cases(catalog.cases)}, terms=terms)
    ctx = p.ctx
    nodes = _front(catalog, ctx, edition)
    for module in catalog.modules:
        nodes += render.module_overview_nodes(catalog, module, ctx, level=1)
        for u in module.units:
            nodes += render.unit_nodes(catalog, u, ctx, level=2)
    nodes += _cases_section(catalog, ctx, catalog.cases, "Fallstudien")
    nodes += _back(catalog, ctx, terms, with_references=bool(catalog.references))
    meta = catalog.meta
    return Document(
        name="handbuch.pdf" if edition == "teilnehmende" else "handbuch-trainer.pdf",
        title=render.plain(meta.title), subtitle=render.plain(meta.subtitle), kind_label="Handbuch", edition=edition,
        author=render.plain(meta.editor), facts=[("Stand", meta.edition_de), ("Herausgeber", render.plain(meta.editor)), ("Lizenz", _licence(catalog))],
        nodes=nodes, all_references=True, keywords=["Kommunales Konfliktmanagement", "Handbuch"])


def module_document(catalog: Catalog, module_id: str, edition: str) -> Document:
    if module_id not in catalog.module_by_id:
        raise BuildError(f"Unbekanntes Modul '{module_id}': vorhanden sind {', '.join(catalog.module_by_id)}")
    module: Module = catalog.module_by_id[module_id]
    cases = catalog.cases_for_module(module.id)
    terms = _terms_used(catalog, module.units, cases)
    p = _Print(catalog, edition, ids=_unit_ids(module.units) | {module.id} | {c.id for c in _printed_cases(cases)},
               terms=terms)
    ctx = p.ctx
    nodes = _front(catalog, ctx, edition) + render.module_overview_nodes(catalog, module, ctx, level=1)
    for u in module.units:
        nodes += render.unit_nodes(catalog, u, ctx, level=2)
    nodes += _cases_section(catalog, ctx, cases, f"Fallstudien zu Modul {module.number}")
    cited = any(u.references for u in module.units)
    nodes += _back(catalog, ctx, terms, with_references=cited)
    meta = catalog.meta
    title = f"Modul {module.number}: {render.plain(module.title)}"
    return Document(
        name=f"modul-{module.number}.pdf", title=title, subtitle=render.plain(meta.title),
        kind_label=f"Modul {module.number} · Handbuch", edition=edition, author=render.plain(meta.editor),
        facts=[("Dauer", render.format_days(module.days)), ("Stand", meta.edition_de),
               ("Herausgeber", render.plain(meta.editor)), ("Lizenz", _licence(catalog))],
        nodes=nodes, keywords=["Kommunales Konfliktmanagement", f"Modul {module.number}"])


def volume_document(catalog: Catalog, volume: CaseVolume, edition: str = "teilnehmende") -> Document:
    terms = _terms_used(catalog, (), volume.cases)
    p = _Print(catalog, edition, ids={c.id for c in volume.cases}, terms=terms)
    ctx = p.ctx
    nodes = _front(catalog, ctx, edition) + [render.h(1, volume.title, "fallstudien")]
    nodes += _case_pages(catalog, ctx, volume.cases, 2)
    nodes += _back(catalog, ctx, terms, with_references=False)
    meta = catalog.meta
    return Document(
        name=volume.file, title=volume.title, subtitle=render.plain(meta.title), kind_label="Fallsammlung",
        edition=edition, author=render.plain(meta.editor),
        facts=[("Fälle", str(len(volume.cases))), ("Stand", meta.edition_de), ("Herausgeber", render.plain(meta.editor))],
        nodes=nodes, keywords=["Kommunales Konfliktmanagement", "Fallsammlung"])


def _pack_copy_masters(catalog: Catalog, units: list) -> list:
    """Trainer edition: the participant-facing materials of the chosen units as clean photocopy masters (role
    cards two to a page where they fit, each with only its own confidential part; never in the participants'
    edition, which every participant holds)."""
    from . import materials
    ids: list[str] = []
    for u in units:
        ids += list(getattr(u, "material_ids", []))
        for e in u.exercises:
            ids += list(getattr(e, "material_ids", []))
    chosen = [catalog.material_by_id[i] for i in dict.fromkeys(ids) if i in catalog.material_by_id]
    chosen = [m for m in chosen if m.participant_facing]
    if not chosen:
        return []
    clean = _Print(catalog, "teilnehmende", ids={m.id for m in chosen}, terms=()).ctx  # no trainer notes on a sheet
    nodes: list = [render.h(1, "Kopiervorlagen", "kopiervorlagen"),
                   render.para("Die Materialien der Einheiten zum Kopieren für die Teilnehmenden, jedes auf eigenen Seiten.")]
    for m in chosen:
        module = next((mod for mod in catalog.modules if mod.id in m.modules), catalog.modules[0])
        nodes += materials.copy_master_nodes(catalog, m, module.number, clean)
    return nodes


def _pack_dates(pack: CoursePack) -> str:
    days = [d.date for d in pack.days]
    if not days:
        return ""
    if len(days) == 1:
        return german_date(days[0])
    return f"{german_date(days[0])} bis {german_date(days[-1])}"


def pack_document(catalog: Catalog, pack: CoursePack, edition: str | None = None) -> Document:
    edition = edition or pack.edition
    unit_ids = list(dict.fromkeys(pack.unit_ids))  # in schedule order, each once
    units = [catalog.units[u] for u in unit_ids]
    cases = [catalog.case_by_id[c] for c in pack.case_ids]
    terms = _terms_used(catalog, units, cases)
    p = _Print(catalog, edition, ids=_unit_ids(units) | {c.id for c in cases} | {"ablaufplan"}, terms=terms)
    ctx = p.ctx
    nodes = _front(catalog, ctx, edition)
    nodes += [render.h(1, "Ablaufplan", "ablaufplan"), *render.schedule_nodes(catalog, pack, ctx, level=2)]
    nodes.append(render.h(1, "Unterrichtseinheiten", "einheiten"))
    for u in units:
        # trainer edition: the unit as participants see it, then its solutions and notes in a section of their own
        nodes += render.unit_nodes(catalog, u, ctx, level=2, trainer_blocks=False)
        if ctx.trainer:
            nodes += render.trainer_section_nodes(catalog, u, ctx, level=2)
    nodes += _cases_section(catalog, ctx, cases, "Fallstudien")
    sheets = [(u, e) for u in units for e in u.exercises]
    if sheets:
        nodes += [render.h(1, "Arbeitsblätter", "arbeitsblaetter"),
                  render.para("Die Übungen der Einheiten zum Ausdrucken und Bearbeiten, jede auf einer eigenen Seite.")]
        for i, (u, e) in enumerate(sheets):
            # photocopy masters: never with the solution, in either edition
            body = render.exercise_nodes(catalog, u, e, ctx, 2, anchor=False, with_solution=False)
            nodes.append(Div(("arbeitsblatt",) + (("erstes",) if i == 0 else ()), tuple(body)))
    if ctx.trainer:
        nodes += _pack_copy_masters(catalog, units)
    nodes += _back(catalog, ctx, terms, with_references=any(u.references for u in units))
    facts = [("Ort", render.plain(pack.place)), ("Termin", _pack_dates(pack))]
    if pack.trainers:
        facts.append(("Trainer:innen", ", ".join(render.plain(t) for t in pack.trainers)))
    facts.append(("Grundlage", f"{render.plain(catalog.meta.title)}, Stand {catalog.meta.edition_de}"))
    return Document(
        name=f"kurspaket-{pack.id}", title=render.plain(pack.title), subtitle="", kind_label="Kurspaket", edition=edition,
        author=", ".join(render.plain(t) for t in pack.trainers) or render.plain(catalog.meta.editor),
        facts=[(k, v) for k, v in facts if v], nodes=nodes, keywords=["Kommunales Konfliktmanagement", "Kurspaket"])


# --- conversion -----------------------------------------------------------------------------------------

def typst_string(text: str) -> str:
    """A Python string as a Typst string literal (content never becomes Typst code)."""
    out = []
    for ch in str(text):
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def timestamp(catalog: Catalog) -> int:
    """The PDF's creation date: SOURCE_DATE_EPOCH if set, else the edition date at 00:00 UTC."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        try:
            return int(env)
        except ValueError:
            raise BuildError(f"SOURCE_DATE_EPOCH muss eine ganze Zahl (Sekunden seit 1970) sein, gefunden '{env}'") from None
    return catalog.meta.edition_epoch


def _pandoc(catalog: Catalog, doc: Document, to: str, tmp: Path, outputfile: Path | None = None,
            extra: list[str] | None = None, meta: dict | None = None) -> str:
    import pypandoc

    ast = pandoc_writer.document(doc.nodes, {**bibliography.document_meta(catalog, all_references=doc.all_references),
                                             **(meta or {})})
    # "." (the call's own temporary folder) first: the raster images of drawn diagrams (DOCX) are written there
    args = ["--citeproc", f"--lua-filter={LUA_FILTER}", f"--resource-path=.{os.pathsep}{catalog.root}", "--wrap=preserve",
            "--columns=100000"] + (extra or [])
    # The pandoc that pypandoc_binary ships, run directly: its own working folder and environment per call
    # (pypandoc's cworkdir changes the whole process's folder, which breaks documents built side by side).
    cmd = [pypandoc.get_pandoc_path(), "--from=json", f"--to={to}", *args]
    if outputfile:
        cmd += ["-o", str(outputfile)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(timestamp(catalog))}
    try:
        result = subprocess.run(cmd, input=json.dumps(ast, ensure_ascii=False, default=str), capture_output=True,
                                text=True, encoding="utf-8", cwd=tmp, env=env, check=False)
    except OSError as exc:
        raise BuildError(f"pandoc konnte {doc.name} nicht umwandeln: {exc}") from None
    if result.returncode != 0:
        raise BuildError(f"pandoc konnte {doc.name} nicht umwandeln: {_first_lines(result.stderr)}")
    return result.stdout if not outputfile else ""


def _first_lines(text: str, n: int = 12) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return "\n".join(lines[:n]) + ("\n…" if len(lines) > n else "")


def typst_source(catalog: Catalog, doc: Document, tmp: Path) -> str:
    """The complete Typst source: template, the call with the cover data, pandoc's body."""
    body = _pandoc(catalog, doc, "typst-citations", tmp)
    # pandoc centres every table; ours sit at the left margin. (Content cannot produce this text: the
    # writer escapes '#' and '[' in it.)
    body = body.replace("align(center)[#table(", "align(left)[#table(")
    facts = ", ".join(f"({typst_string(k)}, {typst_string(v)})" for k, v in doc.facts)
    keywords = ", ".join(typst_string(k) for k in doc.keywords)
    call = (
        "#show: koko.with(\n"
        f"  title: {typst_string(doc.title)},\n"
        f"  subtitle: {typst_string(doc.subtitle)},\n"
        f"  short-title: {typst_string(catalog.meta.title)},\n"
        f"  author: {typst_string(doc.author)},\n"
        f"  keywords: ({keywords}{',' if len(doc.keywords) == 1 else ''}),\n"
        f"  kind-label: {typst_string(doc.kind_label)},\n"
        f"  edition: {typst_string(EDITION_NAMES[doc.edition])},\n"
        f"  facts: ({facts}{',' if len(doc.facts) == 1 else ''}),\n"
        ")\n\n"
    )
    return TYPST_TEMPLATE.read_text(encoding="utf-8") + "\n" + call + body


_MISSING_GLYPH = re.compile(r'the text `"(.+?)"` could not be displayed')


def _typst_error(name: str, exc: Exception, source_path: Path | None) -> BuildError:
    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
    hints = getattr(exc, "hints", None) or []
    text = f"Typst konnte {name} nicht erzeugen: {message}"
    if "PDF/UA" in message:
        text += " (das PDF muss barrierefrei nach PDF/UA-1 sein)"
    for hint in hints:
        text += f"\n  Hinweis von Typst: {hint}"
    if source_path is not None:
        text += f"\n  Typst-Quelltext zur Fehlersuche: {source_path}"
    return BuildError(text)


def compile_pdf(catalog: Catalog, doc: Document, out: Path) -> Path:
    """Markdown → Typst → PDF, written atomically to ``out`` (a failed build leaves the old file)."""
    import typst

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="koko-pdf-") as tmpdir:
        source = typst_source(catalog, doc, Path(tmpdir))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # font fallbacks and the like: not the author's business
            pdf = typst.compile(source.encode("utf-8"), root=str(catalog.root), pdf_standards=[PDF_STANDARD],
                                timestamp=timestamp(catalog))
    except Exception as exc:  # typst.TypstError, and anything the binding raises
        missing = _MISSING_GLYPH.search(getattr(exc, "message", None) or str(exc))
        if missing:
            # A character no print font has: point the author at every place it stands in the content.
            char = missing.group(1)
            from .loader import locate_text
            names = ", ".join(f"U+{ord(c):04X}" for c in char)
            problems = locate_text(catalog.root, char, f"das Zeichen '{char}' ({names}) kann im PDF nicht gedruckt werden – "
                                   "keine der Druckschriften enthält es; bitte ersetzen oder umschreiben", "pdf.glyph")
            if problems:
                raise ContentError(problems) from None
        debug = Path(tempfile.gettempdir()) / f"koko-{Path(doc.name).stem}.typ"
        try:
            debug.write_text(source, encoding="utf-8")
        except OSError:
            debug = None
        raise _typst_error(doc.name, exc, debug) from None
    _write_atomic(out, pdf)
    return out


def _write_atomic(out: Path, data: bytes) -> None:
    from .outdir import write_atomic
    write_atomic(out, data)  # a temporary file beside ``out`` that never stays behind; OSError → German BuildError


def compile_docx(catalog: Catalog, doc: Document, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.resolve().with_name(f".{out.name}.tmp.docx")
    meta = catalog.meta
    with tempfile.TemporaryDirectory(prefix="koko-docx-") as tmpdir:
        tmp = Path(tmpdir)
        cover = {
            "title": pandoc_writer.meta_inlines(doc.title),
            "subtitle": pandoc_writer.meta_inlines(f"{doc.kind_label} · {EDITION_NAMES[doc.edition]}"),
            "author": {"t": "MetaList", "c": [pandoc_writer.meta_inlines(a) for a in doc.author.split(", ") if a]},
            "date": pandoc_writer.meta_inlines(" · ".join(f"{k}: {v}" for k, v in doc.facts)),
            "toc-title": pandoc_writer.meta_inlines("Inhalt"),
        }
        try:
            from . import diagrams
            for fig in pandoc_writer.diagram_figures(doc.nodes):  # Word gets the drawn diagrams as PNG
                (tmp / pandoc_writer.diagram_file(fig.typst)).write_bytes(diagrams.diagram_png(fig.typst))
            from .docx import fill_toc, reference_docx  # the project's Word template and a filled contents list
            _pandoc(catalog, doc, "docx", tmp, outputfile=tmp_out, meta=cover,
                    extra=["--toc", "--toc-depth=2",
                           f"--reference-doc={reference_docx(catalog, doc.title, EDITION_NAMES[doc.edition])}"])
            fill_toc(tmp_out)
            os.replace(tmp_out, out)
        except OSError as exc:
            from .outdir import os_error_de
            raise BuildError(os_error_de(exc, out)) from None
        finally:
            if tmp_out.exists():
                tmp_out.unlink()
    return out


# --- public API -----------------------------------------------------------------------------------------

def build_handbook(catalog: Catalog, edition: str, out: Path) -> Path:
    """The whole handbook (cover, imprint, contents, modules, case studies, glossary, bibliography)."""
    return compile_pdf(catalog, handbook_document(catalog, edition), out)


def build_module(catalog: Catalog, module_id: str, edition: str, out: Path) -> Path:
    """One module with its units, its case studies and the glossary terms and references it uses."""
    return compile_pdf(catalog, module_document(catalog, module_id, edition), out)


def build_pack(catalog: Catalog, pack: CoursePack, fmt: str, out: Path, edition: str | None = None) -> Path:
    """A course pack as PDF or DOCX, in the given edition (default: the one the pack asks for)."""
    doc = pack_document(catalog, pack, edition)
    if fmt == "pdf":
        return compile_pdf(catalog, doc, out)
    if fmt == "docx":
        return compile_docx(catalog, doc, out)
    raise BuildError(f"Unbekanntes Format '{fmt}': erwartet 'pdf' oder 'docx'")


def build_volume(catalog: Catalog, volume: CaseVolume, out: Path) -> Path:
    """One volume of the case collection."""
    return compile_pdf(catalog, volume_document(catalog, volume), out)


def page_count(path: Path) -> int:
    """Pages of a PDF (for progress lines)."""
    try:
        from pypdf import PdfReader
        return len(PdfReader(str(path)).pages)
    except Exception:  # pypdf missing or unreadable file: count page objects
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", Path(path).read_bytes()))


def describe(path: Path, seconds: float) -> str:
    """``handbuch.pdf: 123 Seiten, 2,4 s`` (DOCX: size instead of pages)."""
    path = Path(path)
    took = f"{seconds:.1f}".replace(".", ",") + " s"
    if path.suffix == ".pdf":
        n = page_count(path)
        return f"{path.name}: {n} Seite{'n' if n != 1 else ''}, {took}"
    size = f"{path.stat().st_size / 1024:.0f}".replace(".", ",")
    return f"{path.name}: {size} KB, {took}"


def timed(progress: Progress, out: Path, make: Callable[[], Path]) -> Path:
    """Run one build step and report it: "Erzeuge …" before, name, pages and time after."""
    if progress:
        progress(f"Erzeuge {Path(out).name} …")
    start = time.perf_counter()
    result = make()
    if progress:
        progress(describe(result, time.perf_counter() - start))
    return result


def build_all(catalog: Catalog, outdir: Path, progress: Progress = None) -> list[Path]:
    """Every print output into ``outdir``: both handbook editions, one PDF per module, every course pack."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    progress = progress if callable(progress) else None
    jobs: list[tuple[Path, Callable[[], Path]]] = [
        (outdir / "handbuch.pdf", lambda o: build_handbook(catalog, "teilnehmende", o)),
        (outdir / "handbuch-trainer.pdf", lambda o: build_handbook(catalog, "trainer", o)),
    ]
    for module in catalog.modules:
        jobs.append((outdir / f"modul-{module.number}.pdf",
                     lambda o, m=module.id: build_module(catalog, m, "teilnehmende", o)))
    from . import materials  # photocopy masters of each module's participant-facing materials
    for module in catalog.modules:
        if any(m.participant_facing for m in catalog.materials_for_module(module.id)):
            jobs.append((outdir / materials.copy_masters_file(module.number),
                         lambda o, m=module.id: materials.build_copy_masters(catalog, m, o)))
    for volume in case_volumes(catalog):
        jobs.append((outdir / volume.file, lambda o, v=volume: build_volume(catalog, v, o)))
    for pack in catalog.packs:  # published packs only (veroeffentlichen: true), each edition it asks for
        if not pack.publish:
            continue
        for edition in pack.editions:
            for fmt in ("pdf", "docx"):
                if fmt == "pdf" or fmt in pack.formats:
                    jobs.append((outdir / pack.file_name(edition, fmt),
                                 lambda o, p=dataclasses.replace(pack, edition=edition), f=fmt: build_pack(catalog, p, f, o)))
    # Two documents at a time: pandoc runs as a process and Typst releases the interpreter while it lays out,
    # so this uses both cores (measured: 4 case volumes in 5.6 s instead of 10.0 s, byte-identical output).
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda job: timed(progress, job[0], lambda: job[1](job[0])), jobs))
