"""Tests for the anonymisation scanner (handbook.anonymity).

The labelled corpus ``tests/data/anonymity_corpus.tsv`` has two columns: ``expected_rule`` (one rule,
several joined by ``+`` when a sentence leaks more than one class, or ``-`` for a clean sentence) and
``sentence``. Every leak must be found with the right rule; every clean sentence must yield nothing.

Documented decisions the corpus pins down:
* "Hagen"/"Lotte" followed by a capitalised surname ("Hagen Rether", "Lotte Reiniger") is read as a
  given name, not as the town; names without a salutation or office are not a "person" finding.
* Bare regions ("Ruhrgebiet"), years, months with a year and seasons are not findings.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from handbook.anonymity import RULES, Finding, gemeinden_count, scan

CORPUS = Path(__file__).parent / "data" / "anonymity_corpus.tsv"


def _load() -> list[tuple[frozenset[str], str]]:
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for row in rows:
        label = row["expected_rule"].strip()
        rules = frozenset() if label == "-" else frozenset(label.split("+"))
        out.append((rules, row["sentence"]))
    return out


ROWS = _load()
LEAKS = [(r, s) for r, s in ROWS if r]
CLEAN = [s for r, s in ROWS if not r]


def test_corpus_size_and_labels() -> None:
    assert len(ROWS) >= 400
    assert len(CLEAN) >= len(LEAKS)  # at least as many innocent look-alikes as leaks (issue 14)
    per_rule = Counter(rule for rules, _ in LEAKS for rule in rules)
    for rule in RULES:
        assert per_rule[rule] >= 8, f"zu wenige Beispiele für {rule}: {per_rule[rule]}"
    assert set(per_rule) <= set(RULES)


@pytest.mark.parametrize("rules,sentence", LEAKS, ids=[s[:50] for _, s in LEAKS])
def test_leak_found_with_right_rule(rules: frozenset[str], sentence: str) -> None:
    found = scan(sentence)
    assert {f.rule for f in found} == set(rules), [(f.rule, f.text) for f in found]


@pytest.mark.parametrize("sentence", CLEAN, ids=[s[:50] for s in CLEAN])
def test_clean_sentence_has_no_findings(sentence: str) -> None:
    found = scan(sentence)
    assert found == [], [(f.rule, f.text) for f in found]


def test_recall_and_precision() -> None:
    """Recall per leak class must be 1.0; precision is printed (and must stay high)."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    true_pos = false_pos = 0
    for rules, sentence in ROWS:
        found = scan(sentence)
        found_rules = {f.rule for f in found}
        for rule in rules:
            totals[rule] += 1
            hits[rule] += rule in found_rules
        for f in found:
            if f.rule in rules:
                true_pos += 1
            else:
                false_pos += 1
    recall = {rule: hits[rule] / totals[rule] for rule in RULES}
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    print("\nRecall je Regel:", {k: round(v, 3) for k, v in recall.items()})
    print(f"Precision (Korpus): {precision:.3f} ({true_pos} richtig, {false_pos} falsch)")
    assert all(v == 1.0 for v in recall.values()), recall
    assert precision >= 0.95


def test_offsets_are_exact() -> None:
    text = ("Frau Yilmaz aus Bielefeld schrieb am 03.03.2022 an info@beispiel.de; "
            "Tel. 0521 51-0, Hauptstraße 12, 33602 Bielefeld, im Kreis Lippe, Az. 32.1-123/22.")
    found = scan(text)
    assert found, "keine Funde"
    for f in found:
        assert isinstance(f, Finding)
        assert text[f.start:f.end] == f.text
        assert f.rule in RULES and f.message and f.suggestion
    starts = [f.start for f in found]
    assert starts == sorted(starts)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start, "überlappende Funde"
    assert {f.rule for f in found} == {"person", "ort", "datum", "email", "telefon", "adresse", "plz",
                                        "aktenzeichen"}


@pytest.mark.parametrize("sentence,expected", [
    ("Die Bielefelder Verwaltung", "Bielefelder"),
    ("Bielefelds Süden", "Bielefelds"),
    ("die Kölnerin", "Kölnerin"),
    ("mit den Kölnerinnen", "Kölnerinnen"),
    ("den Kölnern", "Kölnern"),
    ("die Essener Polizei", "Essener"),
    ("Solinger Schulen", "Solinger"),
    ("Münsteraner Studierende", "Münsteraner"),
    ("im Kreis Lippe", "Kreis Lippe"),
    ("im Hochsauerlandkreis", "Hochsauerlandkreis"),
    ("des Rhein-Sieg-Kreises", "Rhein-Sieg-Kreises"),
    ("im Märkischen Kreis", "Märkischen Kreis"),
    ("im Rhein-Kreis Neuss", "Rhein-Kreis Neuss"),
    ("in Halle (Westf.)", "Halle (Westf.)"),
    ("in Wetter (Ruhr)", "Wetter (Ruhr)"),
    ("in Mülheim an der Ruhr", "Mülheim an der Ruhr"),
])
def test_inflected_and_official_forms(sentence: str, expected: str) -> None:
    found = [f for f in scan(sentence) if f.rule == "ort"]
    assert [f.text for f in found] == [expected]


def test_suggestion_uses_size_band() -> None:
    (big,) = scan("in Bielefeld")
    assert "Großstadt" in big.suggestion and "Detmold" in big.message
    (small,) = scan("in Dahlem")
    assert "Landgemeinde" in small.suggestion
    (mid,) = scan("in Lage")
    assert "Mittelstadt" in mid.suggestion


def test_date_suggestion_generalises_to_season() -> None:
    (f,) = scan("am 3. März 2022")
    assert f.rule == "datum" and "Frühjahr 2022" in f.suggestion


def test_all_396_gemeinden_loaded_and_found() -> None:
    assert gemeinden_count() == 396
    rows = list(csv.DictReader((Path(__file__).parents[1] / "handbook" / "data" / "places"
                                / "nrw_gemeinden_full.csv").open(encoding="utf-8")))
    missed = [r["name_basis"] for r in rows
              if not any(f.rule == "ort" for f in scan(f"Die Stadt {r['name_basis']} lud ein."))]
    assert missed == []
