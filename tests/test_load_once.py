"""Load once: a build reads every content YAML file exactly once, not once per page or per macro call."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT, VALID

from handbook import parse
from handbook.loader import content_files


def test_full_build_reads_each_content_file_once(tmp_path: Path):
    from handbook.build import build

    files = content_files(VALID)
    assert len(files) >= 10  # four single files, five modules, cases and a pack
    before = parse.READ_COUNT
    build(VALID, tmp_path / "site", pdfs=False, offline=True)  # two MkDocs builds: offline bundle and site
    assert parse.READ_COUNT - before == len(files)


def test_mkdocs_on_its_own_reads_each_content_file_once(tmp_path: Path, monkeypatch):
    """Without a handed-over catalogue (``mkdocs build``/``serve``) hooks and macros share one load per build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from handbook import site

    site.hand_over(None, None)  # type: ignore[arg-type]
    monkeypatch.setenv("KOKO_CONTENT_ROOT", str(VALID))
    monkeypatch.setenv("KOKO_OFFLINE", "false")
    before = parse.READ_COUNT
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True))
    assert parse.READ_COUNT - before == len(content_files(VALID))
