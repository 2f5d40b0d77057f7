"""Counts of a catalogue, for ``handbook check --json`` and the content issue's targets."""
from __future__ import annotations

import re
from collections import Counter

from .model import Catalog, Module

_WORD = re.compile(r"\w+(?:[-:']\w+)*")


def words(text: str) -> int:
    return len(_WORD.findall(text))


def module_words(module: Module) -> int:
    """Words a trainee reads in a module: description, units' texts, exercises (trainer-only text excluded)."""
    parts = [module.description, *module.objectives]
    for unit in module.units:
        parts += [unit.content, *unit.objectives, *(e.task for e in unit.exercises)]
    return sum(words(p) for p in parts)


def counts(catalog: Catalog) -> dict:
    units = [u for m in catalog.modules for u in m.units]
    return {
        "module": len(catalog.modules),
        "einheiten": len(units),
        "uebungen": sum(len(u.exercises) for u in units),
        "fallstudien": len(catalog.cases),
        "fallstudien_nicht_freigegeben": len(catalog.withheld),
        "fallstudien_je_konstellation": dict(sorted(Counter(c.constellation for c in catalog.cases).items())),
        "fallstudien_je_thema": dict(sorted(Counter(t for c in catalog.cases for t in c.topics).items())),
        "fallstudien_je_eskalationsstufe": {str(k): v for k, v in sorted(Counter(c.escalation_stage for c in catalog.cases).items())},
        "glossarbegriffe": len(catalog.glossary),
        "literaturangaben": len(catalog.references),
        "kurspakete": len(catalog.packs),
        "woerter_je_modul": {m.id: module_words(m) for m in catalog.modules},
        "minuten_je_modul": {m.id: m.minutes for m in catalog.modules},
    }


def summary(catalog: Catalog) -> str:
    c = counts(catalog)
    return (f"Inhalt in Ordnung: {c['module']} Module, {c['einheiten']} Einheiten, {c['uebungen']} Übungen, "
            f"{c['fallstudien']} Fallstudien, {c['glossarbegriffe']} Glossarbegriffe, {c['literaturangaben']} Literaturangaben, "
            f"{c['kurspakete']} Kurspakete.")
