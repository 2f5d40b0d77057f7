"""The bibliography for the site and for print, formatted by pandoc citeproc from the catalogue's CSL items.

The items reach pandoc as the ``references`` metadata of a pandoc JSON document, text fields as
``MetaInlines`` of plain ``Str`` nodes: neither Markdown nor CSL's own HTML-like markup (``<i>``,
``<span class="nocase">``) in a field can take effect, so a title shows exactly as written.
"""
from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache

from .errors import BuildError
from .model import Catalog
from .pandoc_writer import API_VERSION, strs

_STRING_KEYS = {"id", "type"}
#: Fields in the language of the work: an English title is tagged English (``<span lang="en">`` on the site,
#: ``lang`` in the PDF's tags and in Word), the rest of the entry stays in the German of the citation style.
_TITLE_KEYS = ("title", "container-title", "collection-title")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def meta_value(value: object, key: str = "") -> dict:
    """A CSL value as a pandoc metadata value (text as inlines, never parsed)."""
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: meta_value(v, k) for k, v in value.items()}}
    if isinstance(value, list):
        return {"t": "MetaList", "c": [meta_value(v, key) for v in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, (int, float)) or key in _STRING_KEYS:
        return {"t": "MetaString", "c": str(value)}
    return {"t": "MetaInlines", "c": strs(str(value))}


def reference_meta(csl: dict) -> dict:
    """One CSL item; the titles of a work in another language than German carry that language."""
    item = meta_value(csl)
    language = str(csl.get("language", ""))
    if _LANGUAGE.match(language) and not language.startswith("de"):
        for key in _TITLE_KEYS:
            value = item["c"].get(key)
            if value and value["t"] == "MetaInlines":
                value["c"] = [{"t": "Span", "c": [["", [], [["lang", language]]], value["c"]]}]
    return item


def references_meta(catalog: Catalog) -> dict:
    return {"t": "MetaList", "c": [reference_meta(r.csl) for r in catalog.references]}


def _nocite() -> dict:
    cite = {"citationId": "*", "citationPrefix": [], "citationSuffix": [], "citationMode": {"t": "NormalCitation"},
            "citationNoteNum": 1, "citationHash": 0}
    return {"t": "MetaInlines", "c": [{"t": "Cite", "c": [[cite], strs("@*")]}]}


def document_meta(catalog: Catalog, *, all_references: bool) -> dict:
    meta = {"lang": {"t": "MetaInlines", "c": strs("de-DE")}, "link-citations": {"t": "MetaBool", "c": True},
            "references": references_meta(catalog)}
    if all_references:
        meta["nocite"] = _nocite()
    return meta


@lru_cache(maxsize=4)
def _format(doc_json: str) -> str:
    import pypandoc

    result = subprocess.run([pypandoc.get_pandoc_path(), "--from=json", "--to=html", "--citeproc"],
                            input=doc_json, capture_output=True, text=True, encoding="utf-8", check=False)
    if result.returncode != 0:
        raise BuildError(f"pandoc konnte das Literaturverzeichnis nicht formatieren: {result.stderr.strip()[:500]}")
    return result.stdout


def html(catalog: Catalog) -> str:
    """HTML of the whole bibliography; every entry has the anchor ``ref-<id>``."""
    doc = {"pandoc-api-version": API_VERSION, "meta": document_meta(catalog, all_references=True), "blocks": []}
    return _format(json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str))
