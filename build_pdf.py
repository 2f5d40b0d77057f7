"""Print outputs on the command line: the handbook or one course pack as PDF (or DOCX). See handbook/pdf.py."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handbook import BuildError, ContentError, load
from handbook import pdf


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python build_pdf.py",
                                description="Druckfassung bauen: das Handbuch oder ein Kurspaket als PDF (Kurspaket auch als DOCX).")
    p.add_argument("--root", type=Path, default=Path("."), metavar="ORDNER",
                   help="Projektordner mit modules/, case_studies/ … (Standard: aktueller Ordner)")
    p.add_argument("--pack", type=Path, metavar="DATEI", help="Kurspaket (YAML-Datei) statt des ganzen Handbuchs bauen")
    p.add_argument("--edition", choices=["teilnehmende", "trainer"], default=None,
                   help="Ausgabe: teilnehmende (Standard, ohne Lösungs- und Trainerhinweise) oder trainer (alles); "
                        "beim Kurspaket gilt sonst die Angabe im Paket")
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf", help="Dateiformat (docx nur für Kurspakete)")
    p.add_argument("-o", "--out", type=Path, metavar="DATEI", help="Zieldatei (Standard: handbuch.pdf, "
                   "handbuch-trainer.pdf oder kurspaket-<id>.<format> im aktuellen Ordner)")
    args = p.parse_args(argv)
    say = (lambda line: print(line, flush=True)) if sys.stdout.isatty() else None
    try:
        catalog = load(args.root)
        if args.pack:
            pack = next((k for k in catalog.packs if (catalog.root / k.source.path).resolve() == args.pack.resolve()), None)
            if pack is None:
                from handbook.loader import load_pack
                pack = load_pack(catalog, args.pack)
            if args.edition:
                pack.edition = args.edition
            out = args.out or Path(f"kurspaket-{pack.id}.{args.format}")
            pdf.timed(say, out, lambda: pdf.build_pack(catalog, pack, args.format, out))
        else:
            if args.format != "pdf":
                p.error("--format docx gibt es nur für Kurspakete (--pack DATEI)")
            edition = args.edition or "teilnehmende"
            out = args.out or Path("handbuch.pdf" if edition == "teilnehmende" else "handbuch-trainer.pdf")
            pdf.timed(say, out, lambda: pdf.build_handbook(catalog, edition, out))
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
