"""The bibliography for the site, formatted by pandoc citeproc from the catalogue's CSL items.

pandoc gets CSL-JSON written from ``catalog.references`` (as the print path does), so only the loader
reads literatur.yml.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from .errors import BuildError
from .model import Catalog


@lru_cache(maxsize=4)
def _format(csl_json: str) -> str:
    import pypandoc

    source = "---\nnocite: '@*'\nlang: de-DE\n---\n"
    with tempfile.TemporaryDirectory(prefix="koko-lit-") as tmp:
        (Path(tmp) / "literatur.json").write_text(csl_json, encoding="utf-8")
        result = subprocess.run([pypandoc.get_pandoc_path(), "--from=markdown", "--to=html", "--citeproc",
                                 "--bibliography=literatur.json", "--metadata=lang:de-DE"],
                                input=source, capture_output=True, text=True, encoding="utf-8", cwd=tmp, check=False)
    if result.returncode != 0:
        raise BuildError(f"pandoc konnte das Literaturverzeichnis nicht formatieren: {result.stderr.strip()[:500]}")
    return result.stdout


def html(catalog: Catalog) -> str:
    """HTML of the whole bibliography; every entry has the anchor ``ref-<id>``."""
    csl = json.dumps([r.csl for r in catalog.references], ensure_ascii=False, sort_keys=True, default=str)
    return _format(csl)
