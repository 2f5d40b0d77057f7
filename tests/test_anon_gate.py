"""The anonymisation gate inside the loader: findings stop the build, exceptions need a reason, stale ones are reported."""
from __future__ import annotations

import pytest

from handbook import ContentError, load
from conftest import run_cli
from test_loader import CASE, edit


def findings(root) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(root)
    return [str(p) for p in info.value.problems]


def test_a_real_municipality_stops_the_load_with_its_line(tree):
    edit(tree, CASE, "Eine Ausgangslage ohne Namen.", "Im Bielefelder Rathaus begann der Streit.")
    assert findings(tree) == [
        "case_studies/f-muell.yml:16:6: Anonymisierung: Ortsname 'Bielefelder' (abgeleitete Form von Bielefeld; Gemeinde in NRW, Regierungsbezirk Detmold; "
        "kreisfreie Stadt, 331.605 Einw.) – Vorschlag: eine Großstadt im Ballungsraum"]


def test_contact_and_person_in_actor_roles_are_found(tree):
    edit(tree, CASE, "  - rolle: Elternvertretung", "  - rolle: Elternvertretung, Tel. 0521 123456")
    assert [f.split(": ", 1)[0] for f in findings(tree)] == ["case_studies/f-muell.yml:13:35"]


def test_a_justified_exception_is_accepted_and_a_stale_one_reported(tree):
    edit(tree, CASE, "Eine Ausgangslage ohne Namen.", "Ein Stadtteil wie in Köln-Kalk.")
    edit(tree, CASE, "  freigegeben: true", "  freigegeben: true\n  ausnahmen:\n    - text: Köln-Kalk\n"
                                              "      begruendung: Beispiel aus der Fachliteratur, kein Fallort")
    assert load(tree).case_by_id["f-muell"]
    edit(tree, CASE, "Ein Stadtteil wie in Köln-Kalk.", "Ein Stadtteil.")
    assert findings(tree) == ["case_studies/f-muell.yml:32:13: anonymisierung.ausnahmen: veraltete Ausnahme 'Köln-Kalk' – "
                              "sie trifft keinen Text mehr; bitte entfernen"]


def test_unreleased_case_is_not_checked_and_not_published(tree):
    edit(tree, "case_studies/f-konkurrenz.yml", "Die Intervention.", "Herr Becker aus Gelsenkirchen griff ein.")
    edit(tree, "case_studies/f-konkurrenz.yml", "freigegeben: true", "freigegeben: false")
    catalog = load(tree)
    assert "f-konkurrenz" not in catalog.case_by_id
    assert catalog.notes[0] == ("case_studies/f-konkurrenz.yml: nicht freigegeben (anonymisierung.freigegeben: false) – "
                                "wird nirgends veröffentlicht")
    assert any("kein Git-Checkout" in n for n in catalog.notes)  # the copy is no git checkout: said, not hidden


def test_anon_command_groups_findings_by_case(tree):
    edit(tree, CASE, "Das Ergebnis.", "Ergebnis: Bürgermeisterin Schulze lud ein.")
    edit(tree, "case_studies/f-schwimmen.yml", "Der Verlauf.", "Am 14.03.2022 eskalierte es.")
    proc = run_cli("--root", str(tree), "anon")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "case_studies/f-muell.yml: 1 Fund"
    assert lines[1].startswith("  case_studies/f-muell.yml:22:13: Anonymisierung: Personenname 'Bürgermeisterin Schulze'")
    assert lines[2] == "case_studies/f-schwimmen.yml: 1 Fund"
    assert "Tagesgenaues Datum '14.03.2022'" in lines[3]
    assert "Traceback" not in proc.stderr


def test_shipped_content_passes_the_gate():
    proc = run_cli("anon")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1].startswith("Keine Anonymisierungsfunde in ")


def test_an_exception_covers_only_its_own_occurrence(tree):
    edit(tree, CASE, "Eine Ausgangslage ohne Namen.", "Das Gesundheitsministerium in Düsseldorf schrieb. Später kam Hilfe aus Düsseldorf.")
    edit(tree, CASE, "  freigegeben: true", "  freigegeben: true\n  ausnahmen:\n    - text: Gesundheitsministerium in Düsseldorf\n"
                                              "      begruendung: Sitz der Landesregierung, kein Fallort")
    found = findings(tree)
    assert len(found) == 1 and found[0].startswith("case_studies/f-muell.yml:16:74: Anonymisierung: Ortsname 'Düsseldorf'")


def test_the_published_anonymisation_note_is_scanned_too(tree):
    edit(tree, CASE, "verfahren: Mehrere Situationen zusammengeführt.", "verfahren: Fälle aus Gelsenkirchen zusammengeführt.")
    assert [f.split(": ")[0] for f in findings(tree)] == ["case_studies/f-muell.yml:27:24"]
