"""``make serve``: a quiet, German preview that keeps the last good site while the content has errors.

Only when ``KOKO_SERVE`` is set (the Makefile's ``serve`` target sets it):

- MkDocs' own chatter is filtered: the macros plugin's module lines, the list of pages outside the navigation,
  "Cleaning site directory", "Watching paths", "Reloading browsers"; the lines an author needs are German
  ("Vorschau: http://…", "Änderung erkannt …", "neu gebaut in 1,8 s").
- A rebuild whose content has errors does not fail: the site is rebuilt from the last content that passed
  the check, the German errors go to the terminal, and every page shows them in a red box at the top.
  Only the very first build has no good content to fall back on; ``mkdocs serve`` then stops with the errors.
"""
from __future__ import annotations

import html
import logging
import os
import re
import sys

from .errors import ContentError

_last_good = None
_problems: list[str] = []


def active() -> bool:
    return os.environ.get("KOKO_SERVE", "") not in ("", "0", "false")


def remember(catalog) -> None:
    """A catalogue that passed the check: the fallback for the next rebuild with errors."""
    global _last_good
    _problems.clear()
    if active():
        _last_good = catalog


def last_good(exc: ContentError):
    """During ``make serve``: the last good catalogue (the errors printed and kept for the pages), else None."""
    if not active() or _last_good is None:
        return None
    _problems[:] = [str(p) for p in exc.problems]
    print("\n" + exc.report().replace("nichts wurde geschrieben.", "die Vorschau zeigt weiter den letzten fehlerfreien Stand.")
          + "\n", file=sys.stderr, flush=True)
    return _last_good


def banner_html() -> str:
    """The red box for the top of every page while the content has errors ('' when it has none)."""
    if not _problems:
        return ""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in _problems[:50])
    more = f"<p>… und {len(_problems) - 50} weitere.</p>" if len(_problems) > 50 else ""
    return ('<div class="admonition danger" role="alert"><p class="admonition-title">Die Inhalte enthalten Fehler – '
            f"gezeigt wird der letzte fehlerfreie Stand</p><ul>{items}</ul>{more}</div>\n")


_DROP = (
    re.compile(r"^\[macros\]"),
    re.compile(r"^The following pages exist in the docs directory, but are not included in the \"nav\""),
    re.compile(r"^Cleaning site directory"),
    re.compile(r"^\[[\d:]+\] Watching paths for changes"),
    re.compile(r"^Watching paths for changes"),
    re.compile(r"^Reloading browsers"),
    re.compile(r"^\[[\d:]+\] Reloading browsers"),
    re.compile(r"^Building documentation"),
)
_REWRITE = (
    (re.compile(r"^(?:\[[\d:]+\] )?Serving on (\S+)"), lambda m: f"Vorschau: {m.group(1)} (beenden mit Strg+C)"),
    (re.compile(r"^(?:\[[\d:]+\] )?Detected file changes"), lambda m: "Änderung erkannt – baue neu …"),
    (re.compile(r"^Documentation built in ([\d.]+) seconds"),
     lambda m: f"neu gebaut in {float(m.group(1)):.1f} s".replace(".", ",")),
    (re.compile(r"^An error happened during the rebuild"),
     lambda m: "Fehler beim Neuaufbau (siehe oben) – nach der Korrektur wird automatisch neu gebaut."),
)


class QuietGerman(logging.Filter):
    """Drops MkDocs' INFO chatter and says the rest in German (only for ``make serve``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record we cannot format is passed on as it is
            return True
        for pattern, german in _REWRITE:
            m = pattern.match(message)
            if m:
                record.msg, record.args = german(m), None
                return True
        if record.levelno <= logging.INFO and any(p.match(message) for p in _DROP):
            return False
        return True


def install_filter() -> None:
    """Put :class:`QuietGerman` on the handlers of MkDocs' logger (once; the hooks file is loaded per build)."""
    if not active():
        return
    for handler in logging.getLogger("mkdocs").handlers + logging.getLogger().handlers:
        if not any(isinstance(f, QuietGerman) for f in handler.filters):
            handler.addFilter(QuietGerman())
    # MkDocs ends a failed first build with "Aborted with a BuildError!" (printed by click, not logged).
    from mkdocs.exceptions import Abort
    if not getattr(Abort.show, "_koko", False):
        english = Abort.show

        def show(self, *args, **kwargs):
            if str(self.format_message()).startswith("Aborted with a"):
                print("\nAbgebrochen – die Vorschau startet erst mit fehlerfreien Inhalten (Fehler siehe oben); "
                      "nach der Korrektur `make serve` erneut aufrufen.", file=sys.stderr)
            else:
                english(self, *args, **kwargs)

        show._koko = True  # type: ignore[attr-defined]
        Abort.show = show
