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

from . import packs
from . import text as T
from .errors import ContentError, Problem
from .model import (Actor, Anonymisation, Block, Catalog, CaseStudy, CoursePack, Day, Exception_, Exercise, Figure,
                    GlossaryTerm, Licence, Meta, Module, Named, Reference, Source, Stage, Unit, Vocabulary)
from .parse import Document, decode, parse_file
from .schema import describe, suggest, validate

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
FOLDERS = {"modules": "modul", "case_studies": "fallstudie", "course_packs": "kurspaket"}
MODULE_COUNT = 5

# Fields of a case study that are published as text, and so are checked for identifying details.
_CASE_TEXT_FIELDS = ("titel", "ausgangslage", "verlauf", "intervention", "ergebnis")


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


def content_files(root: Path) -> list[str]:
    """The content files of a tree, relative to it, in a stable order."""
    files = [name for name in SINGLE_FILES if (root / name).exists()]
    for folder in FOLDERS:
        d = root / folder
        if d.is_dir():
            files += sorted(f"{folder}/{p.name}" for p in d.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    return files


def load(root: Path | str = ".", *, check_anonymity: bool = True) -> Catalog:
    """Load and check a content tree. Raises :class:`ContentError` with every problem found."""
    root = Path(root).resolve()
    ctx = _Context(root)
    scanner = _ParallelScan.start(root) if check_anonymity else None
    docs: dict[str, Document | None] = {}
    for name, kind in SINGLE_FILES.items():
        if not (root / name).is_file():
            ctx.problems.append(Problem(name, 1, 1, f"Datei fehlt: {name} wird für jedes Handbuch gebraucht", "load.missing"))
            docs[name] = None
        else:
            docs[name] = ctx.read(name, kind)
    folder_docs: dict[str, list[Document]] = {}
    for folder, kind in FOLDERS.items():
        folder_docs[folder] = []
        d = root / folder
        if not d.is_dir():
            if folder != "course_packs":
                ctx.problems.append(Problem(f"{folder}/", 1, 1, f"Ordner fehlt: {folder}/", "load.missing"))
            continue
        for p in sorted(d.iterdir()):
            if not p.is_file() or p.name.startswith("."):
                continue
            rel = f"{folder}/{p.name}"
            if p.suffix not in (".yml", ".yaml"):
                continue
            doc = ctx.read(rel, kind)
            if doc is not None:
                folder_docs[folder].append(doc)
                if scanner is not None and kind == "fallstudie" and doc.data["anonymisierung"]["freigegeben"] is True:
                    scanner.add(doc)

    vocab = _vocabulary(docs["vokabular.yml"])
    meta = _meta(ctx, docs["handbuch.yml"])
    glossary, glossary_docs = _glossary(ctx, docs["glossar.yml"])
    references = _references(ctx, docs["literatur.yml"])
    known_refs = {r.id for r in references} | ctx.lenient_ids
    known_terms = {t.id for t in glossary} | ctx.lenient_ids

    modules = [_module(ctx, doc) for doc in folder_docs["modules"]]
    cases = [_case(ctx, doc, vocab) for doc in folder_docs["case_studies"]]
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

    linkable = set(module_ids) | unit_ids | released | known_terms
    for doc in folder_docs["modules"] + folder_docs["case_studies"] + ([glossary_docs] if glossary_docs else []):
        _check_links(ctx, doc, linkable, withheld)

    packs_ = [_pack(ctx, doc, {u.id: u.minutes for m in modules for u in m.units}, unit_ids, released, withheld)
              for doc in folder_docs["course_packs"]]

    if check_anonymity:
        found = scanner.results() if scanner is not None else {}
        for doc, case in zip(folder_docs["case_studies"], cases):
            if case.released:
                _check_anonymity(ctx, doc, case, found.get(doc.path))

    if ctx.problems:
        raise ContentError(ctx.problems)
    assert meta is not None and vocab is not None  # guaranteed when no problem was found
    notes = [f"{c.source.path}: nicht freigegeben (anonymisierung.freigegeben: false) – wird nirgends veröffentlicht"
             for c in cases if not c.released]
    return Catalog(root=root, meta=meta, vocabulary=vocab, modules=sorted(modules, key=lambda m: m.number),
                   cases=sorted((c for c in cases if c.released), key=lambda c: c.id),
                   withheld=[c for c in cases if not c.released], glossary=glossary, references=references,
                   packs=packs_, notes=notes)


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
                              _md(ctx, doc, at + ("uebungen", j, "loesungshinweis"), e.get("loesungshinweis", "")), u["id"])
                     for j, e in enumerate(u.get("uebungen", []))]
        figures = [Figure(f.get("datei", ""), _pl(f["alt"]), _pl(f.get("titel", ""))) for f in u.get("abbildungen", [])]
        units.append(Unit(u["id"], _pl(u["titel"]), u["dauer_min"], _pls(u["lernziele"]),
                          _md(ctx, doc, at + ("inhalt",), u["inhalt"]), _pls(u.get("methoden", [])),
                          _pls(u.get("material", [])), exercises,
                          _md(ctx, doc, at + ("trainerhinweise",), u.get("trainerhinweise", "")), u.get("literatur", []),
                          u.get("glossar", []), figures, d["id"], Source(doc.path, line, col)))
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
                target = (root / fig.file).resolve()
                where = ("einheiten", i, "abbildungen", j, "datei")
                if fig.file.startswith("/") or not target.is_relative_to(root):
                    ctx.add(doc, where, f"abbildungen: Bildpfad '{fig.file}' führt aus dem Projektordner hinaus",
                            code="ref.figure")
                elif not target.is_file():
                    ctx.add(doc, where, f"abbildungen: Bilddatei '{fig.file}' gibt es nicht", code="ref.figure")


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


def _text_paths(data: object, path: tuple = ()):
    """Every string value in a document with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _text_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _text_paths(v, path + (i,))


def _check_links(ctx: _Context, doc: Document, linkable: set[str], withheld: set[str]) -> None:
    for path, text in _text_paths(doc.data):
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


def _anonymity_texts(d: dict) -> list[tuple[tuple, str]]:
    """The published text fields of a case study: (path, text)."""
    paths = [(f,) for f in _CASE_TEXT_FIELDS] + [("kommune", "region")]
    paths += [("akteure", i, k) for i, a in enumerate(d["akteure"]) for k in ("rolle", "interessen", "position") if k in a]
    paths += [("lernerfahrungen", i) for i in range(len(d["lernerfahrungen"]))]
    paths += [("reflexionsfragen", i) for i in range(len(d["reflexionsfragen"]))]
    paths += [("anonymisierung", "verfahren"), ("anonymisierung", "geprueft_von")]  # published under every case
    texts = []
    for path in paths:
        text = d
        for part in path:
            text = text[part]
        texts.append((path, text))
    return texts


def _check_anonymity(ctx: _Context, doc: Document, case: CaseStudy, found: list | None = None) -> None:
    """Report what the scanner finds in a case; ``found`` holds the scan results if a worker made them already."""
    texts = _anonymity_texts(doc.data)
    if found is None or len(found) != len(texts):
        from . import anonymity  # imported here: its place lists load only when a case is checked
        found = [anonymity.scan(text) for _, text in texts]
    exceptions = case.anonymisation.exceptions
    used = [False] * len(exceptions)
    for (path, text), findings in zip(texts, found):
        folded = text.casefold()
        # An exception covers a finding only where its own text stands around that finding.
        spans = [(i, m.start(), m.end()) for i, x in enumerate(exceptions)
                 for m in re.finditer(re.escape(x.text.casefold()), folded)] if findings else []
        for f in findings:
            hit = next((i for i, a, b in spans if a <= f.start and f.end <= b), None)
            if hit is not None:
                used[hit] = True
                continue
            line, col = doc.locate(path, f.start, f.end - f.start)
            ctx.problems.append(Problem(doc.path, line, col, f"Anonymisierung: {f.message} – Vorschlag: {f.suggestion}",
                                        f"anon.{f.rule}"))
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

    @classmethod
    def start(cls, root: Path) -> "_ParallelScan | None":
        folder = root / "case_studies"
        try:
            if not folder.is_dir() or sum(1 for p in folder.iterdir() if p.suffix in (".yml", ".yaml")) < cls.MIN_CASES:
                return None
            return cls()
        except OSError:
            return None

    def add(self, doc: Document) -> None:
        self.batch.append((doc.path, _anonymity_texts(doc.data)))
        if len(self.batch) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        import pickle
        if self.batch and not self.broken:
            try:
                pickle.dump(self.batch, self.proc.stdin)
                self.proc.stdin.flush()
            except OSError:
                self.broken = True
        self.batch = []

    def results(self) -> dict:
        """{document path: findings per text field}; empty if the worker failed."""
        import pickle
        self._send()
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
        for key, texts in batch:
            results[key] = [anonymity.scan(text) for _, text in texts]
    sys.stdout.buffer.write(pickle.dumps(results))
    sys.stdout.buffer.flush()


# --- course packs -----------------------------------------------------------------------------------------

def _pack(ctx: _Context, doc: Document, unit_minutes: dict[str, int], unit_ids: set[str], released: set[str],
          withheld: set[str]) -> CoursePack:
    d = doc.data
    stem = Path(doc.path).stem
    if d["id"] != stem:
        ctx.add(doc, ("id",), f"id: erwartet '{stem}' wie der Dateiname, gefunden '{d['id']}'", code="ref.pack_id")
    event = d.get("veranstaltung", {})
    day_end = None
    if "ende" in event:
        day_end = packs.parse_time(event["ende"])
        if day_end is None:
            ctx.add(doc, ("veranstaltung", "ende"), f"veranstaltung.ende: erwartet eine Uhrzeit im Format HH:MM, "
                                                     f"gefunden {describe(event['ende'])}", code="pack.time")
    days = []
    for i, day in enumerate(d["tage"]):
        start = packs.parse_time(day["beginn"])
        if start is None:
            ctx.add(doc, ("tage", i, "beginn"), f"tage[{i + 1}].beginn: erwartet eine Uhrzeit im Format HH:MM, "
                                                 f"gefunden {describe(day['beginn'])}", code="pack.time")
            start = 0
        blocks = []
        for j, b in enumerate(day["bloecke"]):
            where = ("tage", i, "bloecke", j)
            if ("einheit" in b) == ("pause" in b):
                ctx.add(doc, where, f"tage[{i + 1}].bloecke[{j + 1}]: erwartet genau eines von 'einheit' oder 'pause'",
                        code="pack.block")
                continue
            if "einheit" in b:
                if "titel" in b:
                    ctx.add(doc, where + ("titel",), "titel: nur Pausen haben einen eigenen Titel", key=True, code="pack.block")
                uid = b["einheit"]
                if uid not in unit_ids:
                    ctx.add(doc, where + ("einheit",), f"einheit: unbekannte Einheit '{uid}'{suggest(uid, unit_ids)}",
                            code="ref.unit")
                blocks.append(Block("unit", 0, unit_id=uid))
            else:
                blocks.append(Block("break", b["pause"], title=b.get("titel", "Pause")))
        day_obj = packs.schedule(Day(dt.date.fromisoformat(day["datum"]), start, blocks), unit_minutes)
        if day_obj.end > packs.MIDNIGHT:
            ctx.add(doc, ("tage", i), f"tage[{i + 1}]: der Tag endet erst nach Mitternacht – weniger Einheiten planen "
                                      "oder früher beginnen", code="pack.midnight")
        days.append(day_obj)
    if not any(b.kind == "unit" for day in days for b in day.blocks):
        ctx.add(doc, ("tage",), "tage: das Kurspaket enthält keine einzige Einheit", code="pack.empty")
    cases = d.get("fallstudien", [])
    for i, cid in enumerate(cases):
        if cid in withheld:
            ctx.add(doc, ("fallstudien", i), f"fallstudien: '{cid}' ist nicht freigegeben und darf nicht in ein Kurspaket",
                    code="ref.case")
        elif cid not in released:
            ctx.add(doc, ("fallstudien", i), f"fallstudien: unbekannte Fallstudie '{cid}'{suggest(cid, released)}",
                    code="ref.case")
    return CoursePack(d["id"], d["titel"], d["ausgabe"], event.get("ort", ""), event.get("trainer", []), days, cases,
                      d.get("formate", ["pdf"]), day_end, Source(doc.path, 1, 1))


def load_pack(catalog: Catalog, path: Path | str) -> CoursePack:
    """Parse and check one course-pack file against a loaded catalogue (for packs kept outside course_packs/).

    Messages are the same as for packs in the tree; raises :class:`ContentError` with every problem found.
    """
    path = Path(path).resolve()
    display = str(path.relative_to(catalog.root)) if path.is_relative_to(catalog.root) else str(path)
    ctx = _Context(catalog.root)
    if not path.is_file():
        raise ContentError([Problem(display, 1, 1, f"Datei fehlt: {display}", "load.missing")])
    doc = ctx.read(display, "kurspaket")  # root / an absolute path is that path
    if doc is None:
        raise ContentError(ctx.problems)
    unit_ids = set(catalog.units)
    pack = _pack(ctx, doc, {u.id: u.minutes for u in catalog.units.values()}, unit_ids,
                 set(catalog.case_by_id), {c.id for c in catalog.withheld})
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
        text = decode(rel, (root / rel).read_bytes())[0] or ""
        for lineno, line in enumerate(text.split("\n"), 1):
            col = line.find(needle)
            while col >= 0:
                problems.append(Problem(rel, lineno, col + 1, message, code))
                col = line.find(needle, col + 1)
    return problems

