"""Shared test fixtures: a valid content tree to copy and break, and a way to run the command line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A fresh copy of the valid fixture tree, to be broken by a test."""
    dest = tmp_path / "tree"
    shutil.copytree(VALID, dest)
    return dest


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m handbook …`` as a user would; returns the finished process (text output)."""
    return subprocess.run([sys.executable, "-m", "handbook", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content built once per test session as `make build` does (PDFs and offline bundle included)."""
    from handbook.build import build
    out = tmp_path_factory.mktemp("real") / "site"
    build(ROOT, out, pdfs=True, offline=True)
    return out


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small valid fixture tree built once (no PDFs, no offline bundle)."""
    from handbook.build import build
    out = tmp_path_factory.mktemp("fixture") / "site"
    build(VALID, out, pdfs=False, offline=False)
    return out
