"""One rendering: Markdown for a module, unit, case study and the glossary, for the site and for print.

Content text is data. Before it is placed into Markdown it is escaped so that no HTML, no template code and
(for print) no Typst or citation syntax in the YAML can take effect; links to other items written as
``[[id]]`` become links for the target. The outputs differ only through :class:`Context`: which edition,
at which heading level, how links and citations are written, how trainer-only blocks look.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .loader import LINK
from .model import Catalog, CaseStudy, Exercise, GlossaryTerm, Module, Unit, hhmm

EDITIONS = ("teilnehmende", "trainer")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/", "./", "../")
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]+`)", re.S)
_INLINE_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*([^)\s]*)[^)]*\)")
_REF_DEF = re.compile(r"^(\s{0,3})\[([^\]\n]+)\]:", re.M)
_HEADING = re.compile(r"^(#{1,6})(?=\s|$)", re.M)
_PLAIN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")  # what Python-Markdown (with tables) can escape


@dataclass
class Context:
    """How to render for one output.

    ``link(id)`` returns the URL of an item in this output, or None when the item is not part of it (its
    text is then shown without a link). ``cite(ids)`` returns the Markdown for a list of references.
    """

    target: str  # "site" | "print"
    edition: str = "trainer"
    link: Callable[[str], str | None] = lambda _id: None
    cite: Callable[[list[str]], str] = lambda ids: ", ".join(ids)
    term_link: Callable[[str], str | None] = lambda _id: None

    @property
    def trainer(self) -> bool:
        return self.edition == "trainer"


# --- escaping ---------------------------------------------------------------------------------------------

_INTRAWORD_STAR = re.compile(r"(?<=\w)\*(?=\w)")
_HASH_WORD = re.compile(r"^( {0,3}(?:> ?)*)(#+)(?=[^\s#])", re.M)  # "#set …": a heading to Python-Markdown, text to pandoc
# (?=[^\n]*\S)[^\n]+ rather than [^\n]*\S[^\n]*: the same lines, without quadratic backtracking on every paragraph
_SETEXT = re.compile(r"(?:\A|(?<=\n\n))(?! {4})(?=[^\n]*\S)([^\n]+)\n {0,3}(=+|-+)[ \t]*(?=\n|\Z)")


def _escape_chunk(text: str, ctx: Context) -> str:
    # Each pass runs only where its trigger character occurs: most paragraphs need none of them.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    if "#" in text:
        text = _HASH_WORD.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    if "\n=" in text or "\n-" in text or "\n " in text:
        # underlined (setext) headings become "#" headings, so that shift_headings puts them at the right level
        text = _SETEXT.sub(lambda m: ("# " if m.group(2)[0] == "=" else "## ") + m.group(1).strip(), text)
    text = text.replace("![", "!\\[")  # images come only from the `abbildungen` field, with alt text
    if "*" in text:
        # A star inside a word is text, not emphasis: the gender star ("Bürger*innen und Schüler*innen")
        # and arithmetic ("7*7") would otherwise turn the words between two stars italic.
        text = _INTRAWORD_STAR.sub(r"\\*", text)
    if ctx.target == "print":
        # pandoc would read these as citations, maths or raw TeX; in content they are plain characters.
        text = re.sub(r"([@$])", r"\\\1", text)
    return text


def _safe_links(text: str, ctx: Context) -> str:
    def inline(m: re.Match) -> str:
        label, url = m.group(1), m.group(2)
        if url.lower().startswith(_SAFE_SCHEMES) or re.match(r"^[\w./-]*$", url) and ":" not in url:
            return m.group(0)
        return "\\[" + label + "\\](" + url.replace(":", "&#58;") + ")"  # shown as text, never a link
    text = _INLINE_LINK.sub(inline, text)
    return _REF_DEF.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", text)


def _item_links(text: str, ctx: Context, catalog: Catalog | None) -> str:
    def repl(m: re.Match) -> str:
        target, label = m.group(1), m.group(2)
        label = label or (title_of(catalog, target) if catalog else target)
        url = ctx.link(target) or ctx.term_link(target)
        return f"[{label}]({url})" if url else label
    return LINK.sub(repl, text)


def markdown(text: str, ctx: Context, catalog: Catalog | None = None, *, level: int = 0) -> str:
    """Content Markdown → Markdown that is safe for the target. ``level``: the top heading level in it."""
    text = text.replace("\r\n", "\n")
    parts = _CODE.split(text) if ("`" in text or "~~~" in text) else [text]
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # code: shown as typed; the Markdown processors escape it themselves
            out.append(part)
            continue
        part = _escape_chunk(part, ctx)
        if "](" in part or "]:" in part:
            part = _safe_links(part, ctx)
        if "[[" in part:
            part = _item_links(part, ctx, catalog)
        out.append(part)
    result = "".join(out).strip("\n")
    return shift_headings(result, level) if level and "#" in result else result


def plain(text: str, ctx: Context | None = None, catalog: Catalog | None = None) -> str:
    """Plain text (titles, list items) → Markdown that shows exactly this text.

    With a catalogue, ``[[id]]`` links are honoured here too (the loader checks them in every field).
    """
    text = str(text)
    if catalog is not None and ctx is not None and "[[" in text:
        parts = LINK.split(text)  # text, id, label, text, id, label, …
        out = []
        for i in range(0, len(parts), 3):
            out.append(plain(parts[i], ctx))
            if i + 1 < len(parts):
                out.append(_item_links(f"[[{parts[i + 1]}{'|' + parts[i + 2] if parts[i + 2] else ''}]]", ctx, catalog))
        return "".join(out)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _PLAIN_SPECIAL.sub(r"\\\1", text)
    if ctx is not None and ctx.target == "print":
        text = re.sub(r"([@$^~])", r"\\\1", text)  # citations, maths, super-/subscript, strikeout to pandoc
    text = " ".join(text.split())
    # at the start of a line these would begin a quote or a (nested) list: "> …", "- …", "+ …", "1. …"
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([>+-])", r"\\\1", text))


def cell(text: str, ctx: Context | None = None) -> str:
    """Plain text for a pipe-table cell (plain() escapes "|" already; escaping it twice would split the cell)."""
    return plain(text, ctx)


def shift_headings(md: str, level: int) -> str:
    """Make the highest heading in ``md`` sit at ``level`` (so no heading level is skipped on a page)."""
    found = [len(h) for h in _HEADING.findall(md)]
    if not found:
        return md
    delta = level - min(found)
    return _HEADING.sub(lambda m: "#" * max(1, min(6, len(m.group(1)) + delta)), md)


def h(level: int, text: str, anchor: str = "") -> str:
    return "#" * min(level, 6) + " " + text + (f" {{#{anchor}}}" if anchor else "")


# --- labels -----------------------------------------------------------------------------------------------

def title_of(catalog: Catalog, item_id: str) -> str:
    if item_id in catalog.module_by_id:
        m = catalog.module_by_id[item_id]
        return f"Modul {m.number}: {m.title}"
    if item_id in catalog.units:
        return unit_label(catalog, catalog.units[item_id])
    if item_id in catalog.case_by_id:
        return catalog.case_by_id[item_id].title
    if item_id in catalog.term_by_id:
        return catalog.term_by_id[item_id].term
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


def callout(kind: str, title: str, body: str, ctx: Context, *, collapsed: bool = True) -> str:
    """A labelled block. Site: an admonition (collapsible); print: a fenced div the print template styles."""
    if ctx.target == "site":
        marker = "???" if collapsed else "!!!"
        indented = "\n".join(("    " + ln) if ln.strip() else "" for ln in body.splitlines())
        return f'{marker} {kind} "{title}"\n\n{indented}'
    return f'::: {{.callout .{kind} title="{title}"}}\n{body}\n:::'


def bullet_list(items: list[str], ctx: Context, *, ordered: bool = False, catalog: Catalog | None = None) -> str:
    return "\n".join(f"{i + 1}. {plain(x, ctx, catalog)}" if ordered else f"- {plain(x, ctx, catalog)}"
                     for i, x in enumerate(items))


# --- items ------------------------------------------------------------------------------------------------

def exercise_md(catalog: Catalog, unit: Unit, ex: Exercise, ctx: Context, level: int, *, anchor: bool = True) -> str:
    """An exercise. ``anchor=False`` for a second copy in the same document (print worksheets)."""
    number = f"{unit_number(catalog, unit)}.{unit.exercises.index(ex) + 1}"
    parts = [h(level, f"Übung {number}: {plain(ex.title, ctx)}", ex.id if anchor else ""),
             f"*{plain(ex.social_form, ctx)} · {minutes_de(ex.minutes)}*",
             markdown(ex.task, ctx, catalog, level=level + 1)]
    if ctx.trainer and ex.solution_hint:
        parts.append(callout("loesung", "Lösungshinweis", markdown(ex.solution_hint, ctx, catalog, level=level + 1), ctx))
    return "\n\n".join(parts)


def unit_md(catalog: Catalog, unit: Unit, ctx: Context, level: int = 1) -> str:
    """A unit: title, facts, learning objectives, text, exercises, trainer notes, literature, glossary."""
    facts = [f"**Dauer:** {minutes_de(unit.minutes)}"]
    if unit.methods:
        facts.append("**Methoden:** " + ", ".join(plain(x, ctx) for x in unit.methods))
    if unit.materials:
        facts.append("**Material:** " + ", ".join(plain(x, ctx) for x in unit.materials))
    parts = [h(level, plain(unit_label(catalog, unit), ctx), unit.id), "  \n".join(facts),
             h(level + 1, "Lernziele"), "Die Teilnehmenden können …", bullet_list(unit.objectives, ctx),
             h(level + 1, "Inhalt"), markdown(unit.content, ctx, catalog, level=level + 2)]
    for fig in unit.figures:
        parts.append(figure_md(fig.file, fig.alt, fig.caption, ctx))
    if unit.exercises:
        parts.append(h(level + 1, "Übungen"))
        parts += [exercise_md(catalog, unit, ex, ctx, level + 2) for ex in unit.exercises]
    if ctx.trainer and unit.trainer_notes:
        parts.append(callout("trainer", "Für Trainer:innen", markdown(unit.trainer_notes, ctx, catalog, level=level + 2), ctx))
    if unit.references:
        parts += [h(level + 1, "Literatur"), ctx.cite(unit.references)]
    if unit.glossary:
        terms = []
        for tid in unit.glossary:
            term = catalog.term_by_id[tid]
            url = ctx.term_link(tid)
            terms.append(f"[{plain(term.term, ctx)}]({url})" if url else plain(term.term, ctx))
        parts += [h(level + 1, "Begriffe"), ", ".join(terms)]
    return "\n\n".join(parts) + "\n"


def figure_md(file: str, alt: str, caption: str, ctx: Context) -> str:
    alt_text = plain(alt, ctx).replace('"', "&quot;")
    return f'![{plain(caption or alt, ctx)}]({ctx.link("file:" + file) or file}){{alt="{alt_text}"}}'


def module_overview_md(catalog: Catalog, module: Module, ctx: Context, level: int = 1) -> str:
    """A module's overview: description, duration, objectives, its units, its case studies."""
    hours = module.minutes / 60
    parts = [h(level, plain(f"Modul {module.number}: {module.title}", ctx), module.id),
             markdown(module.description, ctx, catalog, level=level + 1),
             f"**Dauer:** {format_days(module.days)} · {minutes_de(module.minutes)} Unterrichtszeit "
             f"({hours:.1f} Zeitstunden)".replace(".", ","),
             h(level + 1, "Lernziele"), "Die Teilnehmenden können …", bullet_list(module.objectives, ctx),
             h(level + 1, "Unterrichtseinheiten"),
             "| Nr. | Einheit | Dauer | Übungen |\n| --- | --- | --- | --- |"]
    rows = []
    for unit in module.units:
        url = ctx.link(unit.id)
        title = f"[{cell(unit.title, ctx)}]({url})" if url else cell(unit.title, ctx)
        rows.append(f"| {unit_number(catalog, unit)} | {title} | {unit.minutes} min | {len(unit.exercises)} |")
    parts[-1] += "\n" + "\n".join(rows)
    cases = catalog.cases_for_module(module.id)
    if cases:
        parts.append(h(level + 1, "Fallstudien zu diesem Modul"))
        items = []
        for case in cases:
            url = ctx.link(case.id)
            stage = catalog.vocabulary.stages[case.escalation_stage]
            title = f"[{plain(case.title, ctx)}]({url})" if url else plain(case.title, ctx)
            items.append(f"- {title} – {plain(catalog.vocabulary.constellations[case.constellation].name, ctx)}, "
                         f"Eskalationsstufe {case.escalation_stage} ({plain(stage.name, ctx)})")
        parts.append("\n".join(items))
    return "\n\n".join(parts) + "\n"


def format_days(days: float) -> str:
    n = f"{days:g}".replace(".", ",")
    return f"{n} Schulungstag" + ("" if days == 1 else "e")


def case_facts(catalog: Catalog, case: CaseStudy) -> list[tuple[str, str]]:
    """Label/value pairs shown at the top of a case (plain text)."""
    v = catalog.vocabulary
    stage = v.stages[case.escalation_stage]
    return [
        ("Kommune", f"{v.municipality_types[case.municipality_type].name}, {case.region}"),
        ("Zeitraum", case.period),
        ("Konstellation", v.constellations[case.constellation].name),
        ("Themen", ", ".join(v.topics[t].name for t in case.topics)),
        ("Eskalationsstufe", f"{case.escalation_stage} – {stage.name} ({stage.phase})"),
        ("Herkunft", "aus mehreren Situationen zusammengesetzt und fiktionalisiert" if case.origin == "zusammengesetzt"
         else "realer Fall, anonymisiert"),
    ]


def case_md(catalog: Catalog, case: CaseStudy, ctx: Context, level: int = 1) -> str:
    """A case study, complete, for reading and for class work."""
    facts = "| Merkmal | Angabe |\n| --- | --- |\n" + "\n".join(f"| **{k}** | {cell(val, ctx)} |" for k, val in case_facts(catalog, case))
    modules = []
    for mid in case.modules:
        m = catalog.module_by_id[mid]
        url = ctx.link(mid)
        modules.append(f"[Modul {m.number}]({url})" if url else f"Modul {m.number}")
    facts += f"\n| **Module** | {', '.join(modules)} |"
    actors = "| Rolle | Interessen | Position |\n| --- | --- | --- |\n" + "\n".join(
        f"| {cell(a.role, ctx)} | {cell(a.interests, ctx)} | {cell(a.position or '–', ctx)} |" for a in case.actors)
    sections = [("Ausgangslage", case.situation), ("Verlauf", case.course), ("Intervention", case.intervention),
                ("Ergebnis", case.outcome)]
    parts = [h(level, plain(case.title, ctx), case.id), facts, h(level + 1, "Beteiligte"), actors]
    for title, text in sections:
        parts += [h(level + 1, title), markdown(text, ctx, catalog, level=level + 2)]
    parts += [h(level + 1, "Lernerfahrungen"), bullet_list(case.lessons, ctx, catalog=catalog),
              h(level + 1, "Reflexionsfragen"), bullet_list(case.questions, ctx, ordered=True, catalog=catalog)]
    an = case.anonymisation
    parts.append(f"*Anonymisierung: {plain(an.procedure, ctx)} Geprüft von: {plain(an.checked_by, ctx)}, "
                 f"{an.checked_on.month:02d}/{an.checked_on.year}.*")
    return "\n\n".join(parts) + "\n"


def glossary_md(catalog: Catalog, ctx: Context, level: int = 1, terms: list[GlossaryTerm] | None = None) -> str:
    """The glossary (or the given terms), alphabetically, each with an anchor."""
    parts = []
    for term in sorted(terms if terms is not None else catalog.glossary, key=lambda t: t.term.casefold()):
        title = plain(term.term, ctx) + (f" ({plain(term.abbreviation, ctx)})" if term.abbreviation else "")
        parts += [h(level, title, term.id), markdown(term.definition, ctx, catalog)]
        if term.see:
            links = []
            for sid in term.see:
                url = ctx.term_link(sid)
                name = plain(catalog.term_by_id[sid].term, ctx)
                links.append(f"[{name}]({url})" if url else name)
            parts.append("Siehe auch: " + ", ".join(links))
    return "\n\n".join(parts) + "\n"


def schedule_md(catalog: Catalog, pack, ctx: Context, level: int = 2) -> str:
    """The Ablaufplan of a course pack: a table per day with computed times."""
    from .model import german_date
    parts = []
    for day in pack.days:
        rows = ["| Zeit | Programm | Dauer |", "| --- | --- | --- |"]
        for b in day.blocks:
            if b.kind == "unit":
                unit = catalog.units[b.unit_id]
                url = ctx.link(unit.id)
                label = cell(unit_label(catalog, unit), ctx)
                label = f"[{label}]({url})" if url else label
            else:
                label = f"*{cell(b.title, ctx)}*"
            rows.append(f"| {hhmm(b.start)}–{hhmm(b.end)} | {label} | {b.minutes} min |")
        parts += [h(level, f"{german_date(day.date)}, {hhmm(day.start)}–{hhmm(day.end)} Uhr"), "\n".join(rows)]
    return "\n\n".join(parts) + "\n"
