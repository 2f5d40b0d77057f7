"""German search on the site (issue 18): Material's lunr search with a German normaliser and stemmer.

Material's search worker loads lunr's German language file (``assets/javascripts/lunr/min/lunr.de.min.js``)
before it builds the index in the browser. After the build, :func:`finish` writes that file anew: lunr's
German stemmer as shipped with Material, then ``search_de.js`` (gendered forms, transliterations, query
normalisation) and a table of compounds found in the site's own words, so that "Stufe" also finds
"Eskalationsstufe". The index stays a static file: it works on a web server and in the offline ZIP from file://.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import material

LANG_FILE = Path("assets/javascripts/lunr/min/lunr.de.min.js")
THEME_LANG_FILE = Path(material.__file__).resolve().parent / "templates" / LANG_FILE
NORMALISER = Path(__file__).resolve().parent / "search_de.js"

_WORD = re.compile(r"[a-zäöüß]+")
_TAG = re.compile(r"<[^>]+>")
# Word endings that are suffixes, not words of their own: never the second part of a compound.
_NOT_A_PART = {"ung", "ungen", "heit", "keit", "lich", "liche", "lichen", "schaft", "isch", "ische", "tion",
               "tionen", "ieren", "ende", "enden", "eren", "ern", "lung", "nung", "rung", "tung", "ten", "ens",
               "innen", "chen", "lein", "weise", "bar", "bare", "artig", "haft", "los", "lose", "sam"}
_NOT_A_HEAD = {"eine", "einer", "eines", "dies", "diese", "sich", "nach", "über", "unter", "oder", "aber", "wenn",
               "auch", "sind", "wird", "werden", "haben", "nicht", "mehr", "alle", "beim", "gegen", "ohne", "dass",
               "kann", "muss", "soll", "sein", "seine", "ihre", "ihren", "wieder", "selbst", "zwischen", "durch"}
MIN_PART = 4


def words(index: dict) -> Counter:
    """Lower-case words of every title and text in a Material search index."""
    counts: Counter = Counter()
    for doc in index.get("docs", []):
        text = html.unescape(_TAG.sub(" ", f"{doc.get('title', '')} {doc.get('text', '')}")).lower()
        counts.update(_WORD.findall(text))
    return counts


def _known(word: str, vocabulary: set[str]) -> bool:
    """A word of the site, or an inflected form of one (Stufe/Stufen, Konflikt/Konflikte)."""
    forms = [word, word + "e", word + "en", word + "n", word + "s"]
    forms += [word[: -len(end)] for end in ("en", "n", "e", "s") if word.endswith(end) and len(word) - len(end) >= MIN_PART]
    return any(form in vocabulary for form in forms)


def _head(head: str, vocabulary: set[str]) -> str | None:
    """The first part of a compound without its linking element (Eskalation-s-, Schul-), or None."""
    candidates = [head]
    for link in ("s", "es", "n", "en", "er"):
        if head.endswith(link) and len(head) - len(link) >= MIN_PART:
            candidates.append(head[: -len(link)])
    for c in candidates:
        if c not in _NOT_A_HEAD and (c in vocabulary or c + "e" in vocabulary):
            return c
    return None


def split(word: str, vocabulary: set[str], depth: int = 0) -> list[str]:
    """The parts of a compound known from the site's words (shortest first part first); [] if none."""
    if depth > 2 or len(word) < 2 * MIN_PART + 1:
        return []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        tail = word[i:]
        if tail in _NOT_A_PART or not _known(tail, vocabulary):
            continue
        head = _head(word[:i], vocabulary)
        if head is None:
            continue
        return [head, tail, *split(tail, vocabulary, depth + 1)]
    return []


def compounds(counts: Counter) -> dict[str, list[str]]:
    """Every word of the site that splits into known words: word → its parts."""
    vocabulary = {w for w in counts if len(w) >= MIN_PART}
    table = {}
    for word in sorted(vocabulary):
        parts = split(word, vocabulary)
        if parts:
            table[word] = list(dict.fromkeys(parts))
    return table


def language_file(index: dict) -> str:
    """lunr.de.min.js for this site: lunr's German support, the project's normaliser, the compound table."""
    table = json.dumps(compounds(words(index)), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (THEME_LANG_FILE.read_text(encoding="utf-8") + "\n" + NORMALISER.read_text(encoding="utf-8")
            + f"\nself.lunr.kokoKomposita={table};\n")


def finish(site_dir: Path) -> None:
    """After the build: write the German language file that Material's search worker loads."""
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    # Written again as UTF-8: Material escapes every umlaut and ß as \u00fc (6 bytes instead of 2).
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    target = site_dir / LANG_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(language_file(index), encoding="utf-8")


# --- measuring: recall@5 of the query set in a real browser -------------------------------------------------

QUERIES = Path(__file__).resolve().parent.parent / "tests" / "data" / "search_queries.tsv"


def read_queries(path: Path = QUERIES) -> list[tuple[str, str, str]]:
    """(query, expected page, what it tests) from the query set; lines starting with # are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected, *note = line.split("\t")
            rows.append((query, expected, note[0] if note else ""))
    return rows


def top_pages(page, query: str, k: int = 5, attempts: int = 20) -> list[str]:
    """Put a query into Material's search box (Playwright page); the first k result pages as site paths.

    The worker builds the index after the page has loaded; until then the box shows no results, so the
    query is entered again (at most ``attempts`` times) until the result list answers for this query.
    """
    from urllib.parse import urlparse
    root = page.evaluate("new URL(document.querySelector('a.md-logo').getAttribute('href'), location.href).href")
    meta = ".md-search-result__meta"
    for _ in range(attempts):
        page.click(".md-search__input")
        page.fill(".md-search__input", "")
        page.wait_for_function(f"!/Suchergebnis/.test(document.querySelector('{meta}').textContent)", timeout=2000)
        page.fill(".md-search__input", query)
        page.keyboard.press("End")  # a key event as well: Material reads the box on keyboard input
        try:
            page.wait_for_function(f"/Suchergebnis/.test(document.querySelector('{meta}').textContent)", timeout=1500)
        except Exception:  # noqa: BLE001 - index not ready yet
            continue
        hrefs = page.eval_on_selector_all(
            ".md-search-result__list > li.md-search-result__item",
            f"items => items.slice(0, {k}).map(li => li.querySelector('a').href)")
        return [h.split("?")[0].split("#")[0][len(root):] if h.startswith(root) else urlparse(h).path for h in hrefs]
    raise AssertionError(f"Die Suche nach {query!r} antwortet nicht")


def recall_at_5(page, queries: list[tuple[str, str, str]]) -> tuple[float, list[tuple[str, str, list[str]]]]:
    """Share of queries whose expected page is among the first five results; and the misses."""
    misses = []
    for query, expected, _ in queries:
        got = top_pages(page, query)
        if expected not in got:
            misses.append((query, expected, got))
    return 1 - len(misses) / len(queries), misses
