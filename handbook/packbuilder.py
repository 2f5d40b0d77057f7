"""Data for the website's course-pack builder ("Kurspaket zusammenstellen", docs/kurspaket.md).

The page's own script (``docs/assets/javascripts/kurspaket.js``) needs the units, the released case studies
with the case finder's facets and the URLs of their pages. They are embedded in the page as a JSON data
block, so the builder works without any request, also in the offline bundle opened from ``file://``.
Content text inside is JSON with ``<``, ``>`` and ``&`` escaped as ``\\uXXXX``: it can never end the
script element or become markup.
"""
from __future__ import annotations

from . import render, site
from .model import Catalog

PAGE = "kurspaket.md"
#: The id of the data block the script reads.
DATA_ID = "koko-kurspaket-daten"


def data(catalog: Catalog, directory_urls: bool = True) -> dict:
    """Everything the builder shows and needs, with page URLs relative to the builder page."""
    v = catalog.vocabulary

    def url(src: str) -> str:
        return site.html_link(PAGE, src, directory_urls)

    modules = []
    for m in catalog.modules:
        modules.append({
            "id": m.id, "nummer": m.number, "titel": m.title,
            "einheiten": [{"id": u.id, "nummer": render.unit_number(catalog, u), "titel": u.title,
                           "minuten": u.minutes, "pausenpunkte": list(u.break_points), "url": url(site.unit_src(u.id)),
                           "uebungen": [e.id for e in u.exercises]} for u in m.units],
        })
    cases = [{"id": c.id, "titel": c.title, "themen": list(c.topics), "konstellation": c.constellation,
              "stufe": c.escalation_stage, "module": list(c.modules), "url": url(site.case_src(c.id))}
             for c in catalog.cases]
    used_topics = [t for t in v.topics if any(t in c.topics for c in catalog.cases)]
    return {
        "handbuch": {"titel": catalog.meta.title, "stand": catalog.meta.edition_de},
        "module": modules,
        "fallstudien": cases,
        "facetten": {
            "thema": [[t, v.topics[t].name] for t in used_topics],
            "konstellation": [[k, n.name] for k, n in v.constellations.items()],
            "stufe": [[str(s), f"{s} – {v.stages[s].name}"] for s in sorted({c.escalation_stage for c in catalog.cases})],
            "modul": [[m.id, f"Modul {m.number}: {m.title}"] for m in catalog.modules],
        },
        "namen": {
            "konstellation": {k: n.name for k, n in v.constellations.items()},
            "thema": {k: n.name for k, n in v.topics.items()},
        },
    }


def data_block(catalog: Catalog, directory_urls: bool = True) -> str:
    """The data block for the builder page (raw HTML, on a line of its own in the Markdown). The YAML library the
    builder reads and writes packs with (the npm package ``yaml``, served from this site as jsbundle.SRC) is not
    part of the page: kurspaket.js loads it when the reader heads for the download or the file field."""
    return f'<script type="application/json" id="{DATA_ID}">{site.script_json(data(catalog, directory_urls))}</script>'
