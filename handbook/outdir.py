"""Where a build may write, and how it replaces what is there without a moment of nothing.

- :func:`check_site_dir` and :func:`check_print_target` refuse every output that is not the project's to
  replace (the project root, a folder above it, a content folder, a device, a folder of someone else's
  files) with a :class:`UsageError`, before anything is written.
- :func:`exchange` swaps the new site in: ``renameat2(RENAME_EXCHANGE)`` on Linux, so that the path is at
  every instant the old complete site or the new one; where the file system cannot exchange, the site is a
  symlink to a versioned folder and the link is replaced atomically.
- :func:`site_lock` serialises builds into the same folder; :func:`remove_leftovers` removes what killed builds
  left beside it; :func:`write_atomic` writes a file through a temporary file that never stays behind.
- :func:`os_error_de` turns a failed file operation into one German sentence with the path.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from .errors import BuildError, UsageError

#: The file that marks a folder as a site built by this project (it may then be replaced by the next build).
MARKER = ".koko-handbuch-site"
MARKER_TEXT = "Diese Website wurde vom KoKo-Handbuch gebaut (python -m handbook build); der nächste Build ersetzt sie.\n"

#: Folders and files of a project that no output may replace or write into.
CONTENT = ("modules", "case_studies", "course_packs", "materialien", "glossar.yml", "literatur.yml",
           "vokabular.yml", "handbuch.yml", ".git", "schemas", "handbook", "docs", "overrides", "tests")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _lexical(path: Path) -> Path:
    """An absolute path with '..' removed, without following a symlink in its last component."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name if path.name else path.resolve()


def _guard_common(root: Path, out: Path, what: str) -> None:
    shown = _shown(out, root)
    if out == root:
        raise UsageError(f"{what} '{shown}' ist der Projektordner – ein Build würde das ganze Projekt ersetzen; "
                         "bitte einen eigenen Ordner angeben (Standard: site/)")
    if root.is_relative_to(out):
        raise UsageError(f"{what} '{shown}' liegt über dem Projektordner – ein Build würde das Projekt ersetzen; "
                         "bitte einen eigenen Ordner angeben (Standard: site/)")
    if out.is_relative_to(root):
        first = out.relative_to(root).parts[0]
        if first in CONTENT:
            where = "ist" if out == root / first else f"liegt in '{first}', einem"
            raise UsageError(f"{what} '{shown}' {where} Teil des Projekts (Inhalte, Programm oder Seiten) – "
                             "bitte ein eigenes Ziel außerhalb davon angeben")


def check_site_dir(root: Path, out: Path) -> Path:
    """The absolute output folder of a site build, if it is the project's to replace; else :class:`UsageError`."""
    root = Path(root).resolve()
    out = _lexical(out)
    _guard_common(root, out, "Zielordner")
    shown = _shown(out, root)
    if out.is_symlink():
        target = out.resolve()
        if target.parent == out.parent and target.name.startswith(f".{out.name}-v-") and (target / MARKER).is_file():
            return out  # a site swapped in by a symlink (file systems without RENAME_EXCHANGE)
        raise UsageError(f"Zielordner '{shown}' ist ein symbolischer Verweis (Symlink) – bitte einen echten Ordner angeben")
    if not out.exists():
        return out
    if not out.is_dir():
        raise UsageError(f"Ziel '{shown}' ist kein Ordner (eine Datei oder ein Gerät) – bitte einen Ordner angeben")
    if (out / MARKER).is_file():
        return out
    try:
        entries = [e.name for e in os.scandir(out)]
    except OSError as exc:
        raise UsageError(os_error_de(exc, out)) from None
    if not entries:
        return out
    # A site built before builds carried the marker: the project's own site/ with MkDocs' pages and nothing else.
    legacy = out == root / "site" and "index.html" in entries and "sitemap.xml" in entries \
        and not any(e.endswith((".yml", ".yaml")) or e == ".git" for e in entries)
    if legacy:
        return out
    raise UsageError(f"Zielordner '{shown}' ist nicht leer und enthält keine frühere Website dieses Projekts "
                     f"(Markierung {MARKER} fehlt) – ein Build würde ihn ersetzen; bitte einen leeren oder neuen Ordner angeben")


def check_print_target(root: Path, out: Path, fmt: str) -> Path:
    """The absolute file a print build writes (PDF or DOCX), if it may be written; else :class:`UsageError`.

    It may replace a file of the kind it writes, nothing else: no device, no folder, no content.
    """
    root = Path(root).resolve()
    out = _lexical(out)
    _guard_common(root, out, "Zieldatei")
    shown = _shown(out, root)
    if out.suffix.lower() != f".{fmt}":
        raise UsageError(f"Zieldatei '{shown}': erwartet die Endung '.{fmt}' für das Format {fmt.upper()}")
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        if not out.parent.is_dir():
            raise UsageError(f"Zieldatei '{shown}': den Ordner '{_shown(out.parent, root)}' gibt es nicht") from None
        return out
    except OSError as exc:
        raise UsageError(os_error_de(exc, out)) from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"Zieldatei '{shown}' ist ein symbolischer Verweis (Symlink) – bitte eine echte Datei angeben")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"Ziel '{shown}' ist keine gewöhnliche Datei (ein Ordner, Gerät oder eine Pipe) – "
                         f"erwartet wird eine {fmt.upper()}-Datei")
    magic = b"%PDF" if fmt == "pdf" else b"PK"
    if info.st_size:
        try:
            with open(out, "rb") as f:
                head = f.read(4)
        except OSError as exc:
            raise UsageError(os_error_de(exc, out)) from None
        if not head.startswith(magic):
            raise UsageError(f"Zieldatei '{shown}' gibt es schon, und sie ist keine {fmt.upper()}-Datei – "
                             "sie wird nicht überschrieben; bitte einen anderen Namen angeben")
    return out


def check_print_folder(root: Path, out: Path) -> Path:
    """The absolute folder a course pack's outputs go to; refuses the project, content folders and non-folders."""
    root = Path(root).resolve()
    out = _lexical(out)
    _guard_common(root, out, "Zielordner")
    shown = _shown(out, root)
    if out.is_symlink():
        raise UsageError(f"Zielordner '{shown}' ist ein symbolischer Verweis (Symlink) – bitte einen echten Ordner angeben")
    if out.exists() and not out.is_dir():
        raise UsageError(f"Ziel '{shown}' ist kein Ordner – bitte einen Ordner angeben")
    if out.is_dir() and any(p.suffix.lower() in (".yml", ".yaml") for p in out.iterdir()):
        raise UsageError(f"Zielordner '{shown}' enthält Inhaltsdateien (.yml) – bitte einen eigenen Ordner angeben")
    return out


# --- failing file operations in German -----------------------------------------------------------------------

_REASONS = {
    errno.ENOSPC: "Kein Platz mehr auf dem Datenträger",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.EACCES: "Keine Schreib- oder Leserechte",
    errno.EPERM: "Vorgang nicht erlaubt",
    errno.EROFS: "Der Datenträger ist schreibgeschützt",
    errno.ENAMETOOLONG: "Der Pfad ist zu lang",
    errno.ENOENT: "Den Ordner oder die Datei gibt es nicht",
    errno.ENOTDIR: "Ein Teil des Pfads ist kein Ordner",
    errno.EISDIR: "Das Ziel ist ein Ordner",
    errno.EXDEV: "Zielordner und Arbeitsordner liegen auf verschiedenen Datenträgern",
    errno.EBUSY: "Der Ordner ist in Benutzung (z. B. ein Einhängepunkt)",
    errno.EMFILE: "Zu viele offene Dateien",
    errno.EIO: "Ein- oder Ausgabefehler des Datenträgers",
}


def os_error_de(exc: OSError, fallback: Path | str | None = None) -> str:
    """One German sentence for a failed file operation, with the path it failed on."""
    reason = _REASONS.get(exc.errno or 0) or f"Dateifehler ({os.strerror(exc.errno) if exc.errno else exc})"
    # A copy or rename names the source first and the target second: the target is where space or rights lack.
    path = exc.filename2 if getattr(exc, "filename2", None) is not None else exc.filename
    path = path if path is not None else fallback
    return f"{reason}: {path}" if path is not None else reason


# --- swapping a site in ---------------------------------------------------------------------------------------

_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """renameat2(2) through libc; False where the system or the file system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def exchange(new: Path, out: Path) -> Path | None:
    """Put the folder ``new`` at ``out`` atomically. Returns the folder that now holds the old site (to delete).

    ``new`` must lie beside ``out`` (same file system). At no instant is ``out`` missing or half written.
    """
    (new / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    if out.is_symlink():
        return _flip(new, out)
    if out.exists():
        if _renameat2(new, out, _RENAME_EXCHANGE):
            return new  # ``new`` now holds the old site
        # No exchange on this file system: move to the symlink layout (the one moment without site is here,
        # once, on such file systems only; every later build flips the link).
        old = out.parent / f".{out.name}-old-{os.getpid()}"
        os.replace(out, old)
        try:
            _flip(new, out)
            return old
        except OSError:
            os.replace(old, out)
            raise
    if _renameat2(new, out, _RENAME_NOREPLACE):
        return None
    os.rename(new, out)  # out does not exist: a plain rename is atomic
    return None


def _flip(new: Path, out: Path) -> Path | None:
    """Symlink layout: ``out`` is a link to ``.<name>-v-*``; the new version gets a new link, renamed over the old."""
    version = Path(tempfile.mkdtemp(prefix=f".{out.name}-v-", dir=out.parent))
    os.rmdir(version)
    os.rename(new, version)
    link = out.parent / f".{out.name}-link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(link)
    os.symlink(version.name, link)
    os.replace(link, out)
    # The previous version stays until the next build: a reader that resolved the old link a moment ago still
    # finds its file. remove_leftovers() deletes it (and every older one) under the lock of the next build.
    return None


def work_dir(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` for a build (removed by this build or, if killed, by the next)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))


def remove_leftovers(out: Path) -> list[Path]:
    """Remove what interrupted builds left beside ``out``; call only while holding :func:`site_lock`."""
    current = out.resolve() if out.is_symlink() else None
    removed = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return removed
    prefixes = tuple(f".{out.name}-{kind}-" for kind in ("build", "old", "v", "link"))
    for entry in entries:
        if not entry.name.startswith(prefixes):
            continue
        path = Path(entry.path)
        if current is not None and path == current:
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(path)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextlib.contextmanager
def site_lock(out: Path, say):
    """Hold the build lock of ``out``: a second build into the same folder waits and says so."""
    import fcntl

    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"Ein anderer Build schreibt gerade nach {out.name}/ – dieser Build wartet, bis jener fertig ist …")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once, here: changing it later would race with the threads that write PDFs


def write_atomic(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a temporary file beside it: ``out`` is the old or the new file, never half."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)  # as an ordinary file would be created (mkstemp makes it 0600)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BuildError(os_error_de(exc, out)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
