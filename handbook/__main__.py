"""Command line: ``python -m handbook check|anon|build|bench``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BuildError, ContentError, UsageError


def _parser() -> argparse.ArgumentParser:
    from .cli import Parser
    p = Parser(prog="python -m handbook", description="KoKo-Handbuch: Inhalte prüfen und Ausgaben bauen.")
    p.add_argument("--root", type=Path, default=Path("."), metavar="ORDNER", help="Projektordner mit modules/, case_studies/ … (Standard: .)")
    sub = p.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    c = sub.add_parser("check", help="alle Inhalte prüfen; jeder Fehler als Pfad:Zeile:Spalte")
    c.add_argument("--json", action="store_true", help="bei Erfolg die Kennzahlen als JSON ausgeben")
    c.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    a = sub.add_parser("anon", help="Anonymisierungsprüfung aller veröffentlichten Texte, nach Datei gruppiert")
    a.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    a.add_argument("--report", action="store_true",
                   help="Precision und Recall je Klasse auf dem beschrifteten Korpus tests/data/anonymity_corpus.tsv")
    b = sub.add_parser("build", help="alles bauen: Inhalte prüfen, PDFs, Offline-Fassung, Website nach site/")
    b.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    b.add_argument("-o", "--out", type=Path, default=None, metavar="ORDNER", help="Zielordner (Standard: site/ im Projektordner)")
    b.add_argument("--ohne-pdf", action="store_true", help="keine PDFs bauen (schnelle Vorschau)")
    b.add_argument("--ohne-offline", action="store_true", help="keine Offline-Fassung bauen")
    sub.add_parser("bench", help="Benchmark: Build-Zeiten bei 20, 200 und 1000 Fallstudien", help_option=False)
    k = sub.add_parser("csp", help="Content-Security-Policy für die gebaute Website ausgeben (für deploy/nginx.conf)")
    k.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    k.add_argument("--site", type=Path, default=None, metavar="ORDNER", help="gebaute Website (Standard: site/ im Projektordner)")
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.help = "check, anon, build, bench, csp"
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # bench has its own options: everything after the word goes to it unparsed (argparse's REMAINDER drops '--help').
    rest: list[str] = []
    if "bench" in argv:
        i = argv.index("bench")
        argv, rest = argv[: i + 1], argv[i + 1 :]
    args = parser.parse_args(argv)
    if args.command != "bench" and not args.root.is_dir():
        parser.error(f"Projektordner '{args.root}' gibt es nicht (--root ORDNER)")
    try:
        if args.command == "check":
            from .loader import load
            from .stats import counts, summary
            catalog = load(args.root)
            for note in catalog.notes:
                print(f"Hinweis: {note}", file=sys.stderr)
            print(json.dumps(counts(catalog), ensure_ascii=False, indent=2) if args.json else summary(catalog))
            return 0
        if args.command == "build":
            from .build import main as build_main
            return build_main(args.root, args.out, pdfs=not args.ohne_pdf, offline=not args.ohne_offline)
        if args.command == "bench":
            from .bench import main as bench_main
            return bench_main(rest)
        if args.command == "csp":
            from .csp import main as csp_main
            return csp_main(args.site or args.root / "site")
        if args.command == "anon":
            from .anonymity_report import main as anon_main
            return anon_main(args.root, report=args.report)
    except UsageError as exc:
        print(f"Fehler: {exc}\nNichts wurde geschrieben.", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        from .outdir import os_error_de
        print(f"Fehler: {os_error_de(exc)}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
