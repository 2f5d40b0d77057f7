"""KoKo-Handbuch: one content model (YAML) rendered into a website and a print handbook.

``handbook.load(root)`` is the only way to read content; everything else works on the returned Catalog.
"""
from .errors import BuildError, ContentError, Problem
from .loader import load
from .model import Catalog

__all__ = ["load", "Catalog", "ContentError", "BuildError", "Problem"]
