"""Course-pack schedules: start and end of every block, from the day's start, the units' durations and the breaks.

The website's pack builder (``docs/assets/javascripts/kurspaket.js``) computes schedules by the same rules;
a test feeds both the same packs. The rules:

- blocks follow each other without gaps, from the day's ``beginn``;
- a unit lasts its ``dauer_min``; a part of a split unit lasts ``bis_min - ab_min`` (``ab_min`` defaults to 0,
  ``bis_min`` to the unit's length); a break, a case block and a programme item last their own minutes;
- an unknown unit counts 0 minutes (the loader has reported it already);
- Unterrichtseinheiten (UE) are the minutes of every block except breaks, divided by 45, to one decimal.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .model import Catalog, CoursePack, Day, hhmm, ue_de

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MIDNIGHT = 24 * 60
#: Longest stretch of teaching without a break before ``check`` warns (minutes).
MAX_WITHOUT_BREAK = 180


def parse_time(text: str) -> int | None:
    """``"09:30"`` → 570 minutes after midnight; None if it is not a time of day."""
    m = TIME.match(text.strip()) if isinstance(text, str) else None
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def schedule(day: Day, unit_minutes: dict[str, int]) -> Day:
    """Fill in ``minutes`` of unit blocks and ``start``/``end`` of each block in order, without gaps."""
    t = day.start
    for block in day.blocks:
        if block.kind == "unit":
            whole = unit_minutes.get(block.unit_id, 0)
            lo = block.from_min or 0
            hi = block.to_min if block.to_min is not None else whole
            block.minutes = max(0, hi - lo) if block.unit_id in unit_minutes else 0
        block.start, block.end = t, t + block.minutes
        t = block.end
    return day


def number_parts(days: list[Day]) -> None:
    """Number the parts of every split unit in schedule order ("Teil 1/2", "Teil 2/2")."""
    blocks = [b for d in days for b in d.blocks if b.kind == "unit"]
    split = {b.unit_id for b in blocks if b.from_min is not None or b.to_min is not None}
    for uid in split:
        mine = [b for b in blocks if b.unit_id == uid]
        for i, b in enumerate(mine, 1):
            b.part, b.parts = i, len(mine)


def longest_stretch(day: Day) -> tuple[int, int, int]:
    """The longest run of teaching blocks without a break: (minutes, start, end)."""
    best = (0, day.start, day.start)
    run_start = None
    for b in day.blocks:
        if b.teaching:
            run_start = b.start if run_start is None else run_start
            if b.end - run_start > best[0]:
                best = (b.end - run_start, run_start, b.end)
        else:
            run_start = None
    return best


class Row(NamedTuple):
    """One line of a timetable, as plain data for the site builder and the print."""

    start: int  # minutes after midnight
    end: int
    label: str  # "Einheit 1.3: Titel", "Fallarbeit: Titel", "Mittagspause", "Begrüßung"
    minutes: int
    kind: str  # "unit" | "break" | "case" | "item"
    part: str  # "Teil 1/2" or ""


def _unit_label(catalog: Catalog, unit_id: str) -> str:
    unit = catalog.units.get(unit_id)
    if unit is None:
        return f"Einheit {unit_id}"
    module = catalog.module_by_id[unit.module_id]
    return f"Einheit {module.number}.{module.units.index(unit) + 1}: {unit.title}"


def schedule_rows(catalog: Catalog, pack: CoursePack) -> list[list[Row]]:
    """Every day's timetable rows: (start, end, label, minutes, kind, part)."""
    out = []
    for day in pack.days:
        rows = []
        for b in day.blocks:
            if b.kind == "unit":
                label = _unit_label(catalog, b.unit_id)
            elif b.kind == "case":
                case = catalog.case_by_id.get(b.case_id)
                label = f"Fallarbeit: {case.title}" if case else "Fallarbeit (Fallstudie nicht freigegeben)"
            else:
                label = b.title
            rows.append(Row(b.start, b.end, label, b.minutes, b.kind, b.part_label))
        out.append(rows)
    return out


def day_summary(day: Day) -> str:
    """``09:00–16:30 Uhr · 6 Stunden Lernzeit · 8,0 UE``-like line for a day's heading or footer."""
    return f"{hhmm(day.start)}–{hhmm(day.end)} Uhr, {ue_de(day.teaching_minutes)}"
