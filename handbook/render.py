"""One rendering: the document tree of a module, unit, case study and the glossary, for the site and for print.

Content arrives as trees (:mod:`handbook.text`, parsed once by the loader). The functions here arrange those
trees with the renderer's own structure — headings with anchors, facts, tables, callouts for trainer-only
text, citations, figures — and resolve ``[[id]]`` links for the output at hand. The result is a list of
nodes that :mod:`handbook.html_writer` (site) and :mod:`handbook.pandoc_writer` (PDF, DOCX) serialise.
Nothing here builds source text for a Markdown, template or Typst engine.

The outputs differ only through :class:`Context`: which edition, how links and citations are made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import text as T
from .model import Catalog, CaseStudy, Exercise, GlossaryTerm, Module, Unit, hhmm
from .render_nodes import Callout, Cite, Div, Figure

EDITIONS = ("teilnehmende", "trainer")


@dataclass
class Context:
    """How to render for one output.

    ``link(id)`` returns the URL of an item in this output, or None when the item is not part of it (its
    text is then shown without a link). ``cite(ids)`` returns the references block for a unit.
    ``figure(fig)`` returns the :class:`Figure` node for a unit's figure in this output.
    """

    target: str  # "site" | "print"
    edition: str = "trainer"
    link: Callable[[str], str | None] = lambda _id: None
    cite: Callable[[list[str]], object] = lambda ids: Cite(tuple(ids))
    term_link: Callable[[str], str | None] = lambda _id: None
    figure: Callable[[object], Figure | None] | None = None

    @property
    def trainer(self) -> bool:
        return self.edition == "trainer"


# --- content trees for an output --------------------------------------------------------------------------

def _resolve_inlines(nodes, ctx: Context, catalog: Catalog | None, *, in_link: bool = False) -> tuple:
    out = []
    for n in nodes:
        if isinstance(n, T.ItemLink):
            label = n.label or (title_of(catalog, n.target) if catalog else n.target)
            url = None if in_link else (ctx.link(n.target) or ctx.term_link(n.target))
            out.append(T.Link(url, (T.Text(label),)) if url else T.Text(label))
        elif isinstance(n, (T.Emph, T.Strong)):
            out.append(type(n)(_resolve_inlines(n.children, ctx, catalog, in_link=in_link)))
        elif isinstance(n, T.Link):
            out.append(T.Link(n.url, _resolve_inlines(n.children, ctx, catalog, in_link=True)))
        else:
            out.append(n)
    return tuple(out)


def _resolve_blocks(nodes, ctx: Context, catalog: Catalog | None, shift: int) -> tuple:
    out = []
    for n in nodes:
        if isinstance(n, T.Para):
            out.append(T.Para(_resolve_inlines(n.children, ctx, catalog)))
        elif isinstance(n, T.Heading):
            # a level the field does not use is a check error; rendered, it is kept inside the field's range
            level = max(T.FIELD_LEVELS[0], min(T.FIELD_LEVELS[1], n.level)) + shift
            out.append(T.Heading(max(1, min(6, level)), _resolve_inlines(n.children, ctx, catalog), n.anchor))
        elif isinstance(n, T.BulletList):
            out.append(T.BulletList(tuple(_resolve_blocks(i, ctx, catalog, shift) for i in n.items), n.tight))
        elif isinstance(n, T.OrderedList):
            out.append(T.OrderedList(tuple(_resolve_blocks(i, ctx, catalog, shift) for i in n.items), n.start, n.tight))
        elif isinstance(n, T.Quote):
            out.append(T.Quote(_resolve_blocks(n.blocks, ctx, catalog, shift)))
        elif isinstance(n, T.Table):
            out.append(T.Table(n.aligns, tuple(_resolve_inlines(c, ctx, catalog) for c in n.head),
                               tuple(tuple(_resolve_inlines(c, ctx, catalog) for c in r) for r in n.rows),
                               n.caption, n.widths))
        else:
            out.append(n)
    return tuple(out)


def rich(text: str, ctx: Context, catalog: Catalog | None = None, *, level: int = 3) -> tuple:
    """A Markdown field's tree for this output; its ``###`` headings sit at ``level``."""
    return _resolve_blocks(T.blocks_of(text or ""), ctx, catalog, level - T.FIELD_LEVELS[0])


def inl(text: str, ctx: Context | None = None, catalog: Catalog | None = None) -> tuple:
    """A plain field (or the renderer's own label) as inlines; ``[[id]]`` links resolved."""
    nodes = T.plain_inlines(str(text))
    if ctx is None:
        return tuple(T.Text(n.label or (title_of(catalog, n.target) if catalog else n.target))
                     if isinstance(n, T.ItemLink) else n for n in nodes)
    return _resolve_inlines(nodes, ctx, catalog)


def plain(text: str, catalog: Catalog | None = None) -> str:
    """The visible text of a plain field (titles, metadata, search): links become their labels."""
    return T.plain_text(T.plain_inlines(str(text)), label=(lambda t: title_of(catalog, t)) if catalog else None)


def h(level: int, content, anchor: str = "") -> T.Heading:
    children = content if isinstance(content, tuple) else (T.Text(str(content)),)
    return T.Heading(level, children, anchor)


def para(*parts) -> T.Para:
    """A paragraph from strings (the renderer's own text) and inline nodes."""
    children: list = []
    for p in parts:
        if isinstance(p, str):
            children.append(T.Text(p))
        elif isinstance(p, tuple):
            children.extend(p)
        else:
            children.append(p)
    return T.Para(tuple(children))


def link_or_text(url: str | None, label: tuple) -> tuple:
    return (T.Link(url, label),) if url else label


def bullets(items: list, ctx: Context, *, ordered: bool = False, catalog: Catalog | None = None) -> object:
    rows = tuple((T.Para(inl(x, ctx, catalog)),) for x in items)
    return T.OrderedList(rows) if ordered else T.BulletList(rows)


def table(head: list[str], rows: list[list[tuple]], *, widths: tuple = (), caption: str = "") -> T.Table:
    return T.Table(("",) * len(head), tuple((T.Text(x),) for x in head), tuple(tuple(r) for r in rows),
                   caption, widths)


# --- labels -----------------------------------------------------------------------------------------------

def title_of(catalog: Catalog, item_id: str) -> str:
    if item_id in catalog.module_by_id:
        m = catalog.module_by_id[item_id]
        return f"Modul {m.number}: {plain(m.title)}"
    if item_id in catalog.units:
        return plain(unit_label(catalog, catalog.units[item_id]))
    if item_id in catalog.case_by_id:
        return plain(catalog.case_by_id[item_id].title)
    if item_id in catalog.term_by_id:
        return plain(catalog.term_by_id[item_id].term)
    if item_id in catalog.exercises:
        return plain(catalog.exercises[item_id].title)
    if item_id in catalog.material_by_id:
        return plain(catalog.material_by_id[item_id].title)
    return item_id


def unit_number(catalog: Catalog, unit: Unit) -> str:
    module = catalog.module_by_id[unit.module_id]
    return f"{module.number}.{module.units.index(unit) + 1}"


def unit_label(catalog: Catalog, unit: Unit) -> str:
    return f"Einheit {unit_number(catalog, unit)}: {unit.title}"


def minutes_de(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if minutes < 60:
        return f"{minutes} Minuten"
    text = f"{hours} Stunde{'n' if hours != 1 else ''}"
    return text + (f" {rest} Minuten" if rest else "")


def format_days(days: float) -> str:
    n = f"{days:g}".replace(".", ",")
    return f"{n} Schulungstag" + ("" if days == 1 else "e")


# --- items ------------------------------------------------------------------------------------------------

def exercise_nodes(catalog: Catalog, unit: Unit, ex: Exercise, ctx: Context, level: int, *,
                   anchor: bool = True, with_solution: bool | None = None) -> list:
    """An exercise. ``anchor=False`` for a second copy in the same document (print worksheets)."""
    number = f"{unit_number(catalog, unit)}.{unit.exercises.index(ex) + 1}"
    nodes = [h(level, (T.Text(f"Übung {number}: "),) + inl(ex.title, ctx, catalog), ex.id if anchor else ""),
             para(T.Emph(inl(ex.social_form, ctx) + (T.Text(f" · {minutes_de(ex.minutes)}"),))),
             *rich(ex.task, ctx, catalog, level=level + 1)]
    if ex.material_ids:  # materials of the exercise (materialien/)
        from .materials import links_for
        nodes.append(_facts([("Materialien", links_for(catalog, ex.material_ids, ctx))]))
    solution = ctx.trainer if with_solution is None else with_solution
    if solution and ex.solution_hint:
        nodes.append(Callout("loesung", "Lösungshinweis", rich(ex.solution_hint, ctx, catalog, level=level + 1)))
    return nodes


def _facts(pairs: list[tuple[str, tuple]]) -> T.Para:
    children: list = []
    for i, (label, value) in enumerate(pairs):
        if i:
            children.append(T.LineBreak())
        children += [T.Strong((T.Text(f"{label}:"),)), T.Text(" "), *value]
    return T.Para(tuple(children))


def _join(items: list[tuple], sep: str = ", ") -> tuple:
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(T.Text(sep))
        out.extend(item)
    return tuple(out)


def unit_nodes(catalog: Catalog, unit: Unit, ctx: Context, level: int = 1, *, trainer_blocks: bool = True) -> list:
    """A unit: title, facts, learning objectives, text, exercises, trainer notes, literature, glossary.

    ``trainer_blocks=False`` leaves out solutions and trainer notes even in the trainer edition (the course
    pack prints them in a section of their own after the unit).
    """
    facts = [("Dauer", (T.Text(minutes_de(unit.minutes)),))]
    if unit.methods:
        facts.append(("Methoden", _join([inl(x, ctx) for x in unit.methods])))
    if unit.materials:
        facts.append(("Material", _join([inl(x, ctx) for x in unit.materials])))
    if unit.all_material_ids:  # materials of the unit and its exercises (materialien/)
        from .materials import links_for
        facts.append(("Materialien", links_for(catalog, unit.all_material_ids, ctx)))
    nodes = [h(level, inl(unit_label(catalog, unit), ctx, catalog), unit.id), _facts(facts),
             h(level + 1, "Lernziele"), para("Die Teilnehmenden können …"), bullets(unit.objectives, ctx, catalog=catalog),
             h(level + 1, "Inhalt"), *rich(unit.content, ctx, catalog, level=level + 2)]
    for fig in unit.figures:
        node = ctx.figure(fig) if ctx.figure else None
        if node is not None:
            nodes.append(node)
    if unit.exercises:
        nodes.append(h(level + 1, "Übungen"))
        for ex in unit.exercises:
            nodes += exercise_nodes(catalog, unit, ex, ctx, level + 2,
                                    with_solution=ctx.trainer and trainer_blocks)
    if ctx.trainer and trainer_blocks and unit.trainer_notes:
        nodes.append(Callout("trainer", "Für Trainer:innen", rich(unit.trainer_notes, ctx, catalog, level=level + 2)))
    if unit.references:
        nodes += [h(level + 1, "Literatur"), ctx.cite(unit.references)]
    if unit.glossary:
        terms = [link_or_text(ctx.term_link(tid), inl(catalog.term_by_id[tid].term, ctx)) for tid in unit.glossary]
        nodes += [h(level + 1, "Begriffe"), T.Para(_join(terms))]
    return nodes


def trainer_section_nodes(catalog: Catalog, unit: Unit, ctx: Context, level: int) -> list:
    """Solutions and trainer notes of a unit, as a section of their own (course pack, trainer edition)."""
    nodes: list = []
    for ex in unit.exercises:
        if ex.solution_hint:
            number = f"{unit_number(catalog, unit)}.{unit.exercises.index(ex) + 1}"
            nodes += [h(level + 1, (T.Text(f"Lösungshinweis zu Übung {number}: "),) + inl(ex.title, ctx, catalog)),
                      *rich(ex.solution_hint, ctx, catalog, level=level + 2)]
    if unit.trainer_notes:
        nodes += [h(level + 1, "Hinweise für Trainer:innen"), *rich(unit.trainer_notes, ctx, catalog, level=level + 2)]
    if not nodes:
        return []
    return [h(level, (T.Text("Für Trainer:innen: "),) + inl(unit_label(catalog, unit), ctx, catalog)),
            Callout("trainer", "Nur in der Ausgabe für Trainer:innen", tuple(nodes), collapsed=False)]


def module_overview_nodes(catalog: Catalog, module: Module, ctx: Context, level: int = 1) -> list:
    """A module's overview: description, duration, objectives, its units, its case studies."""
    hours = f"{module.minutes / 60:.1f}".replace(".", ",")
    nodes = [h(level, inl(f"Modul {module.number}: {module.title}", ctx, catalog), module.id),
             *rich(module.description, ctx, catalog, level=level + 1),
             para(T.Strong((T.Text("Dauer:"),)), f" {format_days(module.days)} · {minutes_de(module.minutes)} "
                  f"Unterrichtszeit ({hours} Zeitstunden)"),
             h(level + 1, "Lernziele"), para("Die Teilnehmenden können …"),
             bullets(module.objectives, ctx, catalog=catalog),
             h(level + 1, "Unterrichtseinheiten")]
    rows = []
    for unit in module.units:
        rows.append([(T.Text(unit_number(catalog, unit)),), link_or_text(ctx.link(unit.id), inl(unit.title, ctx, catalog)),
                     (T.Text(f"{unit.minutes} min"),), (T.Text(str(len(unit.exercises))),)])
    nodes.append(table(["Nr.", "Einheit", "Dauer", "Übungen"], rows, widths=(1, 6, 1.5, 1.5)))
    cases = catalog.cases_for_module(module.id)
    if cases:
        nodes.append(h(level + 1, "Fallstudien zu diesem Modul"))
        items = []
        for case in cases:
            stage = catalog.vocabulary.stages[case.escalation_stage]
            items.append((T.Para(link_or_text(ctx.link(case.id), inl(case.title, ctx, catalog)) + (
                T.Text(f" – {plain(catalog.vocabulary.constellations[case.constellation].name)}, "
                       f"Eskalationsstufe {case.escalation_stage} ({plain(stage.name)})"),)),))
        nodes.append(T.BulletList(tuple(items)))
    return nodes


def case_facts(catalog: Catalog, case: CaseStudy) -> list[tuple[str, str]]:
    """Label/value pairs shown at the top of a case (plain text)."""
    v = catalog.vocabulary
    stage = v.stages[case.escalation_stage]
    return [
        ("Kommune", f"{v.municipality_types[case.municipality_type].name}, {plain(case.region)}"),
        ("Zeitraum", case.period),
        ("Konstellation", v.constellations[case.constellation].name),
        ("Themen", ", ".join(v.topics[t].name for t in case.topics)),
        ("Eskalationsstufe", f"{case.escalation_stage} – {stage.name} ({stage.phase})"),
        ("Herkunft", "aus mehreren Situationen zusammengesetzt und fiktionalisiert" if case.origin == "zusammengesetzt"
         else "realer Fall, anonymisiert"),
    ]


def case_nodes(catalog: Catalog, case: CaseStudy, ctx: Context, level: int = 1) -> list:
    """A case study, complete, for reading and for class work."""
    rows = [[(T.Strong((T.Text(k),)),), (T.Text(val),)] for k, val in case_facts(catalog, case)]
    modules = []
    for mid in case.modules:
        m = catalog.module_by_id[mid]
        modules.append(link_or_text(ctx.link(mid), (T.Text(f"Modul {m.number}"),)))
    rows.append([(T.Strong((T.Text("Module"),)),), _join(modules)])
    actors = [[inl(a.role, ctx, catalog), inl(a.interests, ctx, catalog), inl(a.position or "–", ctx, catalog)]
              for a in case.actors]
    nodes = [h(level, inl(case.title, ctx, catalog), case.id),
             table(["Merkmal", "Angabe"], rows, widths=(1, 3)),
             h(level + 1, "Beteiligte"), table(["Rolle", "Interessen", "Position"], actors, widths=(1.2, 2, 2))]
    for title, body in (("Ausgangslage", case.situation), ("Verlauf", case.course),
                        ("Intervention", case.intervention), ("Ergebnis", case.outcome)):
        nodes += [h(level + 1, title), *rich(body, ctx, catalog, level=level + 2)]
    nodes += [h(level + 1, "Lernerfahrungen"), bullets(case.lessons, ctx, catalog=catalog),
              h(level + 1, "Reflexionsfragen"), bullets(case.questions, ctx, ordered=True, catalog=catalog)]
    an = case.anonymisation
    nodes.append(para(T.Emph((T.Text("Anonymisierung: "),) + inl(an.procedure, ctx, catalog)
                             + (T.Text(" Geprüft von: "),) + inl(an.checked_by, ctx)
                             + (T.Text(f", {an.checked_on.month:02d}/{an.checked_on.year}."),))))
    return nodes


def glossary_nodes(catalog: Catalog, ctx: Context, level: int = 1, terms: list[GlossaryTerm] | None = None) -> list:
    """The glossary (or the given terms), alphabetically, each with an anchor."""
    nodes: list = []
    for term in sorted(terms if terms is not None else catalog.glossary, key=lambda t: plain(t.term).casefold()):
        title = inl(term.term, ctx) + ((T.Text(f" ({plain(term.abbreviation)})"),) if term.abbreviation else ())
        nodes += [h(level, title, term.id), *rich(term.definition, ctx, catalog, level=level + 1)]
        if term.see:
            links = [link_or_text(ctx.term_link(sid), inl(catalog.term_by_id[sid].term, ctx)) for sid in term.see]
            nodes.append(T.Para((T.Text("Siehe auch: "),) + _join(links)))
    return nodes


def schedule_nodes(catalog: Catalog, pack, ctx: Context, level: int = 2) -> list:
    """The Ablaufplan of a course pack: a table per day with computed times, parts of split units and the
    Unterrichtseinheiten (UE, 45 minutes of teaching) per day and in total."""
    from .model import german_date, ue_de
    nodes: list = []
    for day in pack.days:
        rows = []
        for b in day.blocks:
            part = (T.Text(f" ({b.part_label})"),) if getattr(b, "part_label", "") else ()
            if b.kind == "unit":
                unit = catalog.units[b.unit_id]
                label = link_or_text(ctx.link(unit.id), inl(unit_label(catalog, unit), ctx, catalog)) + part
            elif b.kind == "case":
                case = catalog.case_by_id.get(b.case_id)
                label = ((T.Text("Fallarbeit: "),) + link_or_text(ctx.link(case.id), inl(case.title, ctx, catalog))
                         if case else (T.Text("Fallarbeit"),))
            elif b.kind == "break":
                label = (T.Emph(inl(b.title or "Pause", ctx)),)
            else:
                label = inl(b.title, ctx)
            rows.append([(T.Text(f"{hhmm(b.start)}–{hhmm(b.end)}"),), label, (T.Text(f"{b.minutes} min"),)])
        nodes += [h(level, f"{german_date(day.date)}, {hhmm(day.start)}–{hhmm(day.end)} Uhr"),
                  table(["Zeit", "Programm", "Dauer"], rows, widths=(1.3, 6, 1)),
                  para(f"Unterrichtszeit: {minutes_de(day.teaching_minutes)} = {ue_de(day.teaching_minutes)}")]
    if len(pack.days) > 1:
        nodes.append(para(T.Strong((T.Text(f"Insgesamt: {minutes_de(pack.teaching_minutes)} Unterrichtszeit = "
                                           f"{ue_de(pack.teaching_minutes)}"),))))
    return nodes
