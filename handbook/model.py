"""The typed content model: what the loader returns and every renderer reads.

Attribute names are English; the YAML keys (German) are known only to :mod:`handbook.loader`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """Where an item was defined, for messages that point back at the YAML."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class Figure:
    """A figure of a unit: an image file, or a diagram the project draws from data (:mod:`handbook.diagrams`)."""

    file: str  # "" for a diagram
    alt: str
    caption: str = ""
    diagram: str = ""  # a name in handbook.diagrams.DIAGRAMS, instead of a file


@dataclass
class Exercise:
    id: str
    title: str
    minutes: int
    social_form: str
    task: str
    solution_hint: str = ""  # trainer edition only
    unit_id: str = ""
    material_ids: list[str] = field(default_factory=list)  # ids of materials (materialien/)


@dataclass
class Unit:
    id: str
    title: str
    minutes: int
    objectives: list[str]
    content: str
    methods: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)
    trainer_notes: str = ""  # trainer edition only
    references: list[str] = field(default_factory=list)
    glossary: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    module_id: str = ""
    source: Source = field(default_factory=lambda: Source(""))
    material_ids: list[str] = field(default_factory=list)  # ids of materials (materialien/); `materials` are free strings
    #: Minutes from the unit's start after which it may be split for a break (phase boundaries); empty: anywhere.
    break_points: list[int] = field(default_factory=list)

    @property
    def all_material_ids(self) -> list[str]:
        """The materials of the unit and of its exercises, each once, in order of appearance."""
        ids = list(self.material_ids)
        for ex in self.exercises:
            ids += [m for m in ex.material_ids if m not in ids]
        return ids


@dataclass
class Module:
    id: str
    number: int
    title: str
    description: str
    days: float
    objectives: list[str]
    units: list[Unit]
    source: Source = field(default_factory=lambda: Source(""))

    @property
    def minutes(self) -> int:
        return sum(u.minutes for u in self.units)


#: A card set's id: a word ending in "karten" and a further part (bodenkarten-glasl-stufen, satzkarten-vorwuerfe).
CARD_SET_ID = re.compile(r"^[a-z]+karten-")

#: A small card handed round in numbers (feedbackkarte-praxisaufgabe): printed four to a page, to be cut.
POCKET_CARD_ID = re.compile(r"^[a-z]+karte-")

#: The kinds of material (`art`) with their German names, in the order indexes list them.
MATERIAL_KINDS = {
    "arbeitsblatt": "Arbeitsblatt",
    "rollenkarte": "Rollenkarten",
    "checkliste": "Checkliste",
    "evaluationsbogen": "Evaluationsbogen",
    "handout": "Handout",
    "vorlage": "Vorlage",
}


@dataclass
class Task:
    """A task of a worksheet, with room to write: ``space`` lines, or a box of that height."""

    text: str  # Markdown
    space: int
    box: bool = False


@dataclass
class Question:
    """A question of an evaluation form: with a scale to tick, or free text (no scale) with ``space`` lines."""

    text: str  # Markdown
    scale: list[str] = field(default_factory=list)
    space: int = 3
    section: str = ""  # a heading that starts before this question


@dataclass
class Role:
    """One role card: what everybody knows, and what only this role's card says."""

    role: str
    public: str  # Markdown
    confidential: str  # Markdown; printed on this role's card only


@dataclass
class Material:
    """A material from ``materialien/``: what a trainer hands out or uses in a unit."""

    id: str
    title: str
    kind: str  # a key of MATERIAL_KINDS
    modules: list[str]
    purpose: str  # Markdown
    minutes: int | None = None
    content: str = ""  # Markdown: handout/vorlage text, or the introduction of a sheet
    tasks: list[Task] = field(default_factory=list)  # arbeitsblatt
    items: list[str] = field(default_factory=list)  # checkliste (Markdown each)
    questions: list[Question] = field(default_factory=list)  # evaluationsbogen
    situation: str = ""  # rollenkarte, Markdown, on every card
    roles: list[Role] = field(default_factory=list)  # rollenkarte
    trainer_notes: str = ""  # trainer edition only
    source: Source = field(default_factory=lambda: Source(""))

    @property
    def kind_name(self) -> str:
        return MATERIAL_KINDS[self.kind]

    @property
    def card_set(self) -> bool:
        """A set of cards to cut or lay out (an id such as ``bodenkarten-…``, ``satzkarten-…``; not role cards):
        each ``###`` heading of ``inhalt`` begins a card, and the photocopy masters print one card per page."""
        return self.kind != "rollenkarte" and bool(CARD_SET_ID.match(self.id)) and bool(self.content)

    @property
    def pocket_card(self) -> bool:
        """A small card (an id such as ``feedbackkarte-…``; not role cards): the photocopy masters print it four
        times on one page, with cut lines."""
        return self.kind in ("arbeitsblatt", "checkliste", "evaluationsbogen") and bool(POCKET_CARD_ID.match(self.id))

    @property
    def numbered_tasks(self) -> bool:
        """Whether the fields are headed "Aufgabe 1", "Aufgabe 2" …: on a worksheet (``arbeitsblatt-…``) yes; an
        observation sheet, a form or a feedback card (``beobachtungsbogen-…``, ``vorlage-…``, ``feedbackkarte-…``)
        labels its fields itself."""
        return self.id.startswith("arbeitsblatt-")

    @property
    def participant_facing(self) -> bool:
        """Whether it belongs in the photocopy masters: every kind but the trainer's `vorlage`."""
        return self.kind != "vorlage"


@dataclass
class Actor:
    role: str
    interests: str
    position: str = ""


@dataclass
class Exception_:
    """An anonymisation finding accepted on purpose, with its reason."""

    text: str
    reason: str


@dataclass
class Anonymisation:
    procedure: str
    checked_by: str
    checked_on: dt.date
    released: bool
    exceptions: list[Exception_] = field(default_factory=list)


@dataclass
class CaseStudy:
    id: str
    title: str
    origin: str
    municipality_type: str
    region: str
    period: str
    constellation: str
    topics: list[str]
    escalation_stage: int
    actors: list[Actor]
    situation: str
    course: str
    intervention: str
    outcome: str
    lessons: list[str]
    questions: list[str]
    modules: list[str]
    anonymisation: Anonymisation
    source: Source = field(default_factory=lambda: Source(""))

    @property
    def released(self) -> bool:
        return self.anonymisation.released


@dataclass
class GlossaryTerm:
    id: str
    term: str
    definition: str
    abbreviation: str = ""
    see: list[str] = field(default_factory=list)


@dataclass
class Reference:
    """A CSL item as pandoc citeproc reads it; ``csl`` is the item itself."""

    id: str
    csl: dict


@dataclass
class Named:
    id: str
    name: str
    description: str = ""


@dataclass
class Stage:
    number: int
    name: str
    phase: str


@dataclass
class Vocabulary:
    constellations: dict[str, Named]
    topics: dict[str, Named]
    stages: dict[int, Stage]
    municipality_types: dict[str, Named]


@dataclass
class Licence:
    name: str
    spdx: str
    url: str = ""


@dataclass
class Meta:
    """handbuch.yml: the edition-wide facts."""

    title: str
    subtitle: str
    edition: dt.date  # "Stand"
    editor: str
    licence: Licence
    imprint: str
    contact_role: str
    contact_email: str

    @property
    def edition_de(self) -> str:
        return german_date(self.edition)

    @property
    def edition_epoch(self) -> int:
        """The edition date at 00:00 UTC as Unix time: what builds write instead of the clock."""
        return int(dt.datetime.combine(self.edition, dt.time(), dt.timezone.utc).timestamp())


#: Minutes of one Unterrichtseinheit (UE), the unit of certificates in further education.
UE_MINUTES = 45


def ue(minutes: int) -> float:
    """Unterrichtseinheiten for ``minutes`` of teaching, to one decimal (ties cannot occur for whole minutes)."""
    return round(minutes / UE_MINUTES, 1)


def ue_de(minutes: int) -> str:
    """``360`` → ``8,0 UE``."""
    return f"{ue(minutes):.1f}".replace(".", ",") + " UE"


@dataclass
class Block:
    """One block of a training day. ``start``/``end`` are minutes after midnight.

    ``kind`` is ``unit`` (a unit or, with ``part``, one part of a split unit), ``break``, ``case`` (case work
    with ``case_id``) or ``item`` (a free programme item such as a welcome round, text in ``title``).
    Every kind but ``break`` counts as teaching time for the Unterrichtseinheiten.
    """

    kind: str  # "unit" | "break" | "case" | "item"
    minutes: int
    unit_id: str = ""
    title: str = ""
    start: int = 0
    end: int = 0
    case_id: str = ""
    #: a split unit: the minutes of the unit this part covers (``from_min``–``to_min``); None = the whole unit
    from_min: int | None = None
    to_min: int | None = None
    part: int = 0  # 1-based number of this part among the unit's parts; 0 = not split
    parts: int = 0  # how many parts the unit is split into

    @property
    def teaching(self) -> bool:
        return self.kind != "break"

    @property
    def part_label(self) -> str:
        """``Teil 1/2`` for a part of a split unit, else empty."""
        return f"Teil {self.part}/{self.parts}" if self.parts > 1 else ""


@dataclass
class Day:
    date: dt.date
    start: int  # minutes after midnight
    blocks: list[Block]
    limit: int | None = None  # latest end (the day's ``ende``, else ``veranstaltung.ende``); None = no limit

    @property
    def end(self) -> int:
        return self.blocks[-1].end if self.blocks else self.start

    @property
    def teaching_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks if b.teaching)

    @property
    def break_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks if not b.teaching)

    @property
    def ue(self) -> float:
        return ue(self.teaching_minutes)

    @property
    def over(self) -> int:
        """Minutes the day runs past its limit (0 if it ends in time or has no limit)."""
        return max(0, self.end - self.limit) if self.limit is not None else 0


EDITIONS = ("teilnehmende", "trainer")


@dataclass
class CoursePack:
    id: str
    title: str
    edition: str  # the edition being built: "teilnehmende" | "trainer" (the first of ``editions`` when loaded)
    place: str
    trainers: list[str]
    days: list[Day]
    case_ids: list[str]  # the pack's cases in print order: ``fallstudien`` and the case blocks, each once
    formats: list[str]
    day_end: int | None = None
    source: Source = field(default_factory=lambda: Source(""))
    editions: list[str] = field(default_factory=list)  # every edition the pack asks for
    publish: bool = False  # ``veroeffentlichen``: listed on the public downloads page
    warnings: list[str] = field(default_factory=list)  # located German warnings (path:line:column: …)

    def __post_init__(self) -> None:
        if not self.editions:
            self.editions = [self.edition]

    @property
    def unit_ids(self) -> list[str]:
        """The units in schedule order, each once (a split unit appears once, where its first part is)."""
        return list(dict.fromkeys(b.unit_id for d in self.days for b in d.blocks if b.kind == "unit"))

    @property
    def teaching_minutes(self) -> int:
        return sum(d.teaching_minutes for d in self.days)

    @property
    def ue(self) -> float:
        return ue(self.teaching_minutes)

    def file_name(self, edition: str, fmt: str) -> str:
        """``kurspaket-<id>.pdf`` (participants) or ``kurspaket-<id>-trainer.docx``."""
        return f"kurspaket-{self.id}{'-trainer' if edition == 'trainer' else ''}.{fmt}"


@dataclass
class Catalog:
    """Everything the outputs need, loaded and checked once."""

    root: Path
    meta: Meta
    vocabulary: Vocabulary
    modules: list[Module]
    cases: list[CaseStudy]  # released cases only: what may be published
    withheld: list[CaseStudy]  # freigegeben: false
    glossary: list[GlossaryTerm]
    references: list[Reference]
    packs: list[CoursePack]
    notes: list[str] = field(default_factory=list)  # German notices that are not errors
    materials: list[Material] = field(default_factory=list)  # sorted by id

    def __post_init__(self) -> None:
        self.units = {u.id: u for m in self.modules for u in m.units}
        self.module_by_id = {m.id: m for m in self.modules}
        self.case_by_id = {c.id: c for c in self.cases}
        self.term_by_id = {t.id: t for t in self.glossary}
        self.reference_by_id = {r.id: r for r in self.references}
        self.exercises = {e.id: e for u in self.units.values() for e in u.exercises}
        self.material_by_id = {m.id: m for m in self.materials}

    def materials_for_module(self, module_id: str) -> list[Material]:
        return [m for m in self.materials if module_id in m.modules]

    def users_of_material(self, material_id: str) -> list[Unit | Exercise]:
        """The units and exercises that name a material, in teaching order."""
        found: list[Unit | Exercise] = []
        for unit in self.units.values():
            if material_id in unit.material_ids:
                found.append(unit)
            found += [e for e in unit.exercises if material_id in e.material_ids]
        return found

    def cases_for_module(self, module_id: str) -> list[CaseStudy]:
        return [c for c in self.cases if module_id in c.modules]


_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"]


def german_date(day: dt.date) -> str:
    """``2026-10-01`` → ``1. Oktober 2026``."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def hhmm(minutes: int) -> str:
    """Minutes after midnight → ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
