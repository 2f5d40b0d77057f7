"""The only code that reads content YAML: parse, validate, cross-check, and return a :class:`Catalog`.

Every problem in every file is collected; :func:`load` raises :class:`ContentError` once with all of
them, so nothing downstream ever sees half-valid content.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path

from . import figures, glyphs, packs
from . import text as T
from .errors import ContentError, Problem
from .model import (MATERIAL_KINDS, Actor, Anonymisation, Block, Catalog, CaseStudy, CoursePack, Day, Exception_, Exercise,
                    Figure, GlossaryTerm, Licence, Material, Meta, Module, Named, Question, Reference, Role, Source,
                    Stage, Task, Unit, Vocabulary, hhmm)
from .parse import Document, FileProblem, decode, parse_file, read_regular
from .schema import describe, field_name, suggest, validate

log = logging.getLogger("handbook.loader")

#: The project's own link syntax inside Markdown: [[id]] or [[id|Linktext]].
LINK = T.LINK
#: A day in a date: 3.3.2022, 2022-03-03, 3. März
_DAY_PRECISE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\.\s*\d{1,2}\.|\b\d{1,2}\.\s*(Januar|Jänner|Februar|März|April|Mai|Juni|Juli|"
    r"August|September|Oktober|November|Dezember)\b", re.IGNORECASE)

SINGLE_FILES = {
    "vokabular.yml": "vokabular",
    "handbuch.yml": "handbuch",
    "glossar.yml": "glossar",
    "literatur.yml": "literatur",
}
FOLDERS = {"modules": "modul", "case_studies": "fallstudie", "course_packs": "kurspaket", "materialien": "material"}
#: Folders a content tree may leave out.
OPTIONAL_FOLDERS = {"course_packs", "materialien"}
MODULE_COUNT = 5


class _Context:
    """Problems and documents of one load."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

        # Ids found in files that failed validation: references to them are not reported again.
        self.lenient_ids: set[str] = set()

    def read(self, rel: str, kind: str) -> Document | None:
        doc = parse_file(self.root / rel, rel)
        self.problems.extend(doc.problems)
        if doc.problems:
            self.lenient_ids.add(Path(rel).stem)
            return None
        schema_problems = validate(doc, kind)
        self.problems.extend(schema_problems)
        if schema_problems:
            self.lenient_ids.update(_ids_in(doc.data))
            return None
        return doc

    def add(self, doc: Document, path, message: str, *, key: bool = False, code: str = "") -> None:
        self.problems.append(doc.problem(path, message, key=key, code=code))


def _ids_in(data: object) -> set[str]:
    """Every value of an ``id`` key anywhere in a document, however broken the rest is."""
    found: set[str] = set()
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            found.add(data["id"])
        for v in data.values():
            found |= _ids_in(v)
    elif isinstance(data, list):
        for v in data:
            found |= _ids_in(v)
    return found


def _md(ctx: _Context, doc: Document, path: tuple, value: object) -> T.Markdown:
    """A Markdown field, parsed once; what its author must fix is reported at its line and column."""
    if value is None:
        value = ""
    parsed = T.parse_markdown(str(value))
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    for issue in parsed.issues:
        line, col = doc.locate(path, issue.offset, issue.length)
        ctx.problems.append(Problem(doc.path, line, col, f"{key}: {issue.message}", issue.code))
    return parsed


def _pl(value: object) -> T.Plain:
    """A plain-text field, parsed once (text and [[id]] links)."""
    return T.parse_plain("" if value is None else str(value))


def _pls(values) -> list:
    return [_pl(v) for v in values or []]


def _tree(root: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The content files of a tree as (path relative to it, kind), in a stable order, and what is wrong with the tree.

    Only regular files directly in the content folders are content. A symlink (file or folder), a file whose
    ending is '.YML' or another spelling, and a subfolder holding YAML files are reported, never read or followed.
    """
    files: list[tuple[str, str]] = []
    problems: list[Problem] = []
    link = ("ist ein symbolischer Verweis (Symlink) – Inhalte müssen echte Dateien im Projektordner sein; "
            "der Verweis wurde nicht gelesen")
    for name, kind in SINGLE_FILES.items():
        path = root / name
        if path.is_symlink():
            problems.append(Problem(name, 1, 1, f"{name} {link}", "load.symlink"))
        elif path.exists():
            files.append((name, kind))
        else:
            for other in _case_variants(root, name):
                problems.append(Problem(other, 1, 1, f"Dateiname '{other}': erwartet '{name}' (in Kleinbuchstaben, Endung '.yml')",
                                        "load.name"))
    for folder, kind in FOLDERS.items():
        d = root / folder
        if d.is_symlink():
            problems.append(Problem(f"{folder}/", 1, 1, f"Ordner {folder}/ {link}", "load.symlink"))
            continue
        if not d.is_dir():
            continue
        found = []
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            rel = f"{folder}/{entry.name}"
            if entry.name.startswith("."):
                continue
            suffix = os.path.splitext(entry.name)[1]
            is_yaml = suffix.lower() in (".yml", ".yaml")
            if entry.is_symlink():
                if is_yaml or entry.is_dir():
                    problems.append(Problem(rel, 1, 1, f"{rel} {link}", "load.symlink"))
                continue
            if entry.is_dir(follow_symlinks=False):
                if _holds_yaml(Path(entry.path)):
                    problems.append(Problem(rel + "/", 1, 1, f"Unterordner {rel}/ wird nicht gelesen – Inhaltsdateien "
                                            f"gehören direkt in {folder}/ (oder den Ordner umbenennen, sodass er mit '.' beginnt)",
                                            "load.subfolder"))
                continue
            if not is_yaml:
                continue
            if suffix not in (".yml", ".yaml"):
                problems.append(Problem(rel, 1, 1, f"Dateiendung '{suffix}' wird nicht gelesen – bitte in "
                                        f"'{entry.name[: -len(suffix)]}.yml' umbenennen", "load.name"))
                continue
            if not entry.is_file(follow_symlinks=False):
                problems.append(Problem(rel, 1, 1, f"{rel} ist keine gewöhnliche Datei (Gerät oder Pipe) – "
                                        "erwartet wird eine echte Datei", "load.not_regular"))
                continue
            found.append((rel, kind))
        files += found
    return files, problems


def _case_variants(root: Path, name: str) -> list[str]:
    """Files beside ``name`` that differ from it only in case or in the '.yaml' ending (e.g. Glossar.YML)."""
    stem = name.rsplit(".", 1)[0]
    try:
        return sorted(e.name for e in os.scandir(root) if e.name != name and e.name.lower() in (f"{stem}.yml", f"{stem}.yaml"))
    except OSError:
        return []


def _holds_yaml(folder: Path, budget: int = 10_000) -> bool:
    """Whether a folder (not following links) holds a YAML file at any depth; looks at most at ``budget`` entries."""
    for _dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        budget -= len(dirnames) + len(filenames)
        if any(os.path.splitext(f)[1].lower() in (".yml", ".yaml") for f in filenames):
            return True
        if budget < 0:
            return False
    return False


def content_files(root: Path) -> list[str]:
    """The content files of a tree that are read, relative to it, in a stable order."""
    return [rel for rel, _ in _tree(Path(root))[0]]


def load(root: Path | str = ".", *, check_anonymity: bool = True) -> Catalog:
    """Load and check a content tree. Raises :class:`ContentError` with every problem found."""
    root = Path(root).resolve()
    ctx = _Context(root)
    scanner = _ParallelScan.start(root) if check_anonymity else None
    docs: dict[str, Document | None] = {}
    files, tree_problems = _tree(root)
    ctx.problems.extend(tree_problems)
    present = {rel for rel, _ in files}
    pages = _pages(root) if check_anonymity else []
    if scanner is not None:
        for rel, text in pages:
            scanner.add(("page", rel), [text], year=None)
    for name, kind in SINGLE_FILES.items():
        if name not in present:
            if not (root / name).is_symlink():
                ctx.problems.append(Problem(name, 1, 1, f"Datei fehlt: {name} wird für jedes Handbuch gebraucht", "load.missing"))
            docs[name] = None
        else:
            docs[name] = ctx.read(name, kind)
            if scanner is not None and docs[name] is not None:
                scanner.add_document(docs[name], kind)
    folder_docs: dict[str, list[Document]] = {folder: [] for folder in FOLDERS}
    for folder in FOLDERS:
        if folder not in OPTIONAL_FOLDERS and not (root / folder).is_dir() and not (root / folder).is_symlink():
            ctx.problems.append(Problem(f"{folder}/", 1, 1, f"Ordner fehlt: {folder}/", "load.missing"))
    for rel, kind in files:
        folder = rel.split("/", 1)[0]
        if folder not in FOLDERS:
            continue
        doc = ctx.read(rel, kind)
        if doc is not None:
            folder_docs[folder].append(doc)
            if scanner is not None:
                scanner.add_document(doc, kind)

    _check_edges(ctx, docs, folder_docs)
    vocab = _vocabulary(docs["vokabular.yml"])
    meta = _meta(ctx, docs["handbuch.yml"])
    glossary, glossary_docs = _glossary(ctx, docs["glossar.yml"])
    references = _references(ctx, docs["literatur.yml"])
    known_refs = {r.id for r in references} | ctx.lenient_ids
    known_terms = {t.id for t in glossary} | ctx.lenient_ids

    modules = [_module(ctx, doc) for doc in folder_docs["modules"]]
    cases = [_case(ctx, doc, vocab) for doc in folder_docs["case_studies"]]
    materials = [_material(ctx, doc) for doc in folder_docs["materialien"]]
    _check_modules(ctx, root, folder_docs["modules"], modules, known_refs, known_terms)

    # Ids are one namespace for [[links]]: they must be unique across kinds too.
    seen: dict[str, str] = {}
    def claim(item_id: str, doc: Document, path: tuple) -> None:
        if item_id in seen:
            ctx.add(doc, path, f"Kennung '{item_id}' ist schon vergeben ({seen[item_id]})", code="ref.duplicate_id")
        else:
            line, col = doc.where(path)
            seen[item_id] = f"{doc.path}:{line}:{col}"
    for doc, module in zip(folder_docs["modules"], modules):
        claim(module.id, doc, ("id",))
        for i, unit in enumerate(module.units):
            claim(unit.id, doc, ("einheiten", i, "id"))
            for j, ex in enumerate(unit.exercises):
                claim(ex.id, doc, ("einheiten", i, "uebungen", j, "id"))
    for doc, case in zip(folder_docs["case_studies"], cases):
        claim(case.id, doc, ("id",))
    for doc, material in zip(folder_docs["materialien"], materials):
        claim(material.id, doc, ("id",))
    if glossary_docs is not None:
        for i, term in enumerate(glossary):
            claim(term.id, glossary_docs, ("begriffe", i, "id"))

    module_ids = {m.id for m in modules} | ctx.lenient_ids
    unit_ids = {u.id for m in modules for u in m.units} | ctx.lenient_ids
    released = {c.id for c in cases if c.released} | ctx.lenient_ids
    withheld = {c.id for c in cases if not c.released}
    for doc, case in zip(folder_docs["case_studies"], cases):
        for i, mid in enumerate(case.modules):
            if mid not in module_ids:
                ctx.add(doc, ("module", i), f"module: unbekanntes Modul '{mid}'{suggest(mid, module_ids)}", code="ref.module")
        if not case.released:
            log.info("%s: nicht freigegeben – wird nirgends veröffentlicht", doc.path)
    all_modules_read = len(folder_docs["modules"]) == len([p for p in content_files(root) if p.startswith("modules/")])
    _check_materials(ctx, folder_docs["modules"], modules, folder_docs["materialien"], materials, module_ids,
                     all_modules_read)

    linkable = set(module_ids) | unit_ids | released | known_terms
    for doc in (folder_docs["modules"] + folder_docs["case_studies"] + folder_docs["materialien"]
                + ([glossary_docs] if glossary_docs else [])):
        _check_links(ctx, doc, linkable, withheld)
    for doc in [d for d in docs.values() if d is not None] + folder_docs["modules"] + folder_docs["case_studies"] \
            + folder_docs["course_packs"] + folder_docs["materialien"]:
        _check_glyphs(ctx, doc)

    case_titles = {c.id: c.title for c in cases if c.released}
    packs_ = [_pack(ctx, doc, {u.id: u.minutes for m in modules for u in m.units}, unit_ids, released, withheld,
                    case_titles, {u.id: u.break_points for m in modules for u in m.units})
              for doc in folder_docs["course_packs"]]

    review_notes: list[str] = []
    if check_anonymity:
        found = scanner.results() if scanner is not None else {}
        for doc, case in zip(folder_docs["case_studies"], cases):
            if case.released:
                _check_anonymity(ctx, doc, case, found.get(("case", doc.path)))
        allowed = _allow_list(docs["handbuch.yml"])
        _Allowed.used = set()  # per load: which allow-list entries covered a finding
        published = [d for d in [docs["handbuch.yml"], docs["glossar.yml"], docs["literatur.yml"], docs["vokabular.yml"]]
                     if d is not None]
        published += folder_docs["modules"] + folder_docs["materialien"]  # materials are published like units
        published += [d for d in folder_docs["course_packs"] if d.data.get("veroeffentlichen") is True]
        for doc in published:
            _check_published(ctx, doc, allowed, found.get(("published", doc.path)))
        _check_pages(ctx, pages, allowed, found)
        _check_figure_files(ctx, root, folder_docs["modules"])
        review_notes += _stale_allowed(docs["handbuch.yml"], allowed)
        review_notes += _review_warnings(root, [(d, c) for d, c in zip(folder_docs["case_studies"], cases) if c.released])

    if ctx.problems:
        raise ContentError(ctx.problems)
    assert meta is not None and vocab is not None  # guaranteed when no problem was found
    notes = [f"{c.source.path}: nicht freigegeben (anonymisierung.freigegeben: false) – wird nirgends veröffentlicht"
             for c in cases if not c.released] + review_notes + [w for p in packs_ for w in p.warnings]
    return Catalog(root=root, meta=meta, vocabulary=vocab, modules=sorted(modules, key=lambda m: m.number),
                   cases=sorted((c for c in cases if c.released), key=lambda c: c.id),
                   withheld=[c for c in cases if not c.released], glossary=glossary, references=references,
                   packs=packs_, notes=notes, materials=sorted(materials, key=lambda m: m.id))


# --- single files -----------------------------------------------------------------------------------------

def _vocabulary(doc: Document | None) -> Vocabulary | None:
    if doc is None:
        return None
    d = doc.data
    named = lambda items: {i["id"]: Named(i["id"], i["name"], i.get("beschreibung", "")) for i in items}
    return Vocabulary(
        constellations=named(d["konstellationen"]), topics=named(d["themen"]),
        stages={s["stufe"]: Stage(s["stufe"], s["name"], s["phase"]) for s in d["eskalationsstufen"]},
        municipality_types=named(d["kommunetypen"]))


def _meta(ctx: _Context, doc: Document | None) -> Meta | None:
    if doc is None:
        return None
    d = doc.data
    lic = d["lizenz"]
    return Meta(title=_pl(d["titel"]), subtitle=_pl(d.get("untertitel", "")), edition=dt.date.fromisoformat(d["stand"]),
                editor=_pl(d["herausgeber"]), licence=Licence(_pl(lic["name"]), _pl(lic["kennung"]), lic.get("url", "")),
                imprint=_md(ctx, doc, ("impressum",), d.get("impressum", "")), contact_role=_pl(d["kontakt"]["rolle"]),
                contact_email=_pl(d["kontakt"]["email"]))


def _glossary(ctx: _Context, doc: Document | None) -> tuple[list[GlossaryTerm], Document | None]:
    if doc is None:
        return [], None
    terms = [GlossaryTerm(t["id"], _pl(t["begriff"]), _md(ctx, doc, ("begriffe", i, "definition"), t["definition"]),
                          _pl(t.get("abkuerzung", "")), t.get("siehe", []))
             for i, t in enumerate(doc.data["begriffe"])]
    ids = {t.id for t in terms}
    for i, term in enumerate(terms):
        for j, ref in enumerate(term.see):
            if ref not in ids:
                ctx.add(doc, ("begriffe", i, "siehe", j),
                        f"siehe: unbekannter Glossarbegriff '{ref}'{suggest(ref, ids)}", code="ref.glossary")
    return terms, doc


def _references(ctx: _Context, doc: Document | None) -> list[Reference]:
    if doc is None:
        return []
    refs = []
    seen: set[str] = set()
    for i, item in enumerate(doc.data["references"]):
        if item["id"] in seen:
            ctx.add(doc, ("references", i, "id"), f"Kennung '{item['id']}' kommt in literatur.yml zweimal vor",
                    code="ref.duplicate_id")
        seen.add(item["id"])
        refs.append(Reference(item["id"], item))
    return refs


# --- modules ----------------------------------------------------------------------------------------------

def _module(ctx: _Context, doc: Document) -> Module:
    d = doc.data
    units = []
    for i, u in enumerate(d["einheiten"]):
        line, col = doc.where(("einheiten", i))
        at = ("einheiten", i)
        exercises = [Exercise(e["id"], _pl(e["titel"]), e["dauer_min"], _pl(e["sozialform"]),
                              _md(ctx, doc, at + ("uebungen", j, "aufgabe"), e["aufgabe"]),
                              _md(ctx, doc, at + ("uebungen", j, "loesungshinweis"), e.get("loesungshinweis", "")), u["id"],
                              e.get("materialien", []))
                     for j, e in enumerate(u.get("uebungen", []))]
        figures = [Figure(f.get("datei", ""), _pl(f["alt"]), _pl(f.get("titel", "")), f.get("diagramm", ""))
                   for f in u.get("abbildungen", [])]
        units.append(Unit(u["id"], _pl(u["titel"]), u["dauer_min"], _pls(u["lernziele"]),
                          _md(ctx, doc, at + ("inhalt",), u["inhalt"]), _pls(u.get("methoden", [])),
                          _pls(u.get("material", [])), exercises,
                          _md(ctx, doc, at + ("trainerhinweise",), u.get("trainerhinweise", "")), u.get("literatur", []),
                          u.get("glossar", []), figures, d["id"], Source(doc.path, line, col),
                          u.get("materialien", []), sorted(u.get("pausenpunkte", []))))
        for k, minute in enumerate(u.get("pausenpunkte", [])):
            if minute >= u["dauer_min"]:
                ctx.add(doc, at + ("pausenpunkte", k), f"pausenpunkte: {minute} – die Einheit '{u['id']}' dauert nur "
                                                       f"{u['dauer_min']} Minuten; ein Pausenpunkt liegt innerhalb der Einheit",
                        code="unit.break_point")
    return Module(d["id"], d["nummer"], _pl(d["titel"]), _md(ctx, doc, ("beschreibung",), d["beschreibung"]),
                  d["dauer_tage"], _pls(d["lernziele"]), units, Source(doc.path, 1, 1))


# The site and the print put "Die Teilnehmenden können …" above every list of learning goals.
_OBJECTIVE_LEAD = re.compile(r"\s*(die\s+)?(teilnehmenden|teilnehmende|teilnehmer:innen)\s+können\b", re.IGNORECASE)


def _check_objectives(ctx: _Context, doc: Document, path: tuple, objectives: list[str]) -> None:
    for k, goal in enumerate(objectives):
        lead = _OBJECTIVE_LEAD.match(goal) if isinstance(goal, str) else None
        if lead:
            ctx.add(doc, path + (k,), f"lernziele[{k + 1}]: beginnt mit „{lead.group(0).strip()}“ – "
                    "diesen Satzanfang setzen Website und PDF selbst davor; das Lernziel mit dem Inhalt beginnen "
                    "(z. B. „die neun Eskalationsstufen benennen“)", code="content.objective_lead")


def _check_modules(ctx: _Context, root: Path, docs: list[Document], modules: list[Module],
                   known_refs: set[str], known_terms: set[str]) -> None:
    parsed_all = len(docs) == len([p for p in content_files(root) if p.startswith("modules/")])
    if parsed_all and len(modules) != MODULE_COUNT:
        ctx.problems.append(Problem("modules/", 1, 1, f"erwartet genau {MODULE_COUNT} Module, gefunden {len(modules)}",
                                    "load.module_count"))
    numbers: dict[int, str] = {}
    for doc, module in zip(docs, modules):
        if module.id != f"m{module.number}":
            ctx.add(doc, ("id",), f"id: erwartet 'm{module.number}' passend zu nummer {module.number}, gefunden '{module.id}'",
                    code="ref.module_id")
        if module.number in numbers:
            ctx.add(doc, ("nummer",), f"nummer: Modul {module.number} gibt es schon ({numbers[module.number]})",
                    code="ref.duplicate_id")
        numbers.setdefault(module.number, doc.path)
        _check_objectives(ctx, doc, ("lernziele",), module.objectives)
        for i, unit in enumerate(module.units):
            _check_objectives(ctx, doc, ("einheiten", i, "lernziele"), unit.objectives)
            if not unit.id.startswith(module.id + "-"):
                ctx.add(doc, ("einheiten", i, "id"),
                        f"einheiten[{i + 1}].id: erwartet eine Kennung, die mit '{module.id}-' beginnt, gefunden '{unit.id}'",
                        code="ref.unit_id")
            for j, ex in enumerate(unit.exercises):
                if not ex.id.startswith(unit.id + "-"):
                    ctx.add(doc, ("einheiten", i, "uebungen", j, "id"),
                            f"uebungen[{j + 1}].id: erwartet eine Kennung, die mit '{unit.id}-' beginnt, gefunden '{ex.id}'",
                            code="ref.exercise_id")
            for j, ref in enumerate(unit.references):
                if ref not in known_refs:
                    ctx.add(doc, ("einheiten", i, "literatur", j),
                            f"literatur: unbekannte Literaturangabe '{ref}'{suggest(ref, known_refs)} (Kennungen stehen in literatur.yml)",
                            code="ref.literature")
            for j, term in enumerate(unit.glossary):
                if term not in known_terms:
                    ctx.add(doc, ("einheiten", i, "glossar", j),
                            f"glossar: unbekannter Glossarbegriff '{term}'{suggest(term, known_terms)} (Kennungen stehen in glossar.yml)",
                            code="ref.glossary")
            for j, fig in enumerate(unit.figures):
                raw = doc.data["einheiten"][i]["abbildungen"][j]
                if ("datei" in raw) == ("diagramm" in raw):
                    ctx.add(doc, ("einheiten", i, "abbildungen", j),
                            f"abbildungen[{j + 1}]: " + ("entweder 'datei' oder 'diagramm' angeben, nicht beides"
                                                         if "datei" in raw else
                                                         "Pflichtfeld 'datei' (eine Bilddatei) oder 'diagramm' "
                                                         "(ein gezeichnetes Diagramm) fehlt"), code="ref.figure")
                    continue
                if fig.diagram:
                    continue  # the schema knows the diagram names
                try:
                    figures.check(root, fig.file)
                except figures.FigureProblem as exc:
                    ctx.add(doc, ("einheiten", i, "abbildungen", j, "datei"), f"abbildungen: {exc}", code="ref.figure")


# --- materials --------------------------------------------------------------------------------------------

#: Which optional fields each kind of material may have (the schema makes the required ones required).
_KIND_FIELDS = {
    "arbeitsblatt": {"aufgaben", "inhalt"},
    "rollenkarte": {"situation", "rollen"},
    "checkliste": {"punkte", "inhalt"},
    "evaluationsbogen": {"fragen", "inhalt"},
    "handout": {"inhalt"},
    "vorlage": {"inhalt"},
}
_KIND_ONLY_FIELDS = {"aufgaben", "punkte", "fragen", "situation", "rollen", "inhalt"}

#: A unit text that names a material of one of these kinds must be backed by a referenced material of it.
#: Narrow on purpose: only these four nouns (singular, plural and compounds that start with them, such as
#: "Rollenkartenset"), capitalised, at the start of a word; other words ("Vorlage", "Beobachtungsbogen",
#: "Rollenlandkarte") are not material names the check can be sure of.
NAMED_MATERIAL = re.compile(r"(?<![\w-])(?:(Rollenkarte)|(Arbeitsbl(?:att|ätter))|(Checkliste)|((?:Frage|Evaluations)b(?:ogen|ögen)))\w*")
_NAMED_KINDS = ("rollenkarte", "arbeitsblatt", "checkliste", "evaluationsbogen")
#: Words that name a material by what it is, not by its kind (a set of Fallvignetten can be a handout or a
#: worksheet): a unit text with one of them must be backed by a referenced material whose title names the same
#: thing. Same narrowness as above: capitalised, at the start of a word, singular, plural and compounds.
NAMED_BY_TITLE = re.compile(r"(?<![\w-])(?:(Fallvignette)|(Fragenkarte)|(Ausz(?:ug|üge)))\w*")
_TITLE_WORDS = (("Fallvignette", ("fallvignette",)), ("Fragenkarte", ("fragenkarte",)), ("Auszug", ("auszug", "auszüge")))
#: A poster with prepared content, named in a unit's `material:` list: a compound ("Phasenplakat",
#: "Vier-Seiten-Plakat") or a poster "mit …", "zu …", "„…“" or followed by a name ("Plakat Kirkpatrick-Ebenen").
#: Blank paper ("Plakate", "Plakatpapier") and results of earlier units ("Plakate aus m1-e4") are not materials.
PREPARED_POSTER = re.compile(r"(?<![\w-])[\w-]*\w-?(?:[Pp]lakat|[Pp]oster)\w*"
                             r"|(?<![\w-])(?:Plakat|Poster)e?\s+(?:(?:mit|zu|zum|zur|über)\b|[„\"»]|[A-ZÄÖÜ])")


def _material(ctx: _Context, doc: Document) -> Material:
    d = doc.data
    stem = Path(doc.path).stem
    if d["id"] != stem:
        ctx.add(doc, ("id",), f"id: erwartet '{stem}' wie der Dateiname, gefunden '{d['id']}'", code="ref.material_id")
    kind = d["art"]
    for key in d:
        if key in _KIND_ONLY_FIELDS and key not in _KIND_FIELDS[kind]:
            owners = " oder ".join(f"'{k}'" for k, fields in _KIND_FIELDS.items() if key in fields)
            ctx.add(doc, (key,), f"{key}: passt nicht zu art '{kind}' – dieses Feld gibt es nur bei art {owners}",
                    key=True, code="material.field")
    md = lambda path, value: _md(ctx, doc, path, value)
    tasks = [Task(md(("aufgaben", i, "text"), a["text"]), a["platz"], a.get("form", "linien") == "kasten")
             for i, a in enumerate(d.get("aufgaben", []))]
    questions = [Question(md(("fragen", i, "text"), q["text"]), _pls(q.get("skala", [])), q.get("platz", 3),
                          _pl(q.get("abschnitt", ""))) for i, q in enumerate(d.get("fragen", []))]
    roles = [Role(_pl(r["rolle"]), md(("rollen", i, "oeffentlich"), r["oeffentlich"]),
                  md(("rollen", i, "vertraulich"), r["vertraulich"])) for i, r in enumerate(d.get("rollen", []))]
    items = [md(("punkte", i), x) for i, x in enumerate(d.get("punkte", []))]
    return Material(d["id"], _pl(d["titel"]), kind, d["module"], md(("zweck",), d["zweck"]), d.get("dauer_min"),
                    md(("inhalt",), d.get("inhalt", "")), tasks, items, questions,
                    md(("situation",), d.get("situation", "")), roles, md(("trainerhinweise",), d.get("trainerhinweise", "")),
                    Source(doc.path, 1, 1))


def _named_by_title(ctx: _Context, doc: Document, path: tuple, start: int, shown: str, unit_id: str, word: str) -> None:
    line, col = doc.locate(path, start, len(shown))
    ctx.problems.append(Problem(
        doc.path, line, col,
        f"{field_name(path)} nennt '{shown}', aber weder die Einheit {unit_id} noch ihre Übungen verweisen auf "
        f"ein Material mit '{word}' im Titel – das Material in materialien/ anlegen und unter materialien: eintragen"
        + (" (oder, wenn die Trainer:innen es live schreiben, als Flipchart benennen)" if word == "Plakat" else ""),
        "ref.material_named"))


def _check_materials(ctx: _Context, module_docs: list[Document], modules: list[Module], material_docs: list[Document],
                     materials: list[Material], module_ids: set[str], all_modules_read: bool) -> None:
    """References between units/exercises and materials, both ways, and materials a unit names but does not use."""
    by_id = {m.id: m for m in materials}
    known = set(by_id) | ctx.lenient_ids
    used: set[str] = set()
    for doc, material in zip(material_docs, materials):
        for i, mid in enumerate(material.modules):
            if mid not in module_ids:
                ctx.add(doc, ("module", i), f"module: unbekanntes Modul '{mid}'{suggest(mid, module_ids)}", code="ref.module")
    for doc, module in zip(module_docs, modules):
        for i, unit in enumerate(module.units):
            refs = [(("einheiten", i, "materialien", k), mid) for k, mid in enumerate(unit.material_ids)]
            refs += [(("einheiten", i, "uebungen", j, "materialien", k), mid)
                     for j, ex in enumerate(unit.exercises) for k, mid in enumerate(ex.material_ids)]
            for where, mid in refs:
                used.add(mid)
                if mid not in known:
                    ctx.add(doc, where, f"materialien: unbekanntes Material '{mid}'{suggest(mid, known)} "
                                        "(Kennungen sind die Dateinamen in materialien/)", code="ref.material")
                elif mid in by_id and module.id not in by_id[mid].modules:
                    ctx.add(doc, where, f"materialien: '{mid}' gehört laut {by_id[mid].source.path} nicht zu Modul "
                                        f"{module.id} – dort unter module: '{module.id}' ergänzen", code="ref.material_module")
            if any(mid not in by_id for _, mid in refs):
                continue  # a broken or unknown material: its kind is unknown, so the text check would only guess
            kinds = {by_id[mid].kind for _, mid in refs}
            titles = [str(by_id[mid].title).lower() for _, mid in refs]
            texts = [(("einheiten", i, "inhalt"), unit.content)]
            if unit.trainer_notes:
                texts.append((("einheiten", i, "trainerhinweise"), unit.trainer_notes))
            texts += [(("einheiten", i, "material", k), s) for k, s in enumerate(unit.materials)]
            texts += [(("einheiten", i, "uebungen", j, "aufgabe"), ex.task) for j, ex in enumerate(unit.exercises)]
            texts += [(("einheiten", i, "uebungen", j, "loesungshinweis"), ex.solution_hint)
                      for j, ex in enumerate(unit.exercises) if ex.solution_hint]
            for path, text in texts:
                for m in NAMED_MATERIAL.finditer(text):
                    kind = _NAMED_KINDS[next(g for g in range(4) if m.group(g + 1))]
                    if kind in kinds:
                        continue
                    line, col = doc.locate(path, m.start(), len(m.group(0)))
                    ctx.problems.append(Problem(
                        doc.path, line, col,
                        f"{field_name(path)} nennt '{m.group(0)}', aber weder die Einheit {unit.id} noch ihre Übungen "
                        f"verweisen auf ein Material der Art '{kind}' – das Material in materialien/ anlegen und unter "
                        "materialien: eintragen", "ref.material_named"))
                for m in NAMED_BY_TITLE.finditer(text):
                    word, stems = _TITLE_WORDS[next(g for g in range(3) if m.group(g + 1))]
                    if any(stem in title for title in titles for stem in stems):
                        continue
                    _named_by_title(ctx, doc, path, m.start(), m.group(0), unit.id, word)
            for k, entry in enumerate(unit.materials):
                if PREPARED_POSTER.search(entry) and not any(w in t for t in titles for w in ("plakat", "poster")):
                    _named_by_title(ctx, doc, ("einheiten", i, "material", k), 0, entry, unit.id, "Plakat")
    for doc, material in zip(material_docs, materials):
        if all_modules_read and material.id not in used:
            ctx.add(doc, ("id",), f"Material '{material.id}' wird von keiner Einheit und keiner Übung verwendet – in "
                                  "modules/ unter materialien: eintragen oder die Datei entfernen", code="ref.material_unused")


# --- case studies -----------------------------------------------------------------------------------------

def _case(ctx: _Context, doc: Document, vocab: Vocabulary | None) -> CaseStudy:
    d = doc.data
    stem = Path(doc.path).stem
    if d["id"] != stem:
        ctx.add(doc, ("id",), f"id: erwartet '{stem}' wie der Dateiname, gefunden '{d['id']}'", code="ref.case_id")
    period = str(d["zeitraum"])
    if _DAY_PRECISE.search(period):
        ctx.add(doc, ("zeitraum",), f"zeitraum: nur ein Jahr oder eine Jahreszeit angeben (z. B. '2022' oder "
                                    f"'Winter 2022/23'), nicht den Tag – gefunden {describe(period)}", code="anon.zeitraum")
    if vocab is not None:
        kommune_typ = d["kommune"]["typ"]
        if kommune_typ not in vocab.municipality_types:
            ctx.add(doc, ("kommune", "typ"), f"kommune.typ: erwartet einen der Werte {_choices(vocab.municipality_types)}, "
                                             f"gefunden {describe(kommune_typ)}{suggest(kommune_typ, vocab.municipality_types)}",
                    code="vocab.kommunetyp")
        if d["konstellation"] not in vocab.constellations:
            ctx.add(doc, ("konstellation",), f"konstellation: erwartet eine der sechs Konstellationen "
                                             f"{_choices(vocab.constellations)}, gefunden {describe(d['konstellation'])}"
                                             f"{suggest(d['konstellation'], vocab.constellations)}", code="vocab.konstellation")
        for i, topic in enumerate(d["themen"]):
            if topic not in vocab.topics:
                ctx.add(doc, ("themen", i), f"themen: unbekanntes Thema {describe(topic)}{suggest(topic, vocab.topics)} "
                                            "(Themen stehen in vokabular.yml)", code="vocab.thema")
    an = d["anonymisierung"]
    anon = Anonymisation(_pl(an["verfahren"]), _pl(an["geprueft_von"]), dt.date.fromisoformat(an["geprueft_am"]),
                         an["freigegeben"], [Exception_(x["text"], x["begruendung"]) for x in an.get("ausnahmen", [])])
    actors = [Actor(_pl(a["rolle"]), _pl(a["interessen"]), _pl(a.get("position", ""))) for a in d["akteure"]]
    story = {k: _md(ctx, doc, (k,), d[k]) for k in ("ausgangslage", "verlauf", "intervention", "ergebnis")}
    return CaseStudy(d["id"], _pl(d["titel"]), d["herkunft"], d["kommune"]["typ"], _pl(d["kommune"]["region"]),
                     _pl(period), d["konstellation"], d["themen"], d["eskalationsstufe"], actors, story["ausgangslage"],
                     story["verlauf"], story["intervention"], story["ergebnis"], _pls(d["lernerfahrungen"]),
                     _pls(d["reflexionsfragen"]), d["module"], anon, Source(doc.path, 1, 1))


def _choices(named: dict) -> str:
    return ", ".join(f"'{k}'" for k in named)


def _text_paths(data: object, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every string value in a document with its path, in document order.

    A document's list is made once per load (:func:`_doc_texts`); walked with a stack, not recursion, because
    the links, glyph, edge and anonymisation checks all read it."""
    out: list[tuple[tuple, str]] = []
    stack: list = [(path, data)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, str):
            out.append((here, value))
        elif isinstance(value, dict):
            stack.extend(reversed([(here + (k,), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(here + (i,), v) for i, v in enumerate(value)]))
    return out


def _doc_texts(doc: Document) -> list[tuple[tuple, str]]:
    """:func:`_text_paths` of a document, made on first use and kept with it (its data does not change)."""
    cached = doc.__dict__.get("_texts")
    if cached is None or cached[0] is not doc.data:
        cached = (doc.data, _text_paths(doc.data))
        doc.__dict__["_texts"] = cached
    return cached[1]


def _check_links(ctx: _Context, doc: Document, linkable: set[str], withheld: set[str]) -> None:
    for path, text in _doc_texts(doc):
        if "[[" not in text:
            continue
        for m in LINK.finditer(text):
            target = m.group(1)
            if target in linkable:
                continue
            line, col = doc.locate(path, m.start(), len(m.group(0)))
            why = (f"Verweis auf '{target}': dieser Fall ist nicht freigegeben und wird nicht veröffentlicht"
                   if target in withheld else f"Verweis auf unbekannte Kennung '{target}'{suggest(target, linkable)}")
            ctx.problems.append(Problem(doc.path, line, col, why, "ref.link"))


#: Fields that become headings, titles or labels: a value of only spaces or line breaks would be an empty one.
_HEADINGS = {"titel", "untertitel", "begriff", "name", "alt", "rolle", "herausgeber"}
#: Control characters other than tab and line breaks (C0, DEL, C1): no output can show or print them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Longest id: ids become file and folder names (kurspaket-<id>-teilnahmeliste.pdf), which may have 255 bytes.
MAX_ID = 100
#: The edition date becomes a timestamp in ZIP files (from 1980) and gzip headers (32 bits, until 2106).
EDITION_RANGE = (dt.date(1980, 1, 1), dt.date(2099, 12, 31))


def _blank(text: str) -> bool:
    """Only spaces, line breaks and invisible format characters (zero-width space, soft hyphen, …)."""
    import unicodedata
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def _check_edges(ctx: _Context, docs: dict, folder_docs: dict) -> None:
    """Values the schemas accept but no output could carry: reported here, at their place, so that check ⇒ build."""
    meta = docs.get("handbuch.yml")
    if meta is not None:
        stand = dt.date.fromisoformat(meta.data["stand"])
        lo, hi = EDITION_RANGE
        if not lo <= stand <= hi:
            ctx.add(meta, ("stand",), f"stand: erwartet ein Datum von {lo.isoformat()} bis {hi.isoformat()}, "
                                      f"gefunden '{meta.data['stand']}'", code="meta.stand")
    vocab = docs.get("vokabular.yml")
    if vocab is not None:
        seen: dict = {}
        for i, stage in enumerate(vocab.data["eskalationsstufen"]):
            n = stage["stufe"]
            if n in seen:
                ctx.add(vocab, ("eskalationsstufen", i, "stufe"),
                        f"eskalationsstufen[{i + 1}].stufe: Stufe {n} steht schon in Zeile {seen[n]} – jede der neun "
                        "Stufen genau einmal", code="vocab.stage")
            else:
                seen[n] = vocab.where(("eskalationsstufen", i, "stufe"))[0]
        for key in ("konstellationen", "themen", "kommunetypen"):
            ids: dict = {}
            for i, item in enumerate(vocab.data.get(key, [])):
                if item["id"] in ids:
                    ctx.add(vocab, (key, i, "id"), f"{key}[{i + 1}].id: '{item['id']}' steht schon in Zeile {ids[item['id']]}",
                            code="vocab.duplicate")
                else:
                    ids[item["id"]] = vocab.where((key, i, "id"))[0]
    for doc in [d for d in docs.values() if d is not None] + [d for ds in folder_docs.values() for d in ds]:
        for path, value in _doc_texts(doc):
            if path and path[-1] in _HEADINGS and value and _blank(value):
                ctx.add(doc, path, f"{field_name(path)}: darf nicht nur aus Leerzeichen oder Zeilenumbrüchen bestehen "
                                   "(wird zur Überschrift)", code="schema.blank")
            bad = _CONTROL.search(value)
            if bad:
                # written as an escape in a quoted scalar ("\x14"): the file itself is clean, the value is not
                line, col = doc.locate(path, bad.start(), 1)
                ctx.problems.append(Problem(doc.path, line, col, f"{field_name(path)}: Steuerzeichen U+{ord(bad.group()):04X} "
                                            "im Text – es lässt sich weder anzeigen noch drucken; bitte entfernen",
                                            "schema.control"))
            if path and path[-1] == "id" and len(value) > MAX_ID:
                ctx.add(doc, path, f"{field_name(path)}: höchstens {MAX_ID} Zeichen, gefunden {len(value)} – Kennungen werden zu "
                                   "Dateinamen", code="ref.id_length")


def _check_glyphs(ctx: _Context, doc: Document) -> None:
    """Characters no print font has, at every place they stand (at most 20 per file): check ⇒ PDF."""
    found = 0
    for path, text in _doc_texts(doc):
        if text.isascii():
            continue
        for ch in glyphs.missing(text):
            start = text.find(ch)
            while start >= 0 and found < 20:
                line, col = doc.locate(path, start, len(ch))
                ctx.problems.append(Problem(doc.path, line, col, glyphs.message(ch), "pdf.glyph"))
                found += 1
                start = text.find(ch, start + 1)


#: Case-study fields that are not published prose (checked elsewhere or vocabulary ids).
_CASE_NOT_TEXT = {("id",), ("herkunft",), ("kommune", "typ"), ("zeitraum",), ("konstellation",), ("themen",),
                  ("module",), ("anonymisierung", "geprueft_am"), ("anonymisierung", "ausnahmen")}


def _anonymity_texts(doc: Document) -> list[tuple[tuple, str]]:
    """Every published text field of a case study: (path, text) – the story, actors, review record, all of it."""
    cached = doc.__dict__.get("_anon_texts")
    if cached is None or cached[0] is not doc.data:
        texts = [(path, text) for path, text in _doc_texts(doc)
                 if path[:1] not in _CASE_NOT_TEXT and path[:2] not in _CASE_NOT_TEXT]
        cached = doc.__dict__["_anon_texts"] = (doc.data, texts)
    return cached[1]


#: Keys whose values are ids, file names, dates or bibliographic facts, not prose (any level).
_NOT_PROSE_KEYS = {"id", "datei", "literatur", "glossar", "siehe", "sozialform", "stand", "kennung", "url",
                   "datum", "beginn", "ende", "ausgabe", "formate", "fallstudien", "einheit", "type", "language",
                   "issued", "author", "editor", "publisher", "publisher-place", "edition", "DOI", "ISBN", "URL",
                   "anonymisierung_erlaubt", "veroeffentlichen"}


def _published_texts(doc: Document) -> list[tuple[tuple, str]]:
    """The published prose of a module, the glossary, literature, handbuch.yml or a published pack."""
    return [(path, text) for path, text in _doc_texts(doc)
            if _NOT_PROSE_KEYS.isdisjoint(path)]


def published_texts(root: Path | str) -> list[tuple[str, tuple, str]]:
    """(file, path, text) of every published text in a tree, parsed without validation (for the benchmark)."""
    root = Path(root)
    out = []
    for rel in content_files(root):
        doc = parse_file(root / rel, rel)
        if doc.problems or not isinstance(doc.data, dict):
            continue
        if rel.startswith("case_studies/"):
            texts = _anonymity_texts(doc)
        elif rel.startswith("course_packs/") and doc.data.get("veroeffentlichen") is not True:
            continue
        else:
            texts = _published_texts(doc)
        out += [(rel, path, text) for path, text in texts]
    for rel, text in _pages(root):
        out.append((rel, (), text))
    return out


def _locate(doc: Document, path: tuple, start: int, end: int) -> tuple[int, int]:
    """Line and column of a finding; a span over a line break is located by its first line."""
    value = doc.data
    for part in path:
        value = value[part]
    first = value[start:end].split("\n", 1)[0] or value[start:start + 1]
    return doc.locate(path, start, max(1, len(first)))


def _allow_list(doc: Document | None) -> list[tuple[str, int, int]]:
    """handbuch.yml's reviewed allow-list: (text, line, column) of each entry."""
    if doc is None:
        return []
    out = []
    for i, item in enumerate(doc.data.get("anonymisierung_erlaubt", [])):
        line, col = doc.where(("anonymisierung_erlaubt", i, "text"))
        out.append((item["text"], line, col))
    return out


class _Allowed:
    """Which allow-list entries were used in this load (for the stale-entry warning)."""
    used: set[str] = set()


def _covered(text: str, f, entries: list[str]) -> str | None:
    """The entry whose own occurrence in ``text`` contains the finding, if any."""
    for entry in entries:  # case-insensitive on the text itself: casefold() would shift offsets after 'ß'
        for m in re.finditer(r"\s+".join(re.escape(w) for w in entry.split()), text, re.IGNORECASE):
            if m.start() <= f.start and f.end <= m.end():
                return entry
    return None


def _check_published(ctx: _Context, doc: Document, allowed: list[tuple[str, int, int]],
                     found: list | None = None) -> None:
    """Scan the published prose of a non-case file; the handbook's allow-list covers deliberate names.

    ``found`` holds the findings per text if the scan worker made them already."""
    entries = [a for a, _, _ in allowed]
    texts = _published_texts(doc)
    if found is None or len(found) != len(texts):
        from . import anonymity
        found = [anonymity.scan(text) for _, text in texts]
    for (path, text), findings in zip(texts, found):
        for f in findings:
            hit = _covered(text, f, entries) if f.rule != "zeichen" else None
            if hit is not None:
                _Allowed.used.add(hit)
                continue
            line, col = _locate(doc, path, f.start, f.end)
            ctx.problems.append(Problem(doc.path, line, col, f"Anonymisierung: {f.message} – Vorschlag: {f.suggestion}"
                                        " (oder als geprüfte Ausnahme in handbuch.yml unter anonymisierung_erlaubt eintragen)",
                                        f"anon.{f.rule}"))


#: Hand-written pages in docs/ that are published; generated pages (benchmark) are left out.
_GENERATED_PAGES = {"docs/benchmark.md"}
_EXAMPLE_START = re.compile(r"<!--\s*anon:\s*beispiel\s*-->")
_EXAMPLE_END = re.compile(r"<!--\s*anon:\s*ende\s*-->")


def _pages(root: Path) -> list[tuple[str, str]]:
    docs = root / "docs"
    if not docs.is_dir():
        return []
    out = []
    for p in sorted(docs.rglob("*.md")):
        rel = p.relative_to(root).as_posix()
        if rel in _GENERATED_PAGES:
            continue
        text = decode(rel, p.read_bytes())[0]
        if text is not None:
            out.append((rel, text))
    return out


def _check_pages(ctx: _Context, pages: list[tuple[str, str]], allowed: list[tuple[str, int, int]],
                 found: dict | None = None) -> None:
    """Scan the hand-written pages in docs/, except marked example blocks in docs/mitmachen/."""
    entries = [a for a, _, _ in allowed]
    found = found or {}
    for rel, text in pages:
        blank: list[tuple[int, int]] = []
        pos = 0
        while (m := _EXAMPLE_START.search(text, pos)) is not None:
            e = _EXAMPLE_END.search(text, m.end())
            line = text.count("\n", 0, m.start()) + 1
            if not rel.startswith("docs/mitmachen/"):
                ctx.problems.append(Problem(rel, line, 1, "Anonymisierung: Beispielblöcke (<!-- anon: beispiel -->) gibt es nur "
                                            "in docs/mitmachen/ – der Text wird trotzdem geprüft", "anon.beispiel"))
                break
            if e is None:
                ctx.problems.append(Problem(rel, line, 1, "Anonymisierung: Beispielblock ohne Ende – '<!-- anon: ende -->' fehlt",
                                            "anon.beispiel"))
                break
            blank.append((m.start(), e.end()))
            pos = e.end()
        findings = found.get(("page", rel))
        if findings is None or len(findings) != 1:
            from . import anonymity
            findings = [anonymity.scan(text)]
        for f in findings[0]:
            if any(a <= f.start and f.end <= b for a, b in blank):
                continue
            hit = _covered(text, f, entries) if f.rule != "zeichen" else None
            if hit is not None:
                _Allowed.used.add(hit)
                continue
            line = text.count("\n", 0, f.start) + 1
            col = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
            ctx.problems.append(Problem(rel, line, col, f"Anonymisierung: {f.message} – Vorschlag: {f.suggestion}",
                                        f"anon.{f.rule}"))


#: EXIF tags that identify a person or a place.
_EXIF_TAGS = {34853: "GPS-Position", 315: "Urheber:in (Artist)", 33432: "Copyright", 42032: "Besitzer:in der Kamera",
              42033: "Seriennummer der Kamera", 40093: "Autor:in (XPAuthor)", 270: "Bildbeschreibung", 37510: "Benutzerkommentar"}
_XMP_FIELDS = (b"dc:creator", b"exif:GPS", b"photoshop:City", b"Iptc4xmpCore:Location", b"photoshop:Credit",
               b"xmpRights:Owner", b"aux:SerialNumber", b"photoshop:AuthorsPosition", b"Iptc4xmpCore:CreatorContactInfo")


def _image_metadata(path: Path) -> list[str]:
    """What the embedded metadata of an image file tells about people and places (German labels)."""
    raw = path.read_bytes()
    found: list[str] = []
    if path.suffix.lower() != ".svg":
        try:
            from PIL import Image
            with Image.open(path) as img:
                exif = img.getexif()
                for tag, label in _EXIF_TAGS.items():
                    if tag in exif and (tag != 34853 or exif.get_ifd(34853)):
                        found.append(label)
                for key in ("Author", "Artist", "Copyright", "Description", "Comment", "Location"):
                    if key in getattr(img, "info", {}) or key.lower() in getattr(img, "info", {}):
                        found.append(f"Textfeld '{key}'")
        except Exception:  # noqa: BLE001 - not an image Pillow reads: fall back to the XMP search
            pass
    for field in _XMP_FIELDS:
        if field in raw:
            found.append(f"XMP {field.decode()}")
    return sorted(set(found))


def _check_figure_files(ctx: _Context, root: Path, docs: list[Document]) -> None:
    for doc in docs:
        for i, unit in enumerate(doc.data.get("einheiten", [])):
            for j, fig in enumerate(unit.get("abbildungen", [])):
                if "datei" not in fig:
                    continue  # a diagram the project draws (diagramm): no file, no metadata
                target = (root / fig["datei"]).resolve()
                if not target.is_file() or not target.is_relative_to(root):
                    continue  # reported by the module check
                meta = _image_metadata(target)
                if meta:
                    ctx.add(doc, ("einheiten", i, "abbildungen", j, "datei"),
                            f"Anonymisierung: Bilddatei '{fig['datei']}' enthält Metadaten ({', '.join(meta)}) – vor dem "
                            "Veröffentlichen entfernen, z. B. mit 'exiftool -all= DATEI' oder 'mogrify -strip DATEI'",
                            code="anon.metadaten")


def _stale_allowed(doc: Document | None, allowed: list[tuple[str, int, int]]) -> list[str]:
    return [f"handbuch.yml:{line}:{col}: anonymisierung_erlaubt: '{text}' trifft keinen veröffentlichten Text mehr – "
            "bitte entfernen" for text, line, col in allowed if text not in _Allowed.used]


#: At least this many cases with one review date and the same review text look like a bulk sign-off.
REVIEW_BULK = 5


def _review_warnings(root: Path, cases: list) -> list[str]:
    """Warnings (not errors) about the review records: bulk sign-offs, files changed after their review."""
    notes: list[str] = []
    groups: dict[tuple, list[str]] = {}
    for doc, case in cases:
        an = doc.data["anonymisierung"]
        key = (an["geprueft_am"], an["geprueft_von"], repr(an.get("pruefung")))
        groups.setdefault(key, []).append(doc.path)
    for (day, who, _), paths in groups.items():
        if len(paths) >= REVIEW_BULK:
            notes.append(f"{len(paths)} Fallstudien tragen dasselbe Prüfdatum {day} und denselben Prüfvermerk "
                         f"('{who}', gleiche Angaben unter pruefung) – war das eine Prüfung je Fall? Halten Sie unter "
                         f"anonymisierung.pruefung fest, was bei jedem Fall geprüft wurde (z. B. {paths[0]})")
    changed = _git_last_change(root, [doc.path for doc, _ in cases])
    if changed is None:
        notes.append("Prüfdatum gegen Änderungen: kein Git-Checkout – ob eine Fallstudie nach ihrer Prüfung geändert "
                     "wurde, lässt sich hier nicht feststellen")
        return notes
    for doc, case in cases:
        last = changed.get(doc.path)
        reviewed = doc.data["anonymisierung"]["geprueft_am"]
        if last is not None and last > reviewed:
            line, col = doc.where(("anonymisierung", "geprueft_am"))
            notes.append(f"{doc.path}:{line}:{col}: die Datei wurde am {last} geändert, nach der Prüfung am {reviewed} – "
                         "bitte erneut prüfen lassen (das Datum erst nach der Prüfung ändern)")
    return notes


def _git_last_change(root: Path, paths: list[str]) -> dict[str, str] | None:
    """{path: date of the last change}: the last commit touching it, or today if it has uncommitted changes.

    None when the tree is not a git checkout (or git is missing)."""
    import subprocess
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True, text=True,
                             timeout=20)
        if top.returncode != 0:
            return None
        prefix = top.stdout.strip()
        log = subprocess.run(["git", "-C", str(root), "log", "--format=@%cs", "--name-only", "--", "case_studies"],
                             capture_output=True, text=True, timeout=60)
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "case_studies"],
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    wanted = {prefix + p: p for p in paths}
    out: dict[str, str] = {}
    day = ""
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            day = line[1:]
        elif line in wanted and wanted[line] not in out:
            out[wanted[line]] = day
    today = dt.date.today().isoformat()
    for line in status.stdout.splitlines():
        name = line[3:].strip()
        if name in wanted:
            out[wanted[name]] = today
    return out


def _check_anonymity(ctx: _Context, doc: Document, case: CaseStudy, found: list | None = None) -> None:
    """Report what the scanner finds in a case; ``found`` holds the scan results if a worker made them already."""
    texts = _anonymity_texts(doc)
    if found is None or len(found) != len(texts):
        from . import anonymity  # imported here: its place lists load only when a case is checked
        found = [anonymity.scan(text, year=True) for _, text in texts]
    exceptions = case.anonymisation.exceptions
    used = [False] * len(exceptions)
    for (path, text), findings in zip(texts, found):
        # An exception covers a finding only where its own text stands around that finding.
        spans = [(i, m.start(), m.end()) for i, x in enumerate(exceptions)
                 for m in re.finditer(r"\s+".join(re.escape(w) for w in x.text.split()), text, re.IGNORECASE)] if findings else []
        for f in findings:
            hit = next((i for i, a, b in spans if a <= f.start and f.end <= b), None)
            if hit is not None:
                used[hit] = True
                continue
            line, col = _locate(doc, path, f.start, f.end)
            ctx.problems.append(Problem(doc.path, line, col, f"Anonymisierung: {f.message} – Vorschlag: {f.suggestion}",
                                        f"anon.{f.rule}"))
    # Re-identification by combination: type + size band + region must fit enough municipalities.
    from . import anonymity
    typ, region = doc.data["kommune"]["typ"], doc.data["kommune"]["region"]
    res = anonymity.rueckschluss(typ, region)
    if res.count < anonymity.MIN_CANDIDATES:
        hit = next((i for i, x in enumerate(exceptions) if x.text.casefold() == typ.casefold()), None)
        if hit is not None:
            used[hit] = True
        else:
            ctx.add(doc, ("kommune", "typ"), f"Anonymisierung: Rückschluss-Prüfung: {res.message} – weniger als "
                                             f"{anonymity.MIN_CANDIDATES} – Vorschlag: gröberer Typ ({anonymity.COARSER.get(typ, 'kreis')}) "
                                             "oder eine weiter gefasste Region", code="anon.kombination")
    for i, ok in enumerate(used):
        if not ok:
            ctx.add(doc, ("anonymisierung", "ausnahmen", i, "text"),
                    f"anonymisierung.ausnahmen: veraltete Ausnahme '{exceptions[i].text}' – sie trifft keinen Text mehr; bitte entfernen",
                    code="anon.stale")


class _ParallelScan:
    """The anonymisation scan in a second process, fed while the main process still parses and validates.

    The scan is about a third of a check; on two cores it then costs (almost) nothing. Below
    ``MIN_CASES`` case files the start of a second interpreter costs more than it saves. Any failure of the
    worker is harmless: :func:`_check_anonymity` then scans in this process.
    """

    MIN_CASES = 100
    BATCH = 25

    def __init__(self) -> None:
        import subprocess
        import sys
        import weakref

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent),
                                                           env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen([sys.executable, "-c", "from handbook.loader import _scan_worker; _scan_worker()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        weakref.finalize(self, _stop_worker, self.proc)
        try:  # a larger pipe (Linux): this process hardly ever waits for the worker to take a batch
            import fcntl
            fcntl.fcntl(self.proc.stdin.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (ImportError, OSError):
            pass
        self.batch: list = []
        self.broken = False
        # The pipe is written by a thread of its own: a blocked write (the worker busy in a long regular
        # expression, which holds its GIL) waits there, not in the parsing.
        import queue
        import threading
        self.outbox: queue.Queue = queue.Queue()
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.writer.start()

    @classmethod
    def start(cls, root: Path) -> "_ParallelScan | None":
        folder = root / "case_studies"
        try:
            if not folder.is_dir() or sum(1 for p in folder.iterdir() if p.suffix in (".yml", ".yaml")) < cls.MIN_CASES:
                return None
            return cls()
        except OSError:
            return None

    def add_document(self, doc: Document, kind: str) -> None:
        """Queue what :func:`load` will check of a document: a released case's texts, a published file's prose."""
        if not isinstance(doc.data, dict):
            return
        if kind == "fallstudie":
            an = doc.data.get("anonymisierung")
            if isinstance(an, dict) and an.get("freigegeben") is True:
                self.add(("case", doc.path), [t for _, t in _anonymity_texts(doc)], year=True)
        elif kind != "kurspaket" or doc.data.get("veroeffentlichen") is True:
            self.add(("published", doc.path), [t for _, t in _published_texts(doc)], year=None)

    def add(self, key: tuple, texts: list[str], *, year: bool | None) -> None:
        self.batch.append((key, texts, year))
        if len(self.batch) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if self.batch:
            self.outbox.put(self.batch)
        self.batch = []

    def _write(self) -> None:
        import pickle
        while (batch := self.outbox.get()) is not None:
            if self.broken:
                continue
            try:
                self.proc.stdin.write(pickle.dumps(batch))
                self.proc.stdin.flush()
            except (OSError, ValueError):
                self.broken = True

    def results(self) -> dict:
        """{key: findings per text}; empty if the worker failed."""
        import pickle
        self._send()
        self.outbox.put(None)
        self.writer.join()
        try:
            self.proc.stdin.close()
            data = self.proc.stdout.read()
            self.proc.wait()
            return pickle.loads(data) if self.proc.returncode == 0 and not self.broken else {}
        except Exception:  # noqa: BLE001 - fall back to scanning here
            return {}
        finally:
            _stop_worker(self.proc)


def _stop_worker(proc) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for f in (proc.stdin, proc.stdout):
        if f is not None and not f.closed:
            f.close()


def _scan_worker() -> None:
    """The second process of :class:`_ParallelScan`: batches in on stdin (pickled), all findings out at the end."""
    import pickle
    import queue
    import sys
    import threading

    from . import anonymity

    inbox: queue.Queue = queue.Queue()

    def read() -> None:  # keep reading while scanning, so the main process never waits on a full pipe
        try:
            while True:
                inbox.put(pickle.load(sys.stdin.buffer))
        except EOFError:
            pass
        finally:
            inbox.put(None)

    sys.setswitchinterval(0.0005)  # let the reader take batches off the pipe between scans
    threading.Thread(target=read, daemon=True).start()
    anonymity.scan("")  # compile the patterns while the first files are still being parsed
    results = {}
    while (batch := inbox.get()) is not None:
        for key, texts, year in batch:
            results[key] = [anonymity.scan(text, year=year) for text in texts]
    sys.stdout.buffer.write(pickle.dumps(results))
    sys.stdout.buffer.flush()


# --- course packs -----------------------------------------------------------------------------------------

def _pack(ctx: _Context, doc: Document, unit_minutes: dict[str, int], unit_ids: set[str], released: set[str],
          withheld: set[str], case_titles: dict[str, str] | None = None,
          unit_breaks: dict[str, list[int]] | None = None) -> CoursePack:
    d = doc.data
    case_titles = case_titles or {}
    warnings: list[str] = []

    def warn(path: tuple, message: str) -> None:
        warnings.append(f"{doc.problem(path, message)}")

    stem = Path(doc.path).stem
    if d["id"] != stem:
        ctx.add(doc, ("id",), f"id: erwartet '{stem}' wie der Dateiname, gefunden '{d['id']}'", code="ref.pack_id")
    if "ausgabe" in d and "ausgaben" in d:
        ctx.add(doc, ("ausgaben",), "ausgaben: steht zusammen mit ausgabe – für eine Ausgabe 'ausgabe: …', für mehrere "
                                    "'ausgaben: [teilnehmende, trainer]', nicht beides", key=True, code="pack.edition")
    editions = list(d["ausgaben"]) if "ausgaben" in d else [d.get("ausgabe", "teilnehmende")]
    event = d.get("veranstaltung", {})
    day_end = None
    if "ende" in event:
        day_end = packs.parse_time(event["ende"])
        if day_end is None:
            ctx.add(doc, ("veranstaltung", "ende"), f"veranstaltung.ende: erwartet eine Uhrzeit im Format HH:MM, "
                                                     f"gefunden {describe(event['ende'])}", code="pack.time")
    days = []
    block_cases: list[str] = []
    unit_blocks: dict[str, list[tuple[tuple, Block]]] = {}
    broken_units: set[str] = set()  # a part was reported already: no second message about the whole split
    previous: tuple[int, dt.date] | None = None
    seen_dates: dict[dt.date, int] = {}
    for i, day in enumerate(d["tage"]):
        try:
            date = dt.date.fromisoformat(str(day["datum"]))
        except ValueError:
            ctx.add(doc, ("tage", i, "datum"), f"tage[{i + 1}].datum: erwartet ein Datum im Format JJJJ-MM-TT, das es "
                                                f"gibt, gefunden {describe(day['datum'])}", code="pack.date")
            date = dt.date.min
        if date in seen_dates:
            ctx.add(doc, ("tage", i, "datum"), f"tage[{i + 1}].datum: {date.isoformat()} steht schon bei "
                                                f"tage[{seen_dates[date] + 1}] – jeder Schulungstag nur einmal",
                    code="pack.date")
        elif previous is not None and date < previous[1]:
            ctx.add(doc, ("tage", i, "datum"), f"tage[{i + 1}].datum: {date.isoformat()} liegt vor tage[{previous[0] + 1}] "
                                                f"({previous[1].isoformat()}) – die Tage in zeitlicher Reihenfolge angeben",
                    code="pack.date")
        seen_dates.setdefault(date, i)
        if previous is None or date > previous[1]:
            previous = (i, date)
        start = packs.parse_time(day["beginn"])
        if start is None:
            ctx.add(doc, ("tage", i, "beginn"), f"tage[{i + 1}].beginn: erwartet eine Uhrzeit im Format HH:MM, "
                                                 f"gefunden {describe(day['beginn'])}", code="pack.time")
            start = 0
        limit = day_end
        if "ende" in day:
            limit = packs.parse_time(day["ende"])
            if limit is None:
                ctx.add(doc, ("tage", i, "ende"), f"tage[{i + 1}].ende: erwartet eine Uhrzeit im Format HH:MM, "
                                                   f"gefunden {describe(day['ende'])}", code="pack.time")
        blocks = []
        for j, b in enumerate(day["bloecke"]):
            where = ("tage", i, "bloecke", j)
            name = f"tage[{i + 1}].bloecke[{j + 1}]"
            kinds = [k for k in ("einheit", "pause", "fallstudie", "programmpunkt") if k in b]
            if len(kinds) != 1:
                ctx.add(doc, where, f"{name}: erwartet genau eines von 'einheit', 'pause', 'fallstudie' oder "
                                    f"'programmpunkt'{', gefunden ' + ' und '.join(kinds) if kinds else ''}",
                        code="pack.block")
                continue
            kind = kinds[0]
            allowed = {"einheit": {"einheit", "bis_min", "ab_min"}, "pause": {"pause", "titel"},
                       "fallstudie": {"fallstudie", "dauer_min"}, "programmpunkt": {"programmpunkt", "dauer_min"}}[kind]
            stray = [k for k in b if k not in allowed]
            for k in stray:
                ctx.add(doc, where + (k,), f"{k}: gehört nicht zu einem Block mit '{kind}' – erlaubt sind hier "
                                           f"{', '.join(sorted(allowed))}", key=True, code="pack.block")
            if stray:
                continue
            if kind in ("fallstudie", "programmpunkt") and "dauer_min" not in b:
                ctx.add(doc, where + (kind,), f"{name}: '{kind}' braucht dauer_min (die Dauer in Minuten)", key=True,
                        code="pack.block")
                continue
            if kind == "einheit":
                uid = b["einheit"]
                if uid not in unit_ids:
                    ctx.add(doc, where + ("einheit",), f"einheit: unbekannte Einheit '{uid}'{suggest(uid, unit_ids)}",
                            code="ref.unit")
                block = Block("unit", 0, unit_id=uid, from_min=b.get("ab_min"), to_min=b.get("bis_min"))
                continue_ok = False
                whole = unit_minutes.get(uid)
                unit_blocks.setdefault(uid, [])
                if whole is not None:
                    lo, hi = b.get("ab_min", 0), b.get("bis_min", whole)
                    if "ab_min" in b and lo >= whole:
                        ctx.add(doc, where + ("ab_min",), f"ab_min: {lo} – die Einheit '{uid}' dauert nur {whole} Minuten",
                                code="pack.split")
                    elif "bis_min" in b and hi >= whole:
                        ctx.add(doc, where + ("bis_min",), f"bis_min: {hi} – die Einheit '{uid}' dauert nur {whole} "
                                                           "Minuten; für die ganze Einheit bis_min weglassen", code="pack.split")
                    elif hi <= lo:
                        ctx.add(doc, where + ("bis_min",), f"bis_min: {hi} liegt nicht nach ab_min {lo}", code="pack.split")
                    else:
                        unit_blocks[uid].append((where, block))
                        continue_ok = True
                    if not continue_ok:
                        broken_units.add(uid)
            elif kind == "pause":
                block = Block("break", b["pause"], title=b.get("titel", "Pause"))
            elif kind == "fallstudie":
                cid = b["fallstudie"]
                if cid in withheld:
                    warn(where + ("fallstudie",), f"fallstudie: '{cid}' ist nicht freigegeben und wird nicht gedruckt; "
                                                  "die Zeit bleibt im Ablaufplan als Fallarbeit stehen")
                elif cid not in released:
                    ctx.add(doc, where + ("fallstudie",), f"fallstudie: unbekannte Fallstudie '{cid}'{suggest(cid, released)}",
                            code="ref.case")
                else:
                    block_cases.append(cid)
                block = Block("case", b["dauer_min"], case_id=cid,
                              title=case_titles.get(cid, "Fallarbeit") if cid not in withheld else "Fallarbeit")
            else:
                block = Block("item", b["dauer_min"], title=b["programmpunkt"])
            blocks.append(block)
        day_obj = packs.schedule(Day(date, start, blocks, limit), unit_minutes)
        if day_obj.end > packs.MIDNIGHT:
            ctx.add(doc, ("tage", i), f"tage[{i + 1}]: der Tag endet erst nach Mitternacht – weniger Einheiten planen "
                                      "oder früher beginnen", code="pack.midnight")
        elif day_obj.over:
            where_end = ("tage", i, "ende") if "ende" in day else ("tage", i)
            ctx.add(doc, where_end, f"tage[{i + 1}]: der Tag endet um {hhmm(day_obj.end)} Uhr, {day_obj.over} Minuten nach "
                                    f"dem Tagesende {hhmm(limit)} Uhr – Blöcke kürzen, auf einen anderen Tag legen "
                                    "oder ende später setzen", code="pack.day_end")
        stretch, s_from, s_to = packs.longest_stretch(day_obj)
        if stretch > packs.MAX_WITHOUT_BREAK:
            warn(("tage", i), f"tage[{i + 1}]: {stretch} Minuten ohne Pause ({hhmm(s_from)}–{hhmm(s_to)} Uhr) – "
                              f"spätestens nach {packs.MAX_WITHOUT_BREAK} Minuten eine Pause einplanen")
        days.append(day_obj)
    # the parts of a split unit, in schedule order, must cover the whole unit without gap or overlap
    for uid, parts in unit_blocks.items():
        if uid in broken_units or not parts or all(b.from_min is None and b.to_min is None for _, b in parts):
            continue
        whole = unit_minutes[uid]
        t, ok = 0, True
        spans = []
        for _, b in parts:
            lo, hi = b.from_min or 0, b.to_min if b.to_min is not None else whole
            spans.append(f"{lo}–{hi}")
            ok = ok and lo == t
            t = hi
        points = (unit_breaks or {}).get(uid) or []
        if ok and t == whole and points:
            for where_part, b in parts[:-1]:
                hi = b.to_min if b.to_min is not None else whole
                if hi not in points:
                    warn(where_part + ("bis_min",), f"bis_min: {hi} teilt die Einheit '{uid}' mitten in einer Phase – "
                                                    f"Pausenpunkte laut Modul (Minuten ab Beginn): "
                                                    f"{', '.join(map(str, points))}")
        if not ok or t != whole:
            covered = sum((b.to_min if b.to_min is not None else whole) - (b.from_min or 0) for _, b in parts)
            ctx.add(doc, parts[-1][0] + ("einheit",),
                    f"einheit: die Teile von '{uid}' (Minuten {', '.join(spans)}) ergeben {covered} von {whole} Minuten "
                    "der Einheit – bis_min und ab_min so setzen, dass die Teile nacheinander die ganze Einheit "
                    "abdecken (z. B. bis_min: 90, dann ab_min: 90)", code="pack.split")
    packs.number_parts(days)
    if not any(b.kind == "unit" for day in days for b in day.blocks):
        ctx.add(doc, ("tage",), "tage: das Kurspaket enthält keine einzige Einheit", code="pack.empty")
    cases = d.get("fallstudien", [])
    kept = []
    for i, cid in enumerate(cases):
        if cid in withheld:
            warn(("fallstudien", i), f"fallstudien: '{cid}' ist nicht freigegeben und wird nicht in das Kurspaket "
                                     "gedruckt")
        elif cid not in released:
            ctx.add(doc, ("fallstudien", i), f"fallstudien: unbekannte Fallstudie '{cid}'{suggest(cid, released)}",
                    code="ref.case")
        else:
            kept.append(cid)
    publish = d.get("veroeffentlichen", False)
    if publish and event.get("trainer"):
        warn(("veranstaltung", "trainer"), "veranstaltung.trainer: das Kurspaket wird veröffentlicht "
                                           "(veroeffentlichen: true) – die Namen der Trainer:innen stehen dann auf der "
                                           "öffentlichen Download-Seite; Rollen statt Namen eintragen oder nicht veröffentlichen")
    return CoursePack(d["id"], d["titel"], editions[0], event.get("ort", ""), event.get("trainer", []), days,
                      list(dict.fromkeys(kept + block_cases)), d.get("formate", ["pdf"]), day_end,
                      Source(doc.path, 1, 1), editions=editions, publish=publish, warnings=warnings)


def load_pack(catalog: Catalog, path: Path | str) -> CoursePack:
    """Parse and check one course-pack file against a loaded catalogue (for packs kept outside course_packs/).

    Messages are the same as for packs in the tree; raises :class:`ContentError` with every problem found.
    """
    path = Path(path).resolve()
    display = str(path.relative_to(catalog.root)) if path.is_relative_to(catalog.root) else str(path)
    ctx = _Context(catalog.root)
    if path.exists() and not path.is_file():
        raise ContentError([Problem(display, 1, 1, f"{display} ist keine gewöhnliche Datei (Ordner, Gerät oder Pipe) – "
                                                   "erwartet wird eine Kurspaket-Datei (.yml)", "load.not_regular")])
    if not path.is_file():
        raise ContentError([Problem(display, 1, 1, f"Datei fehlt: {display}", "load.missing")])
    doc = ctx.read(display, "kurspaket")  # root / an absolute path is that path
    if doc is None:
        raise ContentError(ctx.problems)
    unit_ids = set(catalog.units)
    pack = _pack(ctx, doc, {u.id: u.minutes for u in catalog.units.values()}, unit_ids,
                 set(catalog.case_by_id), {c.id for c in catalog.withheld}, {c.id: c.title for c in catalog.cases},
                 {u.id: u.break_points for u in catalog.units.values()})
    if ctx.problems:
        raise ContentError(ctx.problems)
    return pack


def locate_text(root: Path | str, needle: str, message: str, code: str) -> list[Problem]:
    """Every place in the content files where ``needle`` stands, as problems with ``message``.

    For mistakes found only later, by a renderer (e.g. a character no print font has): the author still
    gets path:line:column. Used on the error path only.
    """
    root = Path(root)
    problems = []
    for rel in content_files(root):
        try:
            text = decode(rel, read_regular(root / rel))[0] or ""
        except FileProblem:
            continue
        for lineno, line in enumerate(text.split("\n"), 1):
            col = line.find(needle)
            while col >= 0:
                problems.append(Problem(rel, lineno, col + 1, message, code))
                col = line.find(needle, col + 1)
    return problems

