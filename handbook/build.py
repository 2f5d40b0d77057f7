"""``python -m handbook build``: the main job. Content check, PDFs, offline bundle, site — then one atomic swap.

Everything is built in a temporary folder beside ``site/``. Only when every step succeeded does the new
site replace the old one, in one atomic exchange (see :mod:`handbook.outdir`); a failed build leaves the
previous ``site/`` byte for byte as it was. The output folder is checked before anything is written, builds
into the same folder wait for each other, and what a killed build left behind is removed by the next one.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import outdir, site
from .errors import BuildError, ContentError, UsageError
from .loader import load
from .pdf import timestamp

ROOT = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def mkdocs_build(site_dir: Path, *, offline: bool = False) -> None:
    """Run MkDocs in-process on the handed-over catalogue (strict: every warning fails the build).

    The site's configuration and hand-written pages are the project's; the content may come from any root.
    """
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    os.environ["KOKO_OFFLINE"] = "true" if offline else "false"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # MkDocs counts warnings only through its own handler; strict mode then aborts.
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    if not any(getattr(h, "_koko", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        handler._koko = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    try:
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        build(config)
    except (Abort, ConfigurationError, PluginError) as exc:
        raise BuildError(f"MkDocs: {exc}") from None


def zip_tree(folder: Path, target: Path, epoch: int) -> None:
    """A zip of a folder with fixed timestamps and order, so the same site gives the same bytes."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"koko-handbuch/{path.relative_to(folder).as_posix()}", stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())


def build(root: Path = ROOT, out: Path | None = None, *, pdfs: bool = True, offline: bool = True) -> Path:
    """Build everything into ``out`` (default ``root/site``) atomically. Returns the site folder.

    Raises :class:`UsageError` (before anything is touched) if ``out`` is not the project's to replace.
    """
    root = Path(root).resolve()
    out = outdir.check_site_dir(root, out if out is not None else root / "site")
    _check_node_modules(offline)  # before minutes of PDFs, not after them
    started = time.monotonic()
    catalog = load(root)  # the one load of this build; MkDocs and the PDF build get this catalogue
    for note in catalog.notes:
        _say(f"Hinweis: {note}")
    try:
        with outdir.site_lock(out, _say):
            out = outdir.check_site_dir(root, out)  # again: another build may have changed it while this one waited
            outdir.remove_leftovers(out)
            _build_locked(catalog, out, pdfs=pdfs, offline=offline)
    except OSError as exc:
        raise BuildError(outdir.os_error_de(exc)) from None
    shown = out.relative_to(root) if out.is_relative_to(root) else out
    took = f"{time.monotonic() - started:.1f}".replace(".", ",")
    _say(f"Fertig: Website in {shown}/ geschrieben ({_count_files(out)} Dateien) in {took} s")
    return out


def _check_node_modules(offline: bool) -> None:
    """The npm packages the site ships (from node_modules/, installed by `make build` through `npm ci`)."""
    from . import jsbundle
    needed = [("yaml", jsbundle.PACKAGE / "dist" / "index.js", "den Kurspaket-Baukasten")]
    if offline:
        needed.append(("iframe-worker", site.ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js",
                       "die Offline-Fassung"))
    missing = [f"node_modules/{name} (für {what})" for name, path, what in needed if not path.is_file()]
    if missing:
        raise BuildError(f"es fehlt {', '.join(missing)} – `make build` installiert alles, was der Build braucht; "
                         "wer `python -m handbook build` direkt aufruft, führt vorher einmal `npm ci` aus")


def _count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder, followlinks=True))


def _build_locked(catalog, out: Path, *, pdfs: bool, offline: bool) -> None:
    given_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = timestamp(catalog)  # SOURCE_DATE_EPOCH if set (checked), else the edition date
    if not 315532800 <= epoch <= 4102444799:  # ZIP needs 1980 or later, gzip headers 32 bits: 1980 to 2099
        raise BuildError(f"SOURCE_DATE_EPOCH muss ein Zeitpunkt von 1980 bis 2099 sein (Sekunden seit 1970), gefunden {epoch}")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # sitemap, PDFs and zip carry the edition date, not the clock
    work = outdir.work_dir(out)
    try:
        downloads = work / "downloads"
        downloads.mkdir()
        if pdfs:
            from . import pdf
            pdf.build_all(catalog, downloads, progress=_say)
        if offline:
            _say("Erzeuge die Offline-Fassung …")
            site.hand_over(catalog, downloads, offline=True)
            mkdocs_build(work / "offline", offline=True)
            zip_tree(work / "offline", downloads / "koko-handbuch-offline.zip", epoch)
        _say("Erzeuge die Website …")
        site.hand_over(catalog, downloads)
        mkdocs_build(work / "site")
        # The swap: one atomic exchange; afterwards work/site (or the returned folder) holds the old site.
        old = outdir.exchange(work / "site", out)
        if old is not None and old != work / "site":
            shutil.rmtree(old, ignore_errors=True)
    finally:
        site.hand_over(None, None)  # type: ignore[arg-type]
        shutil.rmtree(work, ignore_errors=True)
        # A second build in the same process (tests, benchmark) must take its own edition date, not this one.
        if given_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def main(root: Path, out: Path | None, *, pdfs: bool = True, offline: bool = True) -> int:
    try:
        build(root, out, pdfs=pdfs, offline=offline)
    except UsageError as exc:
        _say(f"Fehler: {exc}")
        _say("Nichts wurde geschrieben.")
        return 2
    except ContentError as exc:
        _say(exc.report())
        _say("Build abgebrochen – site/ ist unverändert.")
        return 1
    except BuildError as exc:
        _say(f"Fehler: {exc}")
        _say("Build abgebrochen – site/ ist unverändert.")
        return 1
    except OSError as exc:
        _say(f"Fehler: {outdir.os_error_de(exc)}")
        _say("Build abgebrochen – site/ ist unverändert.")
        return 1
    return 0
