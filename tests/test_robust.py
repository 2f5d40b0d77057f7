"""Misuse, faults and hostile files (issue 13): nothing outside the output is touched, site/ is never missing,
parsing is bounded, only regular files inside the tree are read, and the command line is German and strict.

The generative check ⇒ build test is in test_check_builds.py.
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, VALID, run_cli
from handbook import figures, outdir
from handbook.errors import BuildError, ContentError, UsageError
from handbook.loader import content_files, load
from handbook.parse import MAX_BYTES, parse_text

LOCATED = re.compile(r"^[\w./-]+:\d+:\d+: \S.*$")
ENGLISH = ("usage:", "error:", "Traceback", "unrecognized arguments", "invalid choice", "the following arguments")


def _snapshot(folder: Path) -> dict:
    """Every path below ``folder`` with its kind, size and modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            out[str(p.relative_to(folder))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def _build(tree: Path, out: Path | str, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("--root", str(tree), "build", "-o", str(out), "--ohne-pdf", "--ohne-offline", *extra)


# --- 1. output folders -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target, words", [
    pytest.param(".", "ist der Projektordner", id="projektordner"),
    pytest.param("modules", "Teil des Projekts", id="inhaltsordner"),
    pytest.param("case_studies/neu", "Teil des Projekts", id="in-inhaltsordner"),
    pytest.param("..", "über dem Projektordner", id="darueber"),
    pytest.param("glossar.yml", "Teil des Projekts", id="inhaltsdatei"),
    pytest.param("/dev/null", "kein Ordner", id="geraet"),
    pytest.param("fremd", "nicht leer", id="fremder-ordner"),
    pytest.param("notiz.txt", "kein Ordner", id="datei"),
    pytest.param("link", "symbolischer Verweis", id="symlink"),
])
def test_build_refuses_every_output_that_is_not_its_own(tree, target, words):
    (tree / "fremd").mkdir()
    (tree / "fremd" / "wichtig.txt").write_text("bleibt", encoding="utf-8")
    (tree / "notiz.txt").write_text("bleibt", encoding="utf-8")
    (tree / "link").symlink_to(tree / "fremd")
    before = _snapshot(tree.parent)
    out = target if target.startswith("/") else str(tree / target)
    result = _build(tree, out)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Nichts wurde geschrieben." in result.stderr
    assert not any(w in result.stderr for w in ENGLISH), result.stderr
    assert _snapshot(tree.parent) == before  # nothing created, changed or deleted, not even a lock file
    assert Path("/dev/null").is_char_device()


def test_build_replaces_only_an_empty_folder_or_an_earlier_site(tree, tmp_path):
    out = tmp_path / "ausgabe"
    out.mkdir()
    first = _build(tree, out)
    assert first.returncode == 0, first.stderr
    assert (out / outdir.MARKER).is_file() and (out / "index.html").is_file()
    assert re.search(r"Fertig: Website in .*ausgabe/ geschrieben \(\d+ Dateien\)", first.stderr)
    again = _build(tree, out)  # carries the marker now: may be replaced
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ausgabe.lock", "ausgabe", "tree"]


def test_a_site_from_before_the_marker_is_still_the_projects(tree):
    """The project's own site/ built by an earlier version (no marker yet): MkDocs' pages, nothing else."""
    legacy = tree / "site"
    legacy.mkdir()
    for name in ("index.html", "sitemap.xml", "404.html"):
        (legacy / name).write_text("alt", encoding="utf-8")
    result = run_cli("--root", str(tree), "build", "--ohne-pdf", "--ohne-offline")
    assert result.returncode == 0, result.stderr
    assert (legacy / outdir.MARKER).is_file() and (legacy / "index.html").read_text(encoding="utf-8") != "alt"
    (legacy / outdir.MARKER).unlink()
    (legacy / "notizen.yml").write_text("x: 1\n", encoding="utf-8")  # not a site any more: refused
    assert run_cli("--root", str(tree), "build", "--ohne-pdf", "--ohne-offline").returncode == 2


def test_build_pdf_pack_must_be_a_regular_file(tree):
    result = subprocess.run([sys.executable, str(ROOT / "build_pdf.py"), "--root", str(tree), "--pack", "/dev/zero",
                             "-o", str(tree / "x.pdf")], capture_output=True, text=True, cwd=tree,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1 and "/dev/zero:1:1: /dev/zero ist keine gewöhnliche Datei" in result.stderr
    assert not (tree / "x.pdf").exists()


@pytest.mark.parametrize("target, words", [
    pytest.param("/dev/full", "Endung '.pdf'", id="geraet"),
    pytest.param("GERAET", "keine gewöhnliche Datei", id="geraet-mit-endung"),
    pytest.param(".", "ist der Projektordner", id="projektordner"),
    pytest.param("glossar.yml", "Teil des Projekts", id="inhaltsdatei"),
    pytest.param("modules/m1.pdf", "Teil des Projekts", id="in-inhaltsordner"),
    pytest.param("fremd.pdf", "keine PDF-Datei", id="fremde-datei"),
    pytest.param("ordner.pdf", "keine gewöhnliche Datei", id="ordner"),
    pytest.param("fehlt/x.pdf", "gibt es nicht", id="ordner-fehlt"),
])
def test_build_pdf_refuses_devices_content_and_foreign_files(tree, tmp_path, target, words):
    (tree / "fremd.pdf").write_text("kein PDF", encoding="utf-8")
    (tree / "ordner.pdf").mkdir()
    if target == "GERAET":
        os.symlink("/dev/full", tmp_path / "x.pdf")
        (tree / "geraet.pdf").symlink_to("/dev/full")
        target = "geraet.pdf"
        words = "symbolischer Verweis"
    before = _snapshot(tree)
    out = target if target.startswith("/") else str(tree / target)
    result = subprocess.run([sys.executable, str(ROOT / "build_pdf.py"), "--root", str(tree), "-o", out],
                            capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stderr
    assert words in result.stderr, result.stderr
    assert not any(w in result.stderr for w in ENGLISH)
    assert _snapshot(tree) == before
    assert Path("/dev/full").is_char_device()


# --- 2. the swap -------------------------------------------------------------------------------------------

def _site(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("exchange_supported", [True, False], ids=["renameat2", "symlink"])
def test_the_site_is_never_missing_during_a_swap(tmp_path, monkeypatch, exchange_supported):
    if not exchange_supported:
        monkeypatch.setattr(outdir, "_renameat2", lambda *a: False)
    out = tmp_path / "site"
    _site(out, "0")
    if not exchange_supported:  # the one moment without site: turning the folder into a link, once per folder
        outdir.exchange(_site(tmp_path / ".site-build-0", "0"), out)
        assert out.is_symlink()
    seen, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            try:
                seen.append((out / "index.html").read_text(encoding="utf-8"))
            except OSError:
                seen.append(None)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(1, 150):
            new = _site(tmp_path / f".site-build-{i}", str(i))
            old = outdir.exchange(new, out)
            if old is not None:
                shutil.rmtree(old)
    finally:
        stop.set()
        watcher.join()
    assert None not in seen and len(seen) > 150
    assert (out / "index.html").read_text(encoding="utf-8") == "149"
    assert [int(s) for s in seen] == sorted(int(s) for s in seen)  # old, then new: never back
    outdir.remove_leftovers(out)
    left = sorted(p.name for p in tmp_path.iterdir())
    if exchange_supported:
        assert left == ["site"]
    else:  # the link and the one version it points to
        assert len(left) == 2 and out.is_symlink() and (out / "index.html").read_text(encoding="utf-8") == "149"


def test_leftovers_of_a_killed_build_are_removed(tree, tmp_path):
    out = tmp_path / "site"
    dead = tmp_path / ".site-build-abgebrochen"
    (dead / "downloads").mkdir(parents=True)
    (dead / "downloads" / "handbuch.pdf").write_bytes(b"%PDF halb")
    (tmp_path / ".site-old-123").mkdir()
    result = _build(tree, out)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob(".site-*"))


def test_a_killed_build_leaves_the_old_site(tree, tmp_path):
    out = tmp_path / "site"
    assert _build(tree, out).returncode == 0
    before = (out / "index.html").read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "handbook", "--root", str(tree), "build", "-o", str(out), "--ohne-offline"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    for line in proc.stderr:  # killed in the middle: while the PDFs are made
        if line.startswith("Erzeuge"):
            break
    proc.kill()
    proc.wait()
    assert (out / "index.html").read_bytes() == before
    assert list(tmp_path.glob(".site-build-*"))  # what it left …
    assert _build(tree, out).returncode == 0
    assert not list(tmp_path.glob(".site-build-*"))  # … the next build removes


def test_a_second_build_waits_for_the_first_and_says_so(tree, tmp_path):
    out = tmp_path / "site"
    fd = os.open(tmp_path / ".site.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a build in progress
    proc = subprocess.Popen([sys.executable, "-m", "handbook", "--root", str(tree), "build", "-o", str(out), "--ohne-pdf",
                             "--ohne-offline"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        first = proc.stderr.readline()
        while first.startswith("Hinweis:"):  # notices about the content come before the build starts
            first = proc.stderr.readline()
        assert "Ein anderer Build schreibt gerade" in first and "wartet" in first
        time.sleep(1)
        assert proc.poll() is None and not out.exists()
    finally:
        os.close(fd)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "Kein Platz mehr auf dem Datenträger"),
                                         (errno.EACCES, "Keine Schreib- oder Leserechte"),
                                         (errno.EROFS, "schreibgeschützt"), (errno.ENAMETOOLONG, "Pfad ist zu lang")])
def test_a_failing_file_system_is_one_german_sentence_and_the_old_site_stays(tree, tmp_path, monkeypatch, capsys, code, words):
    from handbook import build
    out = tmp_path / "site"
    assert build.main(tree, out, pdfs=False, offline=False) == 0
    before = _snapshot(out)

    def fail(new, target):
        raise OSError(code, os.strerror(code), str(new / "index.html"))

    monkeypatch.setattr(outdir, "exchange", fail)
    capsys.readouterr()
    assert build.main(tree, out, pdfs=False, offline=False) == 1
    err = capsys.readouterr().err
    assert f"Fehler: " in err and f"{words}: {tmp_path}/" in err and "Traceback" not in err
    assert err.strip().endswith("Build abgebrochen – site/ ist unverändert.")
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".site-build-*"))


def test_a_name_too_long_is_a_german_error(tree, tmp_path):
    result = _build(tree, tmp_path / ("x" * 300))
    assert result.returncode == 1
    assert "Der Pfad ist zu lang" in result.stderr and "Traceback" not in result.stderr


def test_a_full_disk_leaves_no_partial_pdf(tmp_path, monkeypatch):
    """Written through a temporary file; on ENOSPC the old file stays and no temporary file is left."""
    target = tmp_path / "handbuch.pdf"
    target.write_bytes(b"%PDF alt")
    real_mkstemp = outdir.tempfile.mkstemp

    def full_mkstemp(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name  # every write: ENOSPC

    monkeypatch.setattr(outdir.tempfile, "mkstemp", full_mkstemp)
    with pytest.raises(BuildError, match=f"Kein Platz mehr auf dem Datenträger: {target}"):
        outdir.write_atomic(target, b"%PDF neu" * 1000)
    assert target.read_bytes() == b"%PDF alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handbuch.pdf"]


# --- 3. bounded parsing ---------------------------------------------------------------------------------------

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize("text, line, col, words", [
    pytest.param(BILLION_LAUGHS, 1, 4, "Anker '&a' ist in Inhaltsdateien nicht erlaubt", id="billion-laughs"),
    pytest.param("a: &x [*x]\n", 1, 4, "Anker '&x'", id="selbstbezug"),
    pytest.param("a: {x: 1}\nb:\n  <<: {y: 2}\n", 3, 3, "Zusammenführung mit '<<'", id="merge"),
    pytest.param("a: 1\nb: !!int fünf\n", 2, 4, "Typangabe '!!int'", id="int-tag"),
    pytest.param("a: !!timestamp gestern\n", 1, 4, "Typangabe '!!timestamp'", id="timestamp-tag"),
    pytest.param("a: !!binary '###'\n", 1, 4, "Typangabe '!!binary'", id="binary-tag"),
    pytest.param("a: !!set {x}\n", 1, 4, "Typangabe '!!set'", id="set-tag"),
    pytest.param("a: !python/object:os.system x\n", 1, 4, "Typangabe '!python/object:os.system'", id="python-tag"),
    pytest.param("a: " + "[" * 20000 + "]" * 20000 + "\n", 1, 35, "zu tief verschachtelt", id="verschachtelt"),
    pytest.param("geprueft_am: 2027-02-30\n", 1, 14, "'2027-02-30' ist kein gültiges Datum", id="30-februar"),
    pytest.param("x: 1\ndatum: 2027-02-29\n", 2, 8, "'2027-02-29' ist kein gültiges Datum", id="29-februar"),
    pytest.param("a: " + "7" * 5000 + "\n", 1, 4, "Zahl mit 5000 Ziffern ist zu lang", id="5000-ziffern"),
    pytest.param("a: b\nc: d\x00e\n", 2, 5, "unerlaubtes Steuerzeichen U+0000 (NUL)", id="nul"),
    pytest.param("a: b\n  \x1b[31m: rot\n", 2, 3, "Steuerzeichen U+001B (Escape)", id="escape"),
    pytest.param("a: 1\n---\nb: 2\n", 2, 1, "zweites YAML-Dokument", id="zwei-dokumente"),
    pytest.param("? [a]\n: 1\n", 1, 3, "Schlüssel muss ein einfacher Text sein", id="listen-schluessel"),
])
def test_hostile_yaml_is_a_located_german_problem(text, line, col, words):
    started = time.monotonic()
    doc = parse_text("f.yml", text)
    assert time.monotonic() - started < 2
    assert doc.data is None and doc.problems
    first = doc.problems[0]
    assert (first.line, first.column) == (line, col) and words in first.message, [str(p) for p in doc.problems]


def test_many_aliases_are_reported_briefly():
    doc = parse_text("f.yml", "a: &a x\n" + "".join(f"k{i}: *a\n" for i in range(100_000)))
    assert len(doc.problems) <= 21 and "weitere Fehler" in doc.problems[-1].message


def test_quoted_look_alikes_stay_text():
    doc = parse_text("f.yml", "a: '&x'\nb: \"*y\"\nc: '!!int'\nd: '<<'\ne: 10:30\nf: '2027-02-30'\n")
    assert not doc.problems
    assert doc.data == {"a": "&x", "b": "*y", "c": "!!int", "d": "<<", "e": "10:30", "f": "2027-02-30"}


def _case_file(tree: Path, name: str = "f-muell.yml") -> Path:
    return tree / "case_studies" / name


def _check(tree: Path) -> subprocess.CompletedProcess:
    return run_cli("--root", str(tree), "check")


def test_a_file_over_2_mb_is_refused_with_the_limit(tree):
    case = _case_file(tree)
    case.write_text(case.read_text(encoding="utf-8") + "# " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    result = _check(tree)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "case_studies/f-muell.yml:1:1: Inhaltsdatei ist zu groß (2,0 MB) – erlaubt sind höchstens 2 MB je Datei" \
        in result.stderr


@pytest.mark.parametrize("field, value, words", [
    ("anonymisierung.geprueft_am", "2027-02-30", "'2027-02-30' ist kein gültiges Datum"),
    ("anonymisierung.geprueft_am", "'2027-02-30'", "erwartet"),
    ("eskalationsstufe", "9" * 5000, "Zahl mit 5000 Ziffern"),
    ("eskalationsstufe", "!!int fünf", "Typangabe '!!int'"),
])
def test_bad_values_in_a_real_file_exit_1_located(tree, field, value, words):
    case = _case_file(tree)
    text = case.read_text(encoding="utf-8")
    key = field.split(".")[-1]
    text = re.sub(rf"^(\s*{key}): .*$", lambda m: f"{m.group(1)}: {value}", text, count=1, flags=re.M)
    case.write_text(text, encoding="utf-8")
    result = _check(tree)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    located = [ln for ln in result.stderr.splitlines() if LOCATED.match(ln)]
    assert located and all(ln.startswith("case_studies/f-muell.yml:") for ln in located)
    assert words in "\n".join(located)


def test_billion_laughs_in_the_tree_costs_nothing(tree):
    _case_file(tree, "f-lachen.yml").write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.monotonic()
    result = _check(tree)
    assert time.monotonic() - started < 20
    assert result.returncode == 1 and "case_studies/f-lachen.yml:1:4: Anker '&a'" in result.stderr


# --- 4. the tree is the only thing read -------------------------------------------------------------------------

SECRET = "geheim:x:0:0:GEHEIMNIS-7f3a:/root:/bin/bash\n"


@pytest.mark.parametrize("rel", ["case_studies/f-muell.yml", "glossar.yml", "case_studies/f-neu.yml"])
def test_a_symlinked_content_file_is_refused_without_reading_it(tree, tmp_path, rel):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET, encoding="utf-8")
    (tree / rel).unlink(missing_ok=True)
    (tree / rel).symlink_to(secret)
    result = _check(tree)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{rel}:1:1: {rel} ist ein symbolischer Verweis (Symlink)" in result.stderr
    assert "GEHEIMNIS" not in result.stderr + result.stdout and "geheim" not in result.stderr
    assert rel not in content_files(tree)


def test_a_symlinked_content_folder_is_refused(tree, tmp_path):
    shutil.move(str(tree / "case_studies"), str(tmp_path / "woanders"))
    (tree / "case_studies").symlink_to(tmp_path / "woanders")
    result = _check(tree)
    assert result.returncode == 1 and "case_studies/:1:1: Ordner case_studies/ ist ein symbolischer Verweis" in result.stderr
    assert "Ordner fehlt" not in result.stderr


def test_odd_endings_and_subfolders_are_reported(tree):
    shutil.copy(_case_file(tree), tree / "case_studies" / "f-gross.YML")
    (tree / "case_studies" / "archiv").mkdir()
    shutil.copy(_case_file(tree), tree / "case_studies" / "archiv" / "f-alt.yml")
    (tree / "case_studies" / "bilder").mkdir()  # a folder without YAML is no one's business
    (tree / "case_studies" / "bilder" / "x.png").write_bytes(b"")
    result = _check(tree)
    assert result.returncode == 1
    assert "case_studies/f-gross.YML:1:1: Dateiendung '.YML' wird nicht gelesen – bitte in 'f-gross.yml' umbenennen" \
        in result.stderr
    assert "case_studies/archiv/:1:1: Unterordner case_studies/archiv/ wird nicht gelesen" in result.stderr
    assert "bilder" not in result.stderr


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"".join(b"\0" + b"\xff" * width * 3 for _ in range(min(height, 2))))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _jpeg(width: int, height: int) -> bytes:
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\1\1\0\0\1\0\1\0\0" \
        + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"


SVG_OK = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>' \
         '<rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>'


@pytest.mark.parametrize("name, data", [("plan.png", _png(800, 600)), ("foto.jpg", _jpeg(1200, 900)),
                                        ("schema.svg", SVG_OK.encode())])
def test_real_figures_pass_and_are_listed_for_publishing(tree, name, data):
    (tree / "bilder").mkdir()
    (tree / "bilder" / name).write_bytes(data)
    module = yaml.safe_load((tree / "modules/m1.yml").read_text(encoding="utf-8"))
    module["einheiten"][0]["abbildungen"] = [{"datei": f"bilder/{name}", "alt": "Ein Bild"}]
    (tree / "modules/m1.yml").write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    catalog = load(tree)
    assert figures.files(catalog) == [(f"bilder/{name}", tree.resolve() / "bilder" / name)]


@pytest.mark.parametrize("name, data, words", [
    ("plan.png", b"kein Bild, nur Text", "kein gültiges PNG-Bild"),
    ("plan.png", _jpeg(10, 10), "kein gültiges PNG-Bild"),
    ("riesig.png", _png(30000, 30000), "30000 × 30000 Pixel groß – erlaubt sind höchstens 25 Megapixel"),
    ("riesig.jpg", _jpeg(20000, 20000), "20000 × 20000 Pixel"),
    ("plan.gif", b"GIF89a", "erwartet ein Dateipfad auf .png, .jpg oder .svg"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>-Element"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "Attribut 'onload'"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
              b'<image x:href="file:///etc/passwd"/></svg>', "verweist auf etwas außerhalb"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="geheim.png"/></svg>', "verweist auf etwas außerhalb"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.example/a)"/></svg>', "url("),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.example/a.css";</style></svg>',
     "<style>-Element"),
    ("s.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "DOCTYPE- oder ENTITY"),
    ("s.svg", b"<html>kein svg</html>", "kein SVG-Bild"),
    ("s.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "kein gültiges XML"),
    ("gross.png", b"\x89PNG" + b"\0" * (figures.MAX_BYTES + 1), "zu groß"),
])
def test_bad_figures_are_located_check_errors(tree, name, data, words):
    (tree / "bilder").mkdir()
    (tree / "bilder" / name).write_bytes(data)
    module = yaml.safe_load((tree / "modules/m1.yml").read_text(encoding="utf-8"))
    module["einheiten"][0]["abbildungen"] = [{"datei": f"bilder/{name}", "alt": "Ein Bild"}]
    (tree / "modules/m1.yml").write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load(tree)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 1 and messages[0].startswith("modules/m1.yml:") and words in messages[0], messages


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_figure_through_a_symlink_is_refused(tree, tmp_path, link):
    (tmp_path / "aussen").mkdir()
    (tmp_path / "aussen" / "plan.png").write_bytes(_png(10, 10))
    if link == "file":
        (tree / "bilder").mkdir()
        (tree / "bilder" / "plan.png").symlink_to(tmp_path / "aussen" / "plan.png")
    else:
        (tree / "bilder").symlink_to(tmp_path / "aussen")
    module = yaml.safe_load((tree / "modules/m1.yml").read_text(encoding="utf-8"))
    module["einheiten"][0]["abbildungen"] = [{"datei": "bilder/plan.png", "alt": "Ein Bild"}]
    (tree / "modules/m1.yml").write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load(tree)
    assert "symbolischer Verweis" in str(info.value)


# --- 6. the command line ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--bogus", "check"], "unbekannte Angabe: --bogus"),
    (["check", "--bogus"], "unbekannte Angabe: --bogus"),
    (["build", "--ohne-pfd"], "unbekannte Angabe: --ohne-pfd"),
    (["build", "--ohne"], "unbekannte Angabe: --ohne"),
    (["bauen"], "unbekannte Auswahl 'bauen' – möglich sind: 'check'"),
    ([], "diese Angaben fehlen: BEFEHL"),
    (["--root"], "Argument --root: erwartet einen Wert"),
    (["--root", "/gibt/es/nicht", "check"], "Projektordner '/gibt/es/nicht' gibt es nicht"),
])
def test_unknown_commands_and_options_exit_2_in_german(args, words):
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Aufruf: python -m handbook")
    assert words in result.stderr and "Fehler im Aufruf" in result.stderr
    assert not any(w in result.stderr for w in ENGLISH), result.stderr


def test_build_pdf_usage_errors_are_german():
    result = subprocess.run([sys.executable, str(ROOT / "build_pdf.py"), "--edition", "lehrer"], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "unbekannte Auswahl 'lehrer' – möglich sind: 'teilnehmende', 'trainer'" in result.stderr
    assert not any(w in result.stderr for w in ENGLISH)


def test_help_is_german():
    result = run_cli("build", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Aufruf: python -m handbook build") and "Optionen:" in result.stdout
    assert "diese Hilfe zeigen und beenden" in result.stdout and "show this help" not in result.stdout


def test_check_success_and_content_errors(tree):
    ok = _check(tree)
    assert ok.returncode == 0 and ok.stdout.strip()
    (tree / "case_studies/f-muell.yml").write_text("id: [\n", encoding="utf-8")
    bad = _check(tree)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert any(LOCATED.match(ln) and ln.startswith("case_studies/f-muell.yml:") for ln in bad.stderr.splitlines())


def test_german_argparse_strings_do_not_leak_into_other_parsers():
    import argparse
    from handbook.cli import Parser
    Parser(prog="x").format_help()
    assert argparse.ArgumentParser(prog="y").format_usage().startswith("usage: ")


# --- 9. the preview ---------------------------------------------------------------------------------------------

def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_is_quiet_german_and_keeps_the_last_good_site(tree):
    """`make serve` (same command and environment): German lines only; a content error keeps the last good
    site, goes to the terminal and to the top of every page; the fix removes it again."""
    port = _free_port()
    log = tree.parent / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}",
                                 "-w", str(tree)], cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                env={**os.environ, "KOKO_SERVE": "1", "NO_MKDOCS_2_WARNING": "1",
                                     "KOKO_CONTENT_ROOT": str(tree)})
    try:
        def wait_for(text: str, timeout: float = 120) -> str:
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                content = log.read_text(encoding="utf-8")
                if text in content:
                    return content
                assert proc.poll() is None, content
                time.sleep(0.3)
            raise AssertionError(f"{text!r} nicht erschienen:\n{log.read_text(encoding='utf-8')}")

        first = wait_for("Vorschau: http://127.0.0.1:")
        url = f"http://127.0.0.1:{port}/fallstudien/f-muell/"
        assert "Müll im Hinterhof" in _get(url) and "Die Inhalte enthalten Fehler" not in _get(url)
        case = tree / "case_studies" / "f-muell.yml"
        good = case.read_text(encoding="utf-8")
        case.write_text(good.replace("geprueft_am: 2026-10-01", "geprueft_am: 2027-02-30"), encoding="utf-8")
        broken = wait_for("die Vorschau zeigt weiter den letzten fehlerfreien Stand")
        assert re.search(r"^case_studies/f-muell\.yml:\d+:\d+: '2027-02-30' ist kein gültiges Datum", broken, re.M), broken
        wait_for("neu gebaut in", timeout=60)
        time.sleep(1)
        page = _get(url)
        assert "Müll im Hinterhof" in page  # the last good content …
        assert "Die Inhalte enthalten Fehler – gezeigt wird der letzte fehlerfreie Stand" in page  # … with the error
        assert "&#x27;2027-02-30&#x27; ist kein gültiges Datum" in page
        case.write_text(good, encoding="utf-8")
        end = time.monotonic() + 60
        while "Die Inhalte enthalten Fehler" in _get(url):
            assert time.monotonic() < end, log.read_text(encoding="utf-8")
            time.sleep(0.5)
        text = log.read_text(encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for noise in ("end of life", "[macros]", "not included in the \"nav\"", "Traceback", "Building documentation",
                  "Serving on", "Documentation built"):
        assert noise not in text, (noise, text)
    assert "Änderung erkannt – baue neu …" in text and re.search(r"neu gebaut in \d+,\d s", text)
    assert len(first.strip().splitlines()) <= 3, first


def test_atomic_files_get_ordinary_permissions(tmp_path):
    target = tmp_path / "handbuch.pdf"
    outdir.write_atomic(target, b"%PDF")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_serve_with_errors_from_the_start_stops_in_german(tree):
    (tree / "case_studies" / "f-bombe.yml").write_text("a: &x [*x]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{_free_port()}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "KOKO_SERVE": "1", "NO_MKDOCS_2_WARNING": "1", "KOKO_CONTENT_ROOT": str(tree)})
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "case_studies/f-bombe.yml:1:4: Anker '&x' ist in Inhaltsdateien nicht erlaubt" in out
    assert "Abgebrochen – die Vorschau startet erst mit fehlerfreien Inhalten" in out
    assert "Traceback" not in out and "Aborted with" not in out and "[macros]" not in out


@pytest.mark.parametrize("title", ["  ", "\n\n", "\u200b", "\u00ad "])
def test_a_blank_title_is_a_check_error(tree, title):
    """A title of only spaces, line breaks or invisible characters would be an empty heading (PDF/UA refuses it)."""
    case = _case_file(tree)
    data = yaml.load(case.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["titel"] = title
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load(tree)
    messages = [p.message for p in info.value.problems]
    assert "titel: darf nicht nur aus Leerzeichen oder Zeilenumbrüchen bestehen (wird zur Überschrift)" in messages
    # an invisible character is also an anonymisation finding of its own (nobody types one by accident)
    assert all(m.startswith("titel: ") or m.startswith("Anonymisierung") for m in messages), messages


@pytest.mark.parametrize("package, offline", [("yaml", False), ("iframe-worker", True)])
def test_missing_npm_packages_stop_the_build_before_any_pdf(tree, tmp_path, monkeypatch, capsys, package, offline):
    """Without node_modules (no `npm ci`), the build says so at once – not after minutes of PDFs – and writes nothing."""
    from handbook import build, jsbundle, pdf, site
    empty = tmp_path / "leer"
    empty.mkdir()
    if package == "yaml":
        monkeypatch.setattr(jsbundle, "PACKAGE", empty / "yaml")
    else:
        monkeypatch.setattr(site, "ROOT", empty)
    monkeypatch.setattr(pdf, "build_all", lambda *a, **k: pytest.fail("PDFs were built before the check"))
    out = tmp_path / "site"
    assert build.main(tree, out, pdfs=True, offline=offline) == 1
    err = capsys.readouterr().err
    assert f"node_modules/{package}" in err and "npm ci" in err and "make build" in err and "Traceback" not in err
    assert err.strip().endswith("Build abgebrochen – site/ ist unverändert.")
    assert not out.exists() and not list(tmp_path.glob(".site-build-*"))
