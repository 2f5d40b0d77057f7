"""Command-line boundaries shared by ``python -m handbook`` and ``python build_pdf.py``.

A content mistake or a failed build step ends in a German report and exit code 1, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from . import outdir, pdf
from .errors import BuildError, ContentError, UsageError
from .loader import load


#: argparse's own English strings, in German. argparse looks them up through gettext at the moment it uses
#: them; :func:`_german` puts this table in place for the duration of one call of our parser.
GERMAN = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "argument %(argument_name)s: %(message)s": "Argument %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "unbekannte Angabe: %s",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "ignored explicit argument %r": "Wert %r ist hier nicht erlaubt",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "expected %s argument": "erwartet %s Wert",
    "expected %s arguments": "erwartet %s Werte",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option %(option)s – gemeint ist eine von %(matches)s",
    "unexpected option string: %s": "unerwartete Option: %s",
    "invalid %(type)s value: %(value)r": "ungültiger Wert %(value)r (erwartet: %(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": "unbekannte Auswahl %(value)r – möglich sind: %(choices)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unbekannter Befehl %(parser_name)r – möglich sind: %(choices)s",
    "can't open '%(filename)s': %(error)s": "'%(filename)s' kann nicht geöffnet werden: %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "subcommands": "Befehle",
}


def _de(text: str) -> str:
    return GERMAN.get(text, text)


def _nde(singular: str, plural: str, n: int) -> str:
    return _de(singular if n == 1 else plural)


@contextlib.contextmanager
def _german():
    """argparse's strings in German for the duration of the block (restored afterwards: tests share the process)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _de, _nde
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class _GermanHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse in German: help chrome, usage line and every error message; unknown input is exit 2."""

    def __init__(self, *args, help_option: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", _GermanHelp)
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("allow_abbrev", False)  # '--ohne-pdf' must be written out: '--ohne' is not a guess
        with _german():
            super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if help_option:
                self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="diese Hilfe zeigen und beenden")

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("title", "Befehle")
        with _german():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args=None, namespace=None):
        with _german():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with _german():
            return super().parse_known_args(args, namespace)

    def format_help(self):
        with _german():
            return super().format_help()

    def format_usage(self):
        with _german():
            return super().format_usage()

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler im Aufruf: {message}\nHilfe: {self.prog} --help\n")


def report(exc: Exception) -> int:
    """Print a content or build error for the user; the exit code for it."""
    if isinstance(exc, ContentError):
        print(exc.report(), file=sys.stderr)
    else:
        print(f"Fehler: {exc}", file=sys.stderr)
    return 1


def build_pdf_main(argv: list[str] | None = None) -> int:
    """``python build_pdf.py``: the handbook or one course pack as PDF (or DOCX)."""
    p = Parser(prog="python build_pdf.py",
                                description="Druckfassung bauen: das Handbuch oder ein Kurspaket als PDF (Kurspaket auch als DOCX).")
    p.add_argument("--root", type=Path, default=Path("."), metavar="ORDNER",
                   help="Projektordner mit modules/, case_studies/ … (Standard: aktueller Ordner)")
    p.add_argument("--pack", type=Path, metavar="DATEI", help="Kurspaket (YAML-Datei) statt des ganzen Handbuchs bauen")
    p.add_argument("--edition", choices=["teilnehmende", "trainer"], default=None,
                   help="Ausgabe: teilnehmende (Standard, ohne Lösungs- und Trainerhinweise) oder trainer (alles); "
                        "beim Kurspaket gilt sonst die Angabe im Paket")
    p.add_argument("--format", choices=["pdf", "docx"], default=None,
                   help="Dateiformat (docx nur für Kurspakete; beim Kurspaket gilt sonst 'formate' im Paket)")
    p.add_argument("-o", "--out", type=Path, metavar="ZIEL", help="Zieldatei (Standard: handbuch.pdf oder "
                   "handbuch-trainer.pdf); beim Kurspaket der Zielordner (Standard: aktueller Ordner)")
    p.add_argument("--teilnehmende", type=Path, metavar="CSV", help="nur mit --pack: Liste der Teilnehmenden (CSV, "
                   "ein Name je Zeile) für Teilnahmeliste und Bescheinigungen; wird nur gelesen, nie veröffentlicht")
    args = p.parse_args(argv)
    if not args.root.is_dir():
        p.error(f"Projektordner '{args.root}' gibt es nicht (--root)")
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        root = args.root.resolve()
        if not args.pack and args.format not in (None, "pdf"):
            p.error("--format docx gibt es nur für Kurspakete (--pack DATEI)")
        if not args.pack and args.teilnehmende:
            p.error("--teilnehmende gibt es nur für Kurspakete (--pack DATEI)")
        if args.out is not None:  # the output is checked before anything is read or written
            if args.pack:  # a pack writes a folder of files (both editions, formats, attendance list, certificates)
                outdir.check_print_folder(root, args.out)
            else:
                outdir.check_print_target(root, args.out, args.format or "pdf")
        catalog = load(root)
        if args.pack:
            return _build_pack(catalog, args)
        else:
            if args.teilnehmende:
                p.error("--teilnehmende gibt es nur für Kurspakete (--pack DATEI)")
            if args.format not in (None, "pdf"):
                p.error("--format docx gibt es nur für Kurspakete (--pack DATEI)")
            edition = args.edition or "teilnehmende"
            out = args.out or Path("handbuch.pdf" if edition == "teilnehmende" else "handbuch-trainer.pdf")
            out = outdir.check_print_target(root, out, args.format or "pdf")
            pdf.timed(say, out, lambda: pdf.build_handbook(catalog, edition, out))
    except UsageError as exc:
        print(f"Fehler: {exc}\nNichts wurde geschrieben.", file=sys.stderr)
        return 2
    except (ContentError, BuildError) as exc:
        return report(exc)
    except OSError as exc:
        return report(BuildError(outdir.os_error_de(exc)))
    print(f"Geschrieben: {out}")
    return 0


def _build_pack(catalog, args) -> int:
    """The pack branch of ``build_pdf.py``: every edition and format the pack asks for (unless an option says
    otherwise), attendance list and certificates, into the folder ``-o``; each file written is printed."""
    import dataclasses

    from . import certificates
    pack = next((k for k in catalog.packs if (catalog.root / k.source.path).resolve() == args.pack.resolve()), None)
    if pack is None:
        from .loader import load_pack
        pack = load_pack(catalog, args.pack)
    names = None
    if args.teilnehmende:
        certificates.refuse_published_place(catalog.root, args.teilnehmende)
        names = certificates.read_participants(args.teilnehmende)
    for warning in pack.warnings:
        print(f"Warnung: {warning}", file=sys.stderr)
    editions = [args.edition] if args.edition else pack.editions
    formats = [args.format] if args.format else pack.formats
    outdir = args.out or Path(".")
    if outdir.exists() and not outdir.is_dir():
        raise BuildError(f"{outdir}: für ein Kurspaket ist -o ein Ordner, in den alle Dateien des Pakets kommen")
    outdir.mkdir(parents=True, exist_ok=True)
    jobs = [(outdir / pack.file_name(e, f), lambda o, e=e, f=f: pdf.build_pack(catalog, dataclasses.replace(pack, edition=e), f, o))
            for e in editions for f in formats]
    attendance, certificate = certificates.file_names(pack)
    jobs.append((outdir / attendance, lambda o: certificates.build_attendance(catalog, pack, o, names)))
    jobs.append((outdir / certificate, lambda o: certificates.build_certificates(catalog, pack, o, names)))
    for out, make in jobs:
        written = make(out)
        print(written_line(written), flush=True)
    return 0


def written_line(path: Path) -> str:
    """``geschrieben: out/kurspaket-x.pdf (12 Seiten, 84 KB)``."""
    size = path.stat().st_size
    shown = f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    if path.suffix == ".pdf":
        n = pdf.page_count(path)
        return f"geschrieben: {path} ({n} Seite{'n' if n != 1 else ''}, {shown})"
    return f"geschrieben: {path} ({shown})"
