"""Diagrams drawn from data: one Typst source per diagram, compiled to SVG for the site and placed as
Typst code (vector graphics) in the PDF.

Every text in a diagram comes from the content (the Glasl stages of ``vokabular.yml``) or from the German
labels below, and reaches Typst only as a string literal (:func:`handbook.pdf.typst_string`), never as
Typst markup or code. The SVG carries the alternative text as ``<title>`` and the text alternative (for the
staircase: the stages as a list) as ``<desc>``, so the words are in the file as text even though Typst
draws the letters as outlines.

A unit places a diagram with ``abbildungen: - diagramm: <name>`` and its own ``alt``; :data:`DIAGRAMS`
gives each name its German title, a default alternative text and the text alternative.
"""
from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from xml.sax.saxutils import escape

from .model import Catalog

#: The font of the drawings: the sans-serif of the print template.
FONT = ("DejaVu Sans", "Libertinus Serif")

#: Glasl's three main phases (ids as in vokabular.yml) in German, as the module text explains them.
PHASES = {
    "win-win": "beide Seiten können noch gewinnen",
    "win-lose": "eine Seite soll gewinnen, die andere verlieren",
    "lose-lose": "beide nehmen eigene Verluste in Kauf",
}

ONION = [
    ("Positionen", "was eine Partei öffentlich fordert"),
    ("Interessen", "was sie eigentlich erreichen will"),
    ("Bedürfnisse", "grundlegende Anliegen wie Sicherheit, Anerkennung, Zugehörigkeit, Selbstbestimmung, Gerechtigkeit"),
]

ICEBERG = [
    ("Sachebene", "über Wasser, der kleinere Teil", "Zahlen, Daten, Fakten, Regeln, Argumente"),
    ("Beziehungsebene", "unter Wasser, der weit größere Teil", "Gefühle, Erfahrungen, Werte, Vorurteile, Kränkungen, Ängste"),
]

ACTOR_ZONES = ["Primäre Akteure", "Sekundäre Akteure", "Externe Akteure"]
#: The symbols of the actor map (m1-e4): (kind of stroke drawn, meaning).
ACTOR_LEGEND = [
    ("circle", "Kreis: ein Akteur – je größer, desto mehr Macht oder Einfluss"),
    ("solid", "durchgezogene Linie: enger Kontakt"),
    ("double", "Doppellinie: Bündnis"),
    ("dashed", "gestrichelte Linie: lose oder informelle Verbindung"),
    ("zigzag", "Zickzacklinie: Konflikt"),
    ("broken", "durchgestrichene Linie: abgebrochene Beziehung"),
    ("arrow", "Pfeil: Einfluss oder Dominanz"),
]


def _s(text: str) -> str:
    from .pdf import typst_string  # imported here: pdf imports the renderers, which may import this module
    return typst_string(text)


def _stages(catalog: Catalog) -> list[tuple[int, str, str]]:
    return [(s.number, s.name, s.phase) for s in sorted(catalog.vocabulary.stages.values(), key=lambda s: s.number)]


def _phases(catalog: Catalog) -> list[tuple[str, int, int]]:
    """Consecutive runs of stages with the same phase: (phase id, first stage, last stage)."""
    runs: list[list] = []
    for number, _, phase in _stages(catalog):
        if runs and runs[-1][0] == phase:
            runs[-1][2] = number
        else:
            runs.append([phase, number, number])
    return [tuple(r) for r in runs]


# --- the drawings (Typst code; every text an argument given as a string literal) -------------------------

_GLASL = """
#let koko-glasl(stages, phases) = {
  let dx = 0.62cm
  let dy = 0.8cm
  let w = 6.6cm
  let fills = (rgb("#dcefd5"), rgb("#fbe7b5"), rgb("#f5cbc5"))
  let n = stages.len()
  let bx = (n - 1) * dx + w + 0.4cm
  box(width: bx + 4.9cm, height: n * dy, {
    for (i, s) in stages.enumerate() {
      place(top + left, dx: i * dx, dy: i * dy,
        rect(width: w, height: dy - 0.1cm, fill: fills.at(calc.min(s.at(2), 2)), stroke: 0.6pt + luma(60),
             inset: (x: 6pt, y: 0pt),
             align(left + horizon, text(weight: "bold", str(s.at(0))) + h(7pt) + s.at(1))))
    }
    for p in phases {
      let y0 = (p.at(2) - 1) * dy
      let hh = (p.at(3) - p.at(2) + 1) * dy - 0.1cm
      place(top + left, dx: bx, dy: y0, line(start: (0pt, 0pt), end: (0pt, hh), stroke: 1.2pt + luma(60)))
      place(top + left, dx: bx - 0.15cm, dy: y0, line(start: (0pt, 0pt), end: (0.15cm, 0pt), stroke: 1.2pt + luma(60)))
      place(top + left, dx: bx - 0.15cm, dy: y0 + hh, line(start: (0pt, 0pt), end: (0.15cm, 0pt), stroke: 1.2pt + luma(60)))
      place(top + left, dx: bx + 0.25cm, dy: y0, box(width: 4.6cm, height: hh,
        align(left + horizon, text(weight: "bold", p.at(0)) + linebreak() + text(size: 0.9em, p.at(1)))))
    }
  })
}
"""

_ONION = """
#let koko-onion(layers) = {
  let c = 3.2cm
  let radii = (3.1cm, 2.1cm, 1.1cm)
  let fills = (rgb("#fbe7b5"), rgb("#f6d08a"), rgb("#eeb463"))
  box(width: 15cm, height: 6.4cm, {
    for (i, r) in radii.enumerate() {
      place(top + left, dx: c - r, dy: c - r, circle(radius: r, fill: fills.at(i), stroke: 0.6pt + luma(60)))
    }
    place(top + left, dx: c - 1.6cm, dy: c - radii.at(0) + 0.3cm, box(width: 3.2cm, align(center, text(weight: "bold", layers.at(0).at(0)))))
    place(top + left, dx: c - 1.6cm, dy: c - radii.at(1) + 0.3cm, box(width: 3.2cm, align(center, text(weight: "bold", layers.at(1).at(0)))))
    place(top + left, dx: c - 1.6cm, dy: c - 0.22cm, box(width: 3.2cm, align(center, text(weight: "bold", layers.at(2).at(0)))))
    place(top + left, dx: 7cm, dy: 0.7cm, block(width: 7.8cm, {
      for (i, l) in layers.enumerate() {
        block(below: 0.8em, text(weight: "bold", l.at(0)) + linebreak() + l.at(1))
      }
    }))
  })
}
"""

_ICEBERG = """
#let koko-iceberg(levels) = {
  let sea = 2.4cm
  box(width: 15cm, height: 8.2cm, {
    place(top + left, dy: sea, rect(width: 15cm, height: 8.2cm - sea, fill: rgb("#d6e9f5"), stroke: none))
    place(top + left, dy: sea, line(start: (0pt, 0pt), end: (15cm, 0pt), stroke: 1pt + rgb("#2b6a94")))
    place(top + left, polygon(fill: white, stroke: 0.8pt + luma(60),
      (4.6cm, sea), (5.9cm, 0.3cm), (6.7cm, 0.8cm), (7.9cm, sea)))
    place(top + left, polygon(fill: rgb("#f4f9fc"), stroke: 0.8pt + luma(60),
      (4.6cm, sea), (1.4cm, 5.4cm), (3.2cm, 7.9cm), (9.8cm, 8cm), (11.6cm, 5.1cm), (7.9cm, sea)))
    place(top + left, dx: 8.6cm, dy: 0.35cm, block(width: 6.2cm,
      text(weight: "bold", levels.at(0).at(0)) + [ (] + levels.at(0).at(1) + [)] + linebreak() + levels.at(0).at(2)))
    place(top + left, dx: 2.6cm, dy: 4.3cm, block(width: 8cm, align(center,
      text(weight: "bold", levels.at(1).at(0)) + [ (] + levels.at(1).at(1) + [)] + linebreak() + levels.at(1).at(2))))
    place(top + left, dx: 11.9cm, dy: sea + 0.15cm, text(size: 0.85em, fill: rgb("#2b6a94"), "Wasseroberfläche"))
  })
}
"""

_ACTORS = """
#let koko-actors(zones, legend, topics, own) = {
  let sym(kind) = box(width: 1.3cm, height: 0.5cm, {
    let y = 0.25cm
    let st = 1pt + luma(30)
    if kind == "circle" {
      place(top + left, dx: 0.05cm, dy: 0.13cm, circle(radius: 0.12cm, stroke: st))
      place(top + left, dx: 0.5cm, dy: 0.0cm, circle(radius: 0.25cm, stroke: st))
    } else if kind == "solid" {
      place(top + left, line(start: (0pt, y), end: (1.2cm, y), stroke: st))
    } else if kind == "double" {
      place(top + left, line(start: (0pt, y - 0.06cm), end: (1.2cm, y - 0.06cm), stroke: st))
      place(top + left, line(start: (0pt, y + 0.06cm), end: (1.2cm, y + 0.06cm), stroke: st))
    } else if kind == "dashed" {
      place(top + left, line(start: (0pt, y), end: (1.2cm, y), stroke: (paint: luma(30), thickness: 1pt, dash: "dashed")))
    } else if kind == "zigzag" {
      for i in range(6) {
        let x0 = i * 0.2cm
        let up = calc.rem(i, 2) == 0
        place(top + left, line(start: (x0, if up { y + 0.12cm } else { y - 0.12cm }),
                               end: (x0 + 0.2cm, if up { y - 0.12cm } else { y + 0.12cm }), stroke: st))
      }
    } else if kind == "broken" {
      place(top + left, line(start: (0pt, y), end: (1.2cm, y), stroke: st))
      place(top + left, line(start: (0.5cm, y - 0.18cm), end: (0.6cm, y + 0.18cm), stroke: st))
      place(top + left, line(start: (0.62cm, y - 0.18cm), end: (0.72cm, y + 0.18cm), stroke: st))
    } else if kind == "arrow" {
      place(top + left, line(start: (0pt, y), end: (1.05cm, y), stroke: st))
      place(top + left, polygon(fill: luma(30), (1.0cm, y - 0.12cm), (1.25cm, y), (1.0cm, y + 0.12cm)))
    }
  })
  box(width: 16cm, height: 10cm, {
    let cx = 5.2cm
    let cy = 4.6cm
    let sizes = ((3.4cm, 2.4cm), (6.6cm, 5cm), (10.2cm, 8.8cm))
    let fills = (rgb("#fbe7b5"), rgb("#fdf3da"), rgb("#ffffff"))
    for i in (2, 1, 0) {
      let (w, hh) = sizes.at(i)
      place(top + left, dx: cx - w / 2, dy: cy - hh / 2, ellipse(width: w, height: hh, fill: fills.at(i), stroke: 0.8pt + luma(60)))
    }
    place(top + left, dx: cx - 1.5cm, dy: cy - 0.2cm, box(width: 3cm, align(center, text(weight: "bold", zones.at(0)))))
    place(top + left, dx: cx - 1.5cm, dy: cy - 2.5cm + 0.2cm, box(width: 3cm, align(center, text(weight: "bold", zones.at(1)))))
    place(top + left, dx: cx - 1.5cm, dy: cy - 4.4cm + 0.2cm, box(width: 3cm, align(center, text(weight: "bold", zones.at(2)))))
    place(top + left, dx: 10.7cm, dy: 0cm, block(width: 5.3cm, {
      for (kind, meaning) in legend {
        block(below: 0.9em, grid(columns: (1.45cm, 1fr), column-gutter: 0.1cm, align: (left + horizon, left + horizon),
          sym(kind), text(size: 0.85em, meaning)))
      }
    }))
    place(top + left, dx: 10.7cm, dy: 6.8cm, rect(width: 5.3cm, height: 2.2cm, stroke: 0.8pt + luma(60), inset: 5pt,
      text(weight: "bold", topics)))
    place(top + left, dx: 0cm, dy: 9.5cm, block(width: 16cm, text(size: 0.85em, own)))
  })
}
"""


@dataclass(frozen=True)
class Diagram:
    """One diagram: its German title, a default alternative text, the text alternative and the drawing."""

    title: str
    alt: Callable[[Catalog], str]
    items: Callable[[Catalog], list[str]]  # the text alternative, one entry per element
    code: Callable[[Catalog], str]  # Typst: the definitions, then the call that draws


def _glasl_alt(catalog: Catalog) -> str:
    phases = ", ".join(f"Stufen {a} bis {b} {p}" if a != b else f"Stufe {a} {p}" for p, a, b in _phases(catalog))
    return (f"Treppe mit {len(_stages(catalog))} abwärts führenden Stufen der Konflikteskalation nach Glasl, "
            f"in drei Hauptphasen gegliedert: {phases}.")


def _glasl_items(catalog: Catalog) -> list[str]:
    return [f"Stufe {n}: {name} (Hauptphase {phase})" for n, name, phase in _stages(catalog)]


def _glasl_code(catalog: Catalog) -> str:
    stages = _stages(catalog)
    phase_index = {p: i for i, (p, _, _) in enumerate(_phases(catalog))}
    args = ", ".join(f"({n}, {_s(name)}, {min(phase_index[p], 2)})" for n, name, p in stages)
    phases = ", ".join(f"({_s(f'Stufen {a}–{b}: {p}' if a != b else f'Stufe {a}: {p}')}, {_s(PHASES.get(p, ''))}, {a}, {b})"
                       for p, a, b in _phases(catalog))
    return _GLASL + f"#koko-glasl(({args},), ({phases},))\n"


def _onion_code(catalog: Catalog) -> str:
    layers = ", ".join(f"({_s(a)}, {_s(b)})" for a, b in ONION)
    return _ONION + f"#koko-onion(({layers},))\n"


def _iceberg_code(catalog: Catalog) -> str:
    levels = ", ".join(f"({_s(a)}, {_s(b)}, {_s(c)})" for a, b, c in ICEBERG)
    return _ICEBERG + f"#koko-iceberg(({levels},))\n"


def _actors_code(catalog: Catalog) -> str:
    zones = ", ".join(_s(z) for z in ACTOR_ZONES)
    legend = ", ".join(f"({_s(k)}, {_s(m)})" for k, m in ACTOR_LEGEND)
    return _ACTORS + (f"#koko-actors(({zones},), ({legend},), {_s('Themen, um die es geht:')}, "
                      f"{_s('Die eigene Organisation gehört mit auf die Karte: Wo stehen Sie, wen erreichen Sie?')})\n")


DIAGRAMS: dict[str, Diagram] = {
    "glasl-treppe": Diagram(
        "Die neun Eskalationsstufen nach Glasl", _glasl_alt, _glasl_items, _glasl_code),
    "konfliktzwiebel": Diagram(
        "Die Konfliktzwiebel",
        lambda c: ("Drei ineinanderliegende Kreise wie die Schichten einer Zwiebel: außen Positionen, darunter "
                   "Interessen, im Kern Bedürfnisse."),
        lambda c: [f"{a}: {b}" for a, b in ONION], _onion_code),
    "eisberg": Diagram(
        "Das Eisbergmodell",
        lambda c: ("Ein Eisberg im Wasser: Über der Wasseroberfläche liegt der kleine sichtbare Teil, die Sachebene; "
                   "darunter der weit größere Teil, die Beziehungsebene."),
        lambda c: [f"{a} ({b}): {d}" for a, b, d in ICEBERG], _iceberg_code),
    "akteurslandkarte": Diagram(
        "Vorlage Akteurslandkarte",
        lambda c: ("Leere Akteurslandkarte aus drei ineinanderliegenden Ellipsen – innen primäre, darum sekundäre, "
                   "außen externe Akteure – mit einer Legende der Symbole und einem Feld für die Themen."),
        lambda c: ACTOR_ZONES + [m for _, m in ACTOR_LEGEND], _actors_code),
}


def _code(catalog: Catalog, name: str) -> str:
    try:
        diagram = DIAGRAMS[name]
    except KeyError:
        raise ValueError(f"unbekanntes Diagramm '{name}' (bekannt: {', '.join(DIAGRAMS)})") from None
    return diagram.code(catalog)


def diagram_typst(catalog: Catalog, name: str) -> str:
    """Typst markup that draws the diagram where it stands (a non-breaking block, in the sans-serif font).

    No page set-up: the PDF wraps it in a figure with the unit's alt text; :func:`diagram_svg` in a page.
    """
    fonts = ", ".join(_s(f) for f in FONT)
    return ("#block(breakable: false)[\n"
            f"#set text(font: ({fonts},), size: 8.5pt, lang: \"de\", hyphenate: false)\n"
            + _code(catalog, name) + "]\n")


def alternative_items(catalog: Catalog, name: str) -> list[str]:
    """The diagram as a list of its elements, in reading order (the staircase: its stages)."""
    return DIAGRAMS[name].items(catalog)


def text_alternative(catalog: Catalog, name: str) -> list:
    """The text alternative as content-tree blocks (:mod:`handbook.text`) to place after the figure: a list,
    for screen readers and text-only readers, of what the drawing shows."""
    from . import text as T
    return [T.BulletList(tuple((T.Para((T.Text(item),)),) for item in alternative_items(catalog, name)))]


def diagram_svg(catalog: Catalog, name: str, alt: str | None = None) -> str:
    """The diagram as an SVG document, with ``alt`` (default: the diagram's own) as its title and the text
    alternative as its description."""
    return _svg(name, alt if alt is not None else DIAGRAMS[name].alt(catalog), _typst_page(catalog, name),
                tuple(alternative_items(catalog, name)))


_PAGE = "#set page(width: auto, height: auto, margin: 8pt, fill: white)\n"

#: Resolution of the raster image in Word documents (Word shows no SVG without a PNG beside it).
PNG_PPI = 200


def _typst_page(catalog: Catalog, name: str) -> str:
    return _PAGE + diagram_typst(catalog, name)


@lru_cache(maxsize=32)
def diagram_png(typst_block: str, ppi: int = PNG_PPI) -> bytes:
    """A diagram's Typst markup (:func:`diagram_typst`) as a PNG with its resolution recorded (a pHYs chunk),
    so that Word and pandoc give it its drawn size: the same source as the SVG and the PDF."""
    import typst

    png = typst.compile((_PAGE + typst_block).encode("utf-8"), format="png", ppi=ppi)
    if isinstance(png, list):
        png = png[0]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", "Typst returned no PNG"
    per_metre = round(ppi / 0.0254)
    data = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + data + struct.pack(">I", zlib.crc32(data))
    end_of_ihdr = 8 + 8 + 13 + 4  # signature, length + type, IHDR data, CRC
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


@lru_cache(maxsize=32)
def _svg(name: str, alt: str, source: str, items: tuple) -> str:
    import typst

    svg = typst.compile(source.encode("utf-8"), format="svg")
    if isinstance(svg, list):  # one SVG per page; a diagram is one page
        svg = svg[0]
    text = svg.decode("utf-8")
    # The SVG is inlined in pages that may hold several diagrams: its own ids get a prefix of its name.
    text = re.sub(r'(\bid="|href="#)([A-Za-z][\w.-]*)"', lambda m: f'{m.group(1)}koko-{name}-{m.group(2)}"', text)
    head, sep, rest = text.partition(">")
    assert head.startswith("<svg") and sep, "Typst returned no SVG"
    title_id, desc_id = f"koko-{name}-titel", f"koko-{name}-text"
    accessible = (f' role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}">'
                  f'<title id="{title_id}">{escape(alt)}</title>'
                  f'<desc id="{desc_id}">{escape("; ".join(items))}</desc>')
    return head + accessible + rest
