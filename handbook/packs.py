"""Course-pack schedules: start and end of every block, from the day's start, the units' durations and the breaks.

The website's pack builder (``docs/assets/javascripts/kurspaket.js``) computes schedules by the same rules;
a test feeds both the same packs.
"""
from __future__ import annotations

import re

from .model import Day

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MIDNIGHT = 24 * 60


def parse_time(text: str) -> int | None:
    """``"09:30"`` → 570 minutes after midnight; None if it is not a time of day."""
    m = TIME.match(text.strip()) if isinstance(text, str) else None
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def schedule(day: Day, unit_minutes: dict[str, int]) -> Day:
    """Fill in ``start`` and ``end`` of each block in order: blocks follow each other without gaps.

    A unit's length is its ``dauer_min``; a break's length is its own. Unknown units count 0 minutes
    (the loader has reported them already).
    """
    t = day.start
    for block in day.blocks:
        if block.kind == "unit":
            block.minutes = unit_minutes.get(block.unit_id, 0)
        block.start, block.end = t, t + block.minutes
        t = block.end
    return day
