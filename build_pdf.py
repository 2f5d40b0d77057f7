"""Print outputs on the command line: the handbook or one course pack as PDF (or DOCX).

    python build_pdf.py [--root DIR] [--pack FILE] [--edition teilnehmende|trainer] [--format pdf|docx] [-o OUT]

All logic lives in handbook/cli.py and handbook/pdf.py.
"""
import sys

from handbook.cli import build_pdf_main

if __name__ == "__main__":
    sys.exit(build_pdf_main())
