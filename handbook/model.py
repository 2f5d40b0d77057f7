"""The typed content model: what the loader returns and every renderer reads.

Attribute names are English; the YAML keys (German) are known only to :mod:`handbook.loader`.
"""
from __future__ import annotations

import datetime as dt
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
    file: str
    alt: str
    caption: str = ""


@dataclass
class Exercise:
    id: str
    title: str
    minutes: int
    social_form: str
    task: str
    solution_hint: str = ""  # trainer edition only
    unit_id: str = ""


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

    def __post_init__(self) -> None:
        self.units = {u.id: u for m in self.modules for u in m.units}
        self.module_by_id = {m.id: m for m in self.modules}
        self.case_by_id = {c.id: c for c in self.cases}
        self.term_by_id = {t.id: t for t in self.glossary}
        self.reference_by_id = {r.id: r for r in self.references}
        self.exercises = {e.id: e for u in self.units.values() for e in u.exercises}

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
