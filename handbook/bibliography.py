"""The bibliography, formatted by pandoc citeproc from literatur.yml (CSL-YAML) — for the site; print uses citeproc directly."""
from __future__ import annotations

from functools import lru_cache

import pypandoc

from .errors import BuildError
from .model import Catalog


@lru_cache(maxsize=4)
def _format(path: str, mtime: float) -> str:
    source = "---\nnocite: '@*'\nlang: de-DE\nlink-citations: true\n---\n"
    try:
        return pypandoc.convert_text(source, "html", format="markdown",
                                     extra_args=["--citeproc", f"--bibliography={path}", "--metadata=lang:de-DE"])
    except RuntimeError as exc:
        raise BuildError(f"pandoc konnte das Literaturverzeichnis nicht formatieren: {exc}") from None


def html(catalog: Catalog) -> str:
    """HTML of the whole bibliography; every entry has the anchor ``ref-<id>``."""
    path = catalog.root / "literatur.yml"
    return _format(str(path), path.stat().st_mtime)
