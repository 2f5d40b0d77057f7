"""``python -m handbook anon``: the anonymisation findings of all published texts, grouped by file, in German.

It runs the same load as every build (the findings are the loader's ``anon.*`` problems), so the report and
the build can never disagree. It also names, for every released case, how many NRW municipalities fit its
type, size band and region (the re-identification count). ``--report`` measures the scanner on the labelled
corpus ``tests/data/anonymity_corpus.tsv``: precision and recall per class.
"""
from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from .errors import ContentError
from .loader import load


CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "anonymity_corpus.tsv"


def corpus_scores(path: Path = CORPUS) -> dict[str, dict[str, float | int]]:
    """Per class: tp, fp, fn, precision, recall over the labelled corpus (sentence level: a class counts once
    per sentence). A sentence labelled ``-`` must yield nothing; any finding there is a false positive."""
    import csv

    from .anonymity import RULES, scan
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    scores = {rule: {"tp": 0, "fp": 0, "fn": 0, "beispiele": 0} for rule in RULES}
    for row in rows:
        label = row["expected_rule"].strip()
        expected = set() if label == "-" else set(label.split("+"))
        found = {f.rule for f in scan(row["sentence"])}
        for rule in expected:
            scores[rule]["beispiele"] += 1
            scores[rule]["tp" if rule in found else "fn"] += 1
        for rule in found - expected:
            scores[rule]["fp"] += 1
    for s in scores.values():
        s["precision"] = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 1.0
        s["recall"] = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 1.0
    scores["_korpus"] = {"saetze": len(rows), "lecks": sum(1 for r in rows if r["expected_rule"].strip() != "-"),
                         "unauffaellig": sum(1 for r in rows if r["expected_rule"].strip() == "-")}
    return scores


HOLDOUT = CORPUS.with_name("anonymity_holdout.tsv")


def print_report() -> int:
    _table(CORPUS)
    if HOLDOUT.is_file():
        print()
        print("Zurückgehaltene Sätze (geschrieben, bevor der Scanner an ihnen gemessen wurde; nicht nachgebessert):")
        _table(HOLDOUT)
    return 0


def _table(path: Path) -> None:
    scores = corpus_scores(path)
    meta = scores.pop("_korpus")
    print(f"Korpus {path.name}: {meta['saetze']} Sätze, {meta['lecks']} mit Leck, {meta['unauffaellig']} unauffällige")
    print(f"{'Klasse':<14}{'Beispiele':>10}{'richtig':>9}{'Fehlalarm':>11}{'verpasst':>10}{'Precision':>11}{'Recall':>8}")
    for rule, s in scores.items():
        print(f"{rule:<14}{s['beispiele']:>10}{s['tp']:>9}{s['fp']:>11}{s['fn']:>10}{s['precision']:>11.3f}{s['recall']:>8.3f}")
    tp = sum(s["tp"] for s in scores.values())
    fp = sum(s["fp"] for s in scores.values())
    fn = sum(s["fn"] for s in scores.values())
    print(f"{'gesamt':<14}{'':>10}{tp:>9}{fp:>11}{fn:>10}{tp / (tp + fp):>11.3f}{tp / (tp + fn):>8.3f}")


def _counts(catalog) -> None:
    from .anonymity import MIN_CANDIDATES, rueckschluss
    for case in catalog.cases:
        res = rueckschluss(case.municipality_type, case.region)
        mark = "  " if res.count >= MIN_CANDIDATES else "! "
        print(f"{mark}Rückschluss-Prüfung {case.source.path}: {res.message}")


def main(root: Path, report: bool = False) -> int:
    if report:
        return print_report()
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
                  f"{len({p.path for p in findings})} Datei(en). Verallgemeinern Sie die Stellen oder begründen Sie "
                  "eine bewusste Ausnahme (Fallstudie: anonymisierung.ausnahmen; andere Texte: anonymisierung_erlaubt "
                  "in handbuch.yml).")
        else:
            print("Keine Anonymisierungsfunde.")
        if others:
            print(f"Außerdem {others} andere Fehler – `python -m handbook check` zeigt sie.", file=sys.stderr)
        return 1
    for note in catalog.notes:
        print(f"Hinweis: {note}")
    _counts(catalog)
    print(f"Keine Anonymisierungsfunde in {len(catalog.cases)} freigegebenen Fallstudien und allen veröffentlichten Texten.")
    return 0
