"""JSON Schema validation of parsed content, with German messages that point at the line.

The schemas in ``schemas/`` serve two readers: the YAML language server in the author's editor, and this
module. A schema may carry ``x-erwartet`` (what is expected, in German) to make a message concrete, and a
conditional (``then``) schema ``x-grund`` (why a field is required there).
"""
from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

import jsonschema
from jsonschema import Draft202012Validator

from .errors import Problem
from .parse import Document, JsonPath

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_FORMATS = Draft202012Validator.FORMAT_CHECKER

_TYPE_DE = {
    "string": "einen Text",
    "integer": "eine ganze Zahl",
    "number": "eine Zahl",
    "boolean": "true oder false",
    "array": "eine Liste (Einträge mit '-')",
    "object": "ein Objekt (Schlüssel: Wert)",
    "null": "nichts",
}


@cache
def validator(kind: str) -> Draft202012Validator:
    """The compiled validator for one content kind (``modul``, ``fallstudie``, …); built once per process."""
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=_FORMATS)


def describe(value: object) -> str:
    """How a found value is shown in a message: quoted text, or the kind of thing."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        short = value if len(value) <= 60 else value[:57] + "…"
        return f"'{short}'"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "ein Objekt"
    if value is None:
        return "nichts (leerer Wert)"
    return repr(value)


def field_name(path: JsonPath) -> str:
    """``('einheiten', 1, 'dauer_min')`` → ``einheiten[2].dauer_min`` (positions counted from 1, as authors count)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out or "Datei"


def expected(schema: dict) -> str:
    """German description of what a schema node accepts."""
    if "x-erwartet" in schema:
        return schema["x-erwartet"]
    if "enum" in schema:
        return "einen der Werte " + ", ".join(f"'{v}'" for v in schema["enum"])
    types = schema.get("type")
    if isinstance(types, list):
        return " oder ".join(_TYPE_DE.get(t, t) for t in types)
    base = _TYPE_DE.get(types or "", "einen gültigen Wert")
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if types in ("integer", "number") and lo is not None and hi is not None:
        return f"{base} von {lo} bis {hi}"
    if types == "string" and schema.get("minLength"):
        return "einen nicht leeren Text"
    return base


def suggest(word: str, choices) -> str:
    """`` – meinten Sie 'x'?`` when a close match exists, else an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" – meinten Sie '{match[0]}'?" if match else ""


def _field_choice(branches: list) -> list[str]:
    """The fields of an ``anyOf`` whose every branch requires one field (family or literal), else []."""
    keys = [b["required"][0] for b in branches if list(b) == ["required"] and len(b["required"]) == 1]
    return keys if len(keys) == len(branches) else []


def _message(error: jsonschema.ValidationError) -> tuple[JsonPath, str, bool]:
    """(path, German message, whether the location is the key rather than the value)."""
    path = tuple(error.absolute_path)
    schema = error.schema
    kind = error.validator
    name = field_name(path)
    if kind == "additionalProperties":
        allowed = schema.get("properties", {})
        extra = [k for k in error.instance if k not in allowed]
        key = extra[0]
        return path + (key,), f"unbekanntes Feld '{key}'{suggest(key, allowed)}", True
    if kind == "required":
        missing = error.message.split("'")[1]
        where = f" in {name}" if path else ""
        reason = f" ({schema['x-grund']})" if "x-grund" in schema else ""  # e.g. a field only some kinds need
        return path, f"Pflichtfeld '{missing}' fehlt{where}{reason}", False
    if kind == "enum":
        value = error.instance
        hint = suggest(str(value), [str(v) for v in error.validator_value])
        return path, f"{name}: erwartet {expected(schema)}, gefunden {describe(value)}{hint}", False
    if kind in ("type", "minimum", "maximum", "pattern", "format", "exclusiveMinimum", "exclusiveMaximum"):
        return path, f"{name}: erwartet {expected(schema)}, gefunden {describe(error.instance)}", False
    if kind == "minLength":
        return path, f"{name}: darf nicht leer sein", False
    if kind == "minItems":
        n = error.validator_value
        return path, f"{name}: erwartet mindestens {n} Eintr{'ag' if n == 1 else 'äge'}, gefunden {len(error.instance)}", False
    if kind == "maxItems":
        n = error.validator_value
        return path, f"{name}: erwartet höchstens {n} Einträge, gefunden {len(error.instance)}", False
    if kind == "anyOf":
        keys = _field_choice(error.validator_value)
        if keys:  # "one of these fields", e.g. family or literal of a name
            return path, f"{name}: braucht eines der Felder {' oder '.join(repr(k) for k in keys)}", False
        return path, f"{name}: erwartet {expected(schema)}, gefunden {describe(error.instance)}", False
    if kind == "uniqueItems":
        items = error.instance
        twice = next((v for i, v in enumerate(items) if v in items[:i]), None)
        return path, f"{name}: {describe(twice)} steht doppelt – jeden Eintrag nur einmal angeben", False
    return path, f"{name}: ungültiger Wert ({error.message})", False


def validate(doc: Document, kind: str) -> list[Problem]:
    """Every schema problem of a document, located. A type error hides the errors below it."""
    problems = []
    errors = sorted(validator(kind).iter_errors(doc.data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    reported: list[JsonPath] = []
    # A misspelt key shows up twice (unknown + missing): say it once, as the unknown key with its suggestion.
    renamed = set()
    for error in errors:
        if error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            for key in error.instance:
                if key not in allowed:
                    renamed.update((tuple(error.absolute_path), m) for m in
                                   difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6))
    for error in errors:
        if error.validator == "required" and (tuple(error.absolute_path), error.message.split("'")[1]) in renamed:
            continue
        if error.validator == "anyOf" and any((tuple(error.absolute_path), k) in renamed
                                              for k in _field_choice(error.validator_value)):
            continue  # a misspelt field of the choice: reported once, as the unknown key with its suggestion
        path = tuple(error.absolute_path)
        # A value of the wrong type explains everything beneath it: say it once.
        if any(path[: len(r)] == r and r != path for r in reported):
            continue
        where, message, at_key = _message(error)
        problems.append(doc.problem(where, message, key=at_key, code=f"schema.{error.validator}"))
        if error.validator == "type":
            reported.append(path)
    return problems
