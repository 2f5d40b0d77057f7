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


def test_anonymisation_scan_in_a_second_process_reports_the_same(tmp_path: Path, monkeypatch):
    """From 100 case files on, the scan runs beside the parsing; the findings must not change."""
    import pytest

    from handbook import ContentError, loader
    from handbook.bench import generate

    root = generate(tmp_path / "tree", 120)
    case = root / "case_studies" / "f-bench-0042.yml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "verlauf: |\n  ", "verlauf: |\n  In Gelsenkirchen rief Frau Yilmaz am 3.3.2022 unter 0201 123456 an. "), encoding="utf-8")
    # Published prose outside the cases goes to the worker too: a module text and a hand-written page.
    module = next((root / "modules").glob("m1-*.yml"))
    text = module.read_text(encoding="utf-8")
    assert "\nbeschreibung: |\n  " in text
    module.write_text(text.replace("\nbeschreibung: |\n  ", "\nbeschreibung: |\n  Frau Yilmaz aus Gelsenkirchen sagt es. ",
                                   1), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "hinweis.md").write_text("# Hinweis\n\nRückfragen an Herrn Kowalczyk, Tel. 0201 123456.\n",
                                              encoding="utf-8")

    def problems() -> list[str]:
        with pytest.raises(ContentError) as info:
            loader.load(root)
        return [str(p) for p in info.value.problems]

    got = []
    real_results = loader._ParallelScan.results
    monkeypatch.setattr(loader._ParallelScan, "results", lambda self: got.append(real_results(self)) or got[-1])
    parallel = problems()
    assert len(got) == 1  # the worker really scanned every case, the published files and the page
    kinds = [key[0] for key in got[0]]
    assert kinds.count("case") == 120 and kinds.count("page") == 1
    assert ("published", module.relative_to(root).as_posix()) in got[0] and ("published", "glossar.yml") in got[0]
    started = []
    monkeypatch.setattr(loader._ParallelScan, "MIN_CASES", 10**9)
    monkeypatch.setattr(loader._ParallelScan, "__init__", lambda self: started.append(self))
    serial = problems()
    assert not started
    assert parallel == serial
    assert sum("f-bench-0042.yml" in p for p in parallel) == 4
    assert any(p.startswith(f"modules/{module.name}:") for p in parallel)
    assert any(p.startswith("docs/hinweis.md:3:") for p in parallel)
