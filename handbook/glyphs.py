"""Characters the print fonts cannot show, found at load: what passes ``check`` prints.

Typst falls back through every font it knows (the system's fonts and the few it embeds); a character none
of them has stops the PDF. The loader asks this module first, so the author learns it from ``check`` with
path:line:column, not from a failed build. Reading the fonts' character maps costs a few tenths of a
second, so it happens only when the content uses a character outside the ranges every print font covers.
"""
from __future__ import annotations

import functools
import glob
import os
import subprocess
import unicodedata

#: Code points every print font (DejaVu, Libertinus) has: Latin with extensions, IPA, spacing modifiers,
#: general punctuation, currency signs, letterlike symbols, arrows.
_SAFE = ((0x20, 0x24F), (0x250, 0x2FF), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x214F), (0x2190, 0x21FF))
_FONT_ENDINGS = (".ttf", ".otf", ".ttc", ".otc")


def _safe(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _SAFE)


def _invisible(ch: str) -> bool:
    """Characters that need no glyph: controls, format characters (ZWJ, soft hyphen), separators, selectors."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
            or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF)


def _font_files() -> list[str]:
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=20).stdout
        files = [f for f in out.split("\n") if f.lower().endswith(_FONT_ENDINGS)]
    except (OSError, subprocess.SubprocessError):
        files = []
    if not files:
        for base in ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts")):
            files += [f for f in glob.glob(f"{base}/**/*", recursive=True) if f.lower().endswith(_FONT_ENDINGS)]
    return sorted(set(files))


@functools.cache
def covered() -> frozenset[int] | None:
    """Every code point some installed font maps; None if the fonts cannot be read (then the PDF build decides)."""
    try:
        from fontTools.ttLib import TTCollection, TTFont
    except ImportError:
        return None
    points: set[int] = set()
    for path in _font_files():
        try:
            fonts = TTCollection(path, lazy=True).fonts if path.lower().endswith((".ttc", ".otc")) else [TTFont(path, lazy=True)]
            for font in fonts:
                points.update(font.getBestCmap() or {})
        except Exception:  # noqa: BLE001 - an unreadable font file is simply not counted
            continue
    return frozenset(points) if points else None


#: Characters already known to need no font lookup (safe ranges, invisible): a set difference skips them.
_PLAIN: set[str] = set()


def missing(text: str) -> list[str]:
    """The distinct characters of ``text`` that no print font has, in order of first appearance."""
    new = set(text).difference(_PLAIN)
    if not new:
        return []
    odd_set = set()
    for ch in new:
        if _safe(ord(ch)) or _invisible(ch):
            _PLAIN.add(ch)
        else:
            odd_set.add(ch)
    if not odd_set:
        return []
    odd = [ch for ch in dict.fromkeys(text) if ch in odd_set]
    cover = covered()
    if cover is None:
        return []
    return [ch for ch in odd if ord(ch) not in cover]


def message(ch: str) -> str:
    """The same sentence the PDF build uses for such a character."""
    return (f"das Zeichen '{ch}' (U+{ord(ch):04X}) kann im PDF nicht gedruckt werden – keine der Druckschriften "
            "enthält es; bitte ersetzen oder umschreiben")
