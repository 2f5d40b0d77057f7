"""A runnable day plan per module: the shipped packs ``course_packs/modul-<n>-tagesplan.yml``.

Every training day runs 09:00–16:30 with 90 minutes of breaks (coffee 15, lunch 60, coffee 15), so it holds
360 teaching minutes. The module's units fill the days in order; the breaks go to the block boundary nearest
to 90, 180 and 270 minutes of teaching, and where no boundary is within half an hour, the unit running then is
split there (``bis_min``/``ab_min``, printed as "Teil 1/2"), as is a unit continued on the next day. Day 1 opens with a
welcome round, the last day closes with a feedback round, and where time is left there is case work (a free
item: the trainer picks the case). A module whose units do not fit its ``dauer_tage`` days gets no plan: :func:`fits` says so.

    python -m handbook.dayplans [--root DIR]    # (re)write the plans of every module that fits
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .model import Catalog, Module

DAY_START = 9 * 60
DAY_END = 16 * 60 + 30
TEACHING_PER_DAY = 360
#: (after about this many teaching minutes, break minutes, title): 90 minutes of breaks a day
BREAKS = [(90, 15, ""), (180, 60, "Mittagspause"), (270, 15, "")]
WELCOME = ("Begrüßung, Erwartungen und Ablauf", 15)
FEEDBACK = ("Auswertung und Feedbackrunde", 15)
#: Case work is planned only when at least this much time is left at the end.
MIN_CASE_WORK = 45
CASE_WORK = "Fallarbeit mit einer Fallstudie zum Modul (Auswahl im Fallfinder)"
FIRST_DAY = dt.date(2027, 3, 15)  # a Monday; the plans are templates, the trainer sets the real dates


def days_of(module: Module) -> int:
    return max(1, round(module.days))


def needed_minutes(module: Module) -> int:
    """Teaching minutes of the module's units."""
    return module.minutes


def fits(module: Module) -> bool:
    """Whether the module's units fit into its days of 360 teaching minutes (09:00–16:30, 90 minutes breaks)."""
    return needed_minutes(module) <= days_of(module) * TEACHING_PER_DAY and abs(module.days - days_of(module)) < 1e-9


#: How far (minutes) a break may move from its target to fall on one of a unit's break points.
BREAK_POINT_WINDOW = 45


def _cut(segment: list, offset: int, break_points: list[int]) -> int:
    """Where to split a unit segment [kind, id, from, to, whole] for a break due ``offset`` minutes into it.

    At the unit's break point nearest to the due minute (within :data:`BREAK_POINT_WINDOW`), else at that minute."""
    due = segment[2] + offset
    inside = [p for p in break_points if segment[2] < p < segment[3] and abs(p - due) <= BREAK_POINT_WINDOW]
    return min(inside, key=lambda p: (abs(p - due), p)) if inside else due


def plan(catalog: Catalog, module: Module) -> dict:
    """The pack (as the YAML's data) for one module; raises ValueError when the module does not fit."""
    if not fits(module):
        raise ValueError(f"Modul {module.number}: {needed_minutes(module)} Minuten passen nicht in "
                         f"{days_of(module)} Tage zu {TEACHING_PER_DAY} Minuten")
    n_days = days_of(module)
    free = n_days * TEACHING_PER_DAY - needed_minutes(module)
    # what is taught, in order: (kind, id or title, minutes)
    # welcome and feedback round only where there is room for both, then case work with what is left
    rounds = free >= WELCOME[1] + FEEDBACK[1]
    items: list[tuple[str, str, int]] = [("programmpunkt", WELCOME[0], WELCOME[1])] if rounds else []
    items += [("einheit", u.id, u.minutes) for u in module.units]
    free -= (WELCOME[1] + FEEDBACK[1]) if rounds else 0
    if free >= MIN_CASE_WORK:  # named as a free item: the plan holds no case id, so it survives any case collection
        items.append(("programmpunkt", CASE_WORK, min(90, free - free % 15)))
    if rounds:
        items.append(("programmpunkt", FEEDBACK[0], FEEDBACK[1]))

    # 1. the items day by day: a day holds 360 teaching minutes; a unit that does not fit is continued next day
    per_day: list[list[list]] = [[] for _ in range(n_days)]  # [kind, ident, from, to, whole]
    d, used = 0, 0
    for kind, ident, minutes in items:
        done = 0
        while done < minutes and d < n_days:
            room = TEACHING_PER_DAY - used
            take = min(room, minutes - done)
            if room == 0 or (kind != "einheit" and take < minutes):
                d, used = d + 1, 0
                continue
            per_day[d].append([kind, ident, done, done + take, minutes])
            done += take
            used += take
        assert done == minutes or kind != "einheit", "a unit always fits: fits() was checked"
    # 2. the breaks: at the block boundary nearest to 90, 180 and 270 minutes of teaching (within half an hour),
    #    else the unit running at that minute is split there – at the break point (pausenpunkte) nearest to it
    #    where the unit names its phase boundaries
    breaks_of = {u.id: u.break_points for u in module.units}
    blocks_by_day = []
    for segments in per_day:
        entries: list = list(segments)
        for target, pause, title in BREAKS:
            taught, at = 0, None
            boundaries = []
            for i, e in enumerate(entries):
                if e[0] == "pause":
                    continue
                taught += e[3] - e[2]
                boundaries.append((taught, i))
            total = taught
            if target >= total:
                break
            near = [(abs(t - target), t, i) for t, i in boundaries[:-1] if abs(t - target) <= 30
                    and not (i + 1 < len(entries) and entries[i + 1][0] == "pause")]
            if near:
                at = min(near)[2] + 1
            else:
                taught = 0
                for i, e in enumerate(entries):
                    if e[0] == "pause":
                        continue
                    length = e[3] - e[2]
                    if taught + length > target:
                        if e[0] == "einheit" and taught < target:
                            cut = _cut(e, target - taught, breaks_of.get(e[1], []))
                            entries[i:i + 1] = [[e[0], e[1], e[2], cut, e[4]], [e[0], e[1], cut, e[3], e[4]]]
                            at = i + 1
                        else:
                            at = i + 1
                        break
                    taught += length
            if at is not None and at < len(entries):
                entries.insert(at, ["pause", pause, title])
        blocks = []
        for e in entries:
            if e[0] == "pause":
                blocks.append({"pause": e[1], **({"titel": e[2]} if e[2] else {})})
            elif e[0] == "einheit":
                block = {"einheit": e[1]}
                if e[2] > 0:
                    block["ab_min"] = e[2]
                if e[3] < e[4]:
                    block["bis_min"] = e[3]
                blocks.append(block)
            else:
                blocks.append({e[0]: e[1], "dauer_min": e[3] - e[2]})
        blocks_by_day.append(blocks)
    days = []
    for d, blocks in enumerate(blocks_by_day):
        while blocks and "pause" in blocks[-1]:
            blocks.pop()  # no break at the end of a day
        days.append({"datum": (FIRST_DAY + dt.timedelta(days=d)).isoformat(), "beginn": "09:00", "bloecke": blocks})
    return {
        "id": f"modul-{module.number}-tagesplan",
        "titel": f"Tagesplan Modul {module.number}: {module.title}",
        "ausgabe": "teilnehmende",
        "veroeffentlichen": True,
        "veranstaltung": {"ende": "16:30"},
        "tage": [d for d in days if d["bloecke"]],
        "fallstudien": [],
        "formate": ["pdf"],
    }


def to_yaml(pack: dict, module: Module) -> str:
    """The pack as a commented YAML file in the style of the hand-written ones."""
    import yaml
    head = (f"# yaml-language-server: $schema=../schemas/kurspaket.schema.json\n"
            f"# Ein lauffähiger Ablauf für Modul {module.number} ({module.days:g} Tage, je 09:00–16:30 mit 90 Minuten "
            "Pause).\n# Erzeugt mit `python -m handbook.dayplans`; die Daten sind Platzhalter für Ihre Termine.\n")
    import re
    body = yaml.safe_dump(pack, allow_unicode=True, sort_keys=False, width=120)
    return head + re.sub(r"^(\s*beginn: )(\d\d:\d\d)$", r'\1"\2"', body, flags=re.M)


def main(argv: list[str] | None = None) -> int:
    from .errors import ContentError
    from .loader import load
    p = argparse.ArgumentParser(prog="python -m handbook.dayplans", description="Tagespläne je Modul schreiben")
    p.add_argument("--root", type=Path, default=Path("."))
    args = p.parse_args(argv)
    # The old plans may no longer fit the modules (that is why they are rewritten): load without them.
    old = {path: path.read_bytes() for path in sorted((args.root / "course_packs").glob("modul-*-tagesplan.yml"))}
    for path in old:
        path.unlink()
    try:
        catalog = load(args.root, check_anonymity=False)
    except ContentError as exc:
        for path, data in old.items():
            path.write_bytes(data)
        print(exc.report(), file=sys.stderr)
        return 1
    status = 0
    for module in catalog.modules:
        target = catalog.root / "course_packs" / f"modul-{module.number}-tagesplan.yml"
        if not fits(module):
            print(f"Modul {module.number}: {needed_minutes(module)} Minuten Einheiten passen nicht in "
                  f"{days_of(module)} Tage zu {TEACHING_PER_DAY} Minuten – kein Tagesplan geschrieben", file=sys.stderr)
            status = 1
            continue
        target.write_text(to_yaml(plan(catalog, module), module), encoding="utf-8")
        print(f"geschrieben: {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
