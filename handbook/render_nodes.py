"""Structural nodes the renderer adds around content trees (never produced by parsing content).

They carry only the renderer's own values (kinds, titles it composed, URLs it computed) and content trees
as children, so each serialiser writes them like any other node.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Callout:
    """A labelled block: a solution hint or trainer notes (collapsed on the site, a box in print)."""

    kind: str  # "loesung" | "trainer" | "hinweis"
    title: str
    blocks: tuple
    collapsed: bool = True


@dataclass(frozen=True, slots=True)
class Figure:
    src: str  # URL (site) or path relative to the project root (print)
    alt: str
    caption: tuple = ()  # inlines
    svg: str | None = None  # a diagram the project draws (trusted SVG made by handbook.diagrams)
    typst: str | None = None  # the same diagram as Typst code, for print
    description: tuple = ()  # blocks: a text alternative shown with the figure


@dataclass(frozen=True, slots=True)
class Cite:
    """References of a unit: on the site a list of links (``site``), in print pandoc citations (``ids``)."""

    ids: tuple
    site: tuple = ()  # blocks


@dataclass(frozen=True, slots=True)
class Div:
    """A container with classes the print template or the site's stylesheet knows (impressum, arbeitsblatt …)."""

    classes: tuple
    blocks: tuple = ()
    attrs: tuple = ()  # (name, value) pairs, the renderer's own
