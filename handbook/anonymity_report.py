"""``python -m handbook anon``: the anonymisation findings of all case studies, grouped by case, in German.

It runs the same load as every build (the findings are the loader's ``anon.*`` problems), so the report and
the build can never disagree.
"""
from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from .errors import ContentError
from .loader import load


def main(root: Path) -> int:
    try:
        catalog = load(root)
    except ContentError as exc:
        findings = [p for p in exc.problems if p.code.startswith("anon.")]
        others = len(exc.problems) - len(findings)
        for path, group in groupby(findings, key=lambda p: p.path):
            items = list(group)
            print(f"{path}: {len(items)} Fund{'e' if len(items) != 1 else ''}")
            for p in items:
                print(f"  {p}")
        if findings:
            print(f"{len(findings)} Anonymisierungsfund{'e' if len(findings) != 1 else ''} in "
                  f"{len({p.path for p in findings})} Fallstudie(n). Verallgemeinern Sie die Stellen oder begründen Sie "
                  "eine bewusste Ausnahme unter anonymisierung.ausnahmen.")
        else:
            print("Keine Anonymisierungsfunde.")
        if others:
            print(f"Außerdem {others} andere Fehler – `python -m handbook check` zeigt sie.", file=sys.stderr)
        return 1
    for note in catalog.notes:
        print(f"Hinweis: {note}")
    print(f"Keine Anonymisierungsfunde in {len(catalog.cases)} freigegebenen Fallstudien.")
    return 0
