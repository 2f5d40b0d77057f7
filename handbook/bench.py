"""``python -m handbook bench``: what a build costs as the handbook grows.

For each size N a temporary content tree is generated: the five real modules, the real glossary, literature,
vocabulary, handbook metadata and course pack, and N synthetic case studies (schema-valid, German filler text
that passes the anonymisation check). Every step runs in a fresh child process, at least three times; the
median is reported. Ratios are taken within the same run, so a noisy machine shifts both sides alike.

Steps:

* ``check_s`` – wall time of ``python -m handbook check`` (load, validate, anonymisation), process included;
* ``site_s`` – :func:`handbook.build.build` with ``pdfs=False, offline=False``;
* ``plain_s`` – the floor: the same final pages (each page's finished HTML as the source of a plain page), built
  by plain MkDocs with the same theme, extensions and plugins minus macros and minus our hooks;
* ``pdf_s`` – the handbook PDF (participants' edition); ``pack_s`` – one course pack PDF;
* ``peak_rss_mb`` – the largest resident set of the site and PDF build processes (with their children);
* ``serve_rebuild_s`` – ``mkdocs serve`` on the generated tree: time from editing one case-study YAML until the
  served page shows the edit.

Results go to ``bench/results.json``, the table and plot to ``docs/benchmark.md`` and ``docs/assets/benchmark.png``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (20, 200, 1000)
RUNS = 3
STEPS = ("check_s", "site_s", "plain_s", "pdf_s", "print_all_s", "pack_s", "serve_rebuild_s")
LABELS = {"check_s": "check", "site_s": "Website", "plain_s": "MkDocs ohne Makros/Hooks (Untergrenze)",
          "pdf_s": "Handbuch-PDF", "print_all_s": "alle Druckausgaben", "pack_s": "Kurspaket-PDF", "serve_rebuild_s": "mkdocs serve: Neuaufbau"}
SERVE_TIMEOUT = 900.0  # seconds for the first build of `mkdocs serve`; each rebuild gets the same bound


# --- synthetic content ------------------------------------------------------------------------------------

_ROLES = [
    "Leitung des Kommunalen Integrationszentrums", "Sachgebiet Ordnung im Ordnungsamt", "Elternvertretung der Grundschule",
    "Vorstand eines Sportvereins", "Quartiersmanagement", "Sozialarbeit einer Gemeinschaftsunterkunft",
    "Hausverwaltung einer Wohnungsbaugesellschaft", "Anwohner:innen einer Siedlung", "Integrationsrat",
    "Migrant:innenselbstorganisation", "Leitung einer Kindertagesstätte", "Bürgermeisteramt",
    "Jugendamt", "Jobcenter, Teamleitung Leistung", "Ehrenamtliche Initiative", "Moscheegemeinde",
    "Kirchengemeinde", "Schulleitung einer Gesamtschule", "Gleichstellungsbeauftragte", "Polizei, Bezirksdienst",
    "Fraktion im Rat", "Wohlfahrtsverband, Migrationsberatung", "Jugendgruppe aus dem Viertel",
    "Gewerbetreibende am Marktplatz", "Bäderbetrieb der Stadtwerke",
]
_INTERESTS = [
    "Ruhe im Wohnumfeld, verlässliche Absprachen und eine Ansprechperson, die erreichbar ist",
    "Gleicher Zugang zu Angeboten, Anerkennung der eigenen Arbeit und Beteiligung an Entscheidungen",
    "Sicherheit der Kinder, klare Regeln und eine Schule, die alle Familien erreicht",
    "Planbare Hallenzeiten, Erhalt der Mannschaften und Unterstützung durch die Verwaltung",
    "Rechtssichere Verfahren, wenig öffentlicher Streit und eine tragfähige Lösung im Haushalt",
    "Schutz vor Diskriminierung, Vertrauen in die Behörden und gehört zu werden",
    "Ein gutes Verhältnis in der Nachbarschaft und Orte, an denen man sich ohne Ärger treffen kann",
    "Fachliche Zuständigkeit, Sichtbarkeit der eigenen Stelle und klare Schnittstellen",
]
_POSITIONS = [
    "Die Verwaltung muss jetzt handeln und Regeln durchsetzen.",
    "Ohne die Betroffenen darf nichts entschieden werden.",
    "Das Problem ist übertrieben und wird von außen angeheizt.",
    "Die Zuständigkeit liegt eindeutig bei uns.",
    "Wir wollen mitreden, bevor etwas beschlossen wird.",
]
_INTRO = [
    "Seit einiger Zeit häuften sich im Viertel Beschwerden, die zunächst niemand ernst nahm.",
    "Die Verwaltung hatte ein neues Angebot eingerichtet, ohne die Nachbarschaft vorher zu informieren.",
    "In der Siedlung leben Familien, die seit Jahrzehnten dort wohnen, neben Menschen, die erst vor kurzem zugezogen sind.",
    "Der Rat hatte beschlossen, die Mittel für die Integrationsarbeit neu zu verteilen, ohne die Träger einzubeziehen.",
    "Die Schule meldete dem Jugendamt wiederholt Konflikte zwischen Elterngruppen auf dem Schulhof.",
    "Beim Sportverein waren die Hallenzeiten knapp, und eine neue Mannschaft bat um Trainingszeiten am Abend.",
    "Im Stadtteilzentrum trafen sich verschiedene Gruppen, deren Erwartungen an die Räume weit auseinandergingen.",
    "Die Hausverwaltung reagierte auf Beschwerden über Müll und Lärm mit Aushängen in mehreren Sprachen.",
    "Eine ehrenamtliche Initiative hatte über Jahre eine Hausaufgabenhilfe aufgebaut und fühlte sich nun übergangen.",
    "Nach einem Bericht in der Lokalzeitung kursierten in sozialen Netzwerken Gerüchte über die neue Unterkunft.",
    "Zwischen zwei Fachbereichen war ungeklärt, wer für die Beratung Neuzugewanderter zuständig ist.",
    "Der Bäderbetrieb hatte die Badeordnung geändert, und die Änderung wurde sehr unterschiedlich verstanden.",
]
_COURSE = [
    "Die ersten Gespräche fanden getrennt statt, und jede Seite erzählte eine andere Geschichte.",
    "Im Fachausschuss wurde der Ton schärfer, und einzelne Aussagen machten in der Nachbarschaft die Runde.",
    "Eine Gruppe von Anwohner:innen sammelte Unterschriften und verlangte eine Entscheidung binnen weniger Wochen.",
    "Die Verwaltung antwortete mit einem Schreiben, das viele als belehrend empfanden.",
    "Eine Versammlung im Gemeindesaal endete vorzeitig, nachdem mehrere Beteiligte den Raum verlassen hatten.",
    "Der Integrationsrat forderte eine Entschuldigung und kündigte an, das Thema öffentlich zu machen.",
    "Beide Seiten suchten Verbündete, und bald ging es mehr um Ansehen als um die eigentliche Frage.",
    "Gerüchte über angebliche Absprachen hinter verschlossenen Türen verbreiteten sich schnell.",
    "Die Fachkräfte vor Ort fühlten sich zwischen den Erwartungen der Leitung und der Nachbarschaft aufgerieben.",
    "Als eine Veranstaltung abgesagt wurde, sahen sich die einen bestätigt und die anderen ausgeschlossen.",
    "Nach einigen Wochen war kaum noch jemand bereit, mit der anderen Seite direkt zu sprechen.",
    "Die Lokalpresse griff den Streit auf und stellte ihn als Gegensatz zweier Gruppen dar.",
]
_INTERVENTION = [
    "Das Kommunale Integrationszentrum schlug eine moderierte Gesprächsrunde mit allen Beteiligten vor.",
    "Zwei Konfliktmanager:innen führten zunächst Einzelgespräche, um Interessen und Befürchtungen zu verstehen.",
    "Eine externe Moderatorin half, gemeinsame Regeln für die Nutzung der Räume zu vereinbaren.",
    "Die Verwaltung richtete eine feste Ansprechperson ein und veröffentlichte regelmäßig den Stand der Dinge.",
    "In einem Workshop erarbeiteten die Beteiligten eine Landkarte der Akteure und ihrer Beziehungen.",
    "Sprachmittler:innen sorgten dafür, dass alle Familien die Einladung und die Ergebnisse verstanden.",
    "Eine Vereinbarung hielt fest, wer bei neuen Beschwerden wen informiert und bis wann geantwortet wird.",
    "Die Leitung entschuldigte sich für die fehlende Information und erklärte die Gründe der Entscheidung.",
    "Eine Probephase von drei Monaten mit gemeinsamer Auswertung nahm den Druck aus der Grundsatzfrage.",
    "Der Fachbereich bildete eine kleine Arbeitsgruppe, in der auch Vertreter:innen der Nachbarschaft mitwirkten.",
]
_RESULT = [
    "Die Beschwerden gingen deutlich zurück, auch wenn nicht alle Beteiligten zufrieden waren.",
    "Die Vereinbarung wird bis heute eingehalten und einmal im Jahr gemeinsam überprüft.",
    "Das Verhältnis zwischen den Gruppen blieb angespannt, aber es gibt wieder verlässliche Gesprächskanäle.",
    "Die Verwaltung übernahm das Vorgehen als Beispiel für ähnliche Anfragen.",
    "Ein Teil der Ehrenamtlichen zog sich zurück, andere engagieren sich seither in der neuen Arbeitsgruppe.",
    "Die Schule hat eine feste Sprechstunde für Eltern eingerichtet, die gut angenommen wird.",
    "Der Streit um die Zuständigkeit wurde beigelegt; die Kooperation im Alltag bleibt eine Daueraufgabe.",
]
_LESSONS = [
    "Frühe Information der Nachbarschaft verhindert, dass Gerüchte die Deutung übernehmen.",
    "Getrennte Vorgespräche helfen, Positionen von Interessen zu unterscheiden.",
    "Eine feste Ansprechperson schafft Vertrauen, wenn sie erreichbar ist und Zusagen einhält.",
    "Wer selbst Partei ist, kann nicht vermitteln; dafür braucht es eine externe Option.",
    "Gesichtswahrende Schritte sind nötig, bevor über Inhalte verhandelt werden kann.",
    "Sprachmittlung ist keine Nebensache, sondern Voraussetzung für Beteiligung.",
]
_QUESTIONS = [
    "Welche Interessen stehen hinter den öffentlich vertretenen Positionen?",
    "An welcher Stelle hätte der Konflikt früher bearbeitet werden können?",
    "Welche Eskalationsstufe erreicht der Konflikt, und woran erkennen Sie das?",
    "Wen hätten Sie zusätzlich beteiligt, und warum?",
    "Welche Rolle spielt die Verwaltung in diesem Fall, und welche könnte sie spielen?",
]
_SUBJECTS = ["Hallenzeiten", "den Speiseplan der Kita", "die Nutzung des Stadtteilzentrums", "Müll im Innenhof",
             "Lärm am Abend", "die neue Unterkunft", "die Beratung im Jobcenter", "die Badeordnung", "Parkplätze",
             "die Hausaufgabenhilfe", "die Zuständigkeit für Neuzugewanderte", "ein Fest auf dem Marktplatz"]
_REGIONS = ["ländlich geprägt", "Ballungsraum", "ehemalige Industrieregion", "Umland einer Großstadt",
            "Grenzregion", "Mittelgebirgsraum"]


def _paragraphs(rng: random.Random, pool: list[str], links: list[str]) -> str:
    paras = []
    for _ in range(rng.randint(1, 2)):
        sentences = rng.sample(pool, rng.randint(4, min(7, len(pool))))
        if links and rng.random() < 0.5:
            term = rng.choice(links)
            sentences.append(f"Dabei half der Blick auf [[{term}]].")
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def _block(text: str) -> str:
    return "|\n" + "\n".join(("  " + line) if line else "" for line in text.split("\n")) + "\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def case_yaml(i: int, rng: random.Random, vocab: dict, terms: list[str]) -> tuple[str, str]:
    """One synthetic case study: (id, YAML text)."""
    cid = f"f-bench-{i:04d}"
    stage = rng.randint(1, 7)
    topics = rng.sample(vocab["themen"], rng.randint(1, 2))
    actors = []
    for role in rng.sample(_ROLES, rng.randint(3, 5)):
        actors.append(f"  - rolle: {_q(role)}\n    interessen: {_q(rng.choice(_INTERESTS))}\n")
        if rng.random() < 0.5:
            actors[-1] += f"    position: {_q(rng.choice(_POSITIONS))}\n"
    modules = sorted(rng.sample(["m1", "m2", "m3", "m4", "m5"], rng.randint(1, 2)))
    from .anonymity import MIN_CANDIDATES, rueckschluss
    typ = rng.choice(vocab["kommunetypen"])
    # only combinations that fit enough municipalities: the synthetic cases pass the re-identification count
    region = rng.choice([r for r in _REGIONS if rueckschluss(typ, r).count >= MIN_CANDIDATES] or _REGIONS)
    text = (
        f"id: {cid}\n"
        f"titel: {_q(f'Streit um {rng.choice(_SUBJECTS)} (Beispielfall {i})')}\n"
        f"herkunft: zusammengesetzt\n"
        f"kommune:\n  typ: {typ}\n  region: {_q(region)}\n"
        f"zeitraum: \"{rng.randint(2015, 2025)}\"\n"
        f"konstellation: {rng.choice(vocab['konstellationen'])}\n"
        f"themen: [{', '.join(topics)}]\n"
        f"eskalationsstufe: {stage}\n"
        f"akteure:\n{''.join(actors)}"
        f"ausgangslage: {_block(_paragraphs(rng, _INTRO, terms))}"
        f"verlauf: {_block(_paragraphs(rng, _COURSE, terms))}"
        f"intervention: {_block(_paragraphs(rng, _INTERVENTION, terms))}"
        f"ergebnis: {_block(_paragraphs(rng, _RESULT, []))}"
        f"lernerfahrungen:\n" + "".join(f"  - {_q(s)}\n" for s in rng.sample(_LESSONS, 3))
        + "reflexionsfragen:\n" + "".join(f"  - {_q(s)}\n" for s in rng.sample(_QUESTIONS, 3))
        + f"module: [{', '.join(modules)}]\n"
        "anonymisierung:\n"
        "  verfahren: Synthetischer Benchmark-Fall aus Textbausteinen; keine reale Situation.\n"
        "  geprueft_von: Benchmark-Generator\n"
        "  geprueft_am: 2026-01-01\n"
        "  freigegeben: true\n"
    )
    return cid, text


def generate(dest: Path, n: int, *, seed: int = 8) -> Path:
    """A content tree at ``dest``: the real modules and single files, the real packs, N synthetic cases."""
    from .loader import load
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("handbuch.yml", "glossar.yml", "literatur.yml", "vokabular.yml"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("modules", "course_packs", "materialien"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder, dirs_exist_ok=True)
    real = load(ROOT, check_anonymity=False)  # the vocabularies and terms, read as every build reads them
    vocab = {"themen": list(real.vocabulary.topics), "konstellationen": list(real.vocabulary.constellations),
             "kommunetypen": list(real.vocabulary.municipality_types)}
    terms = [t.id for t in real.glossary]
    cases = dest / "case_studies"
    cases.mkdir(exist_ok=True)
    rng = random.Random(seed)
    for i in range(1, n + 1):
        cid, text = case_yaml(i, rng, vocab, terms)
        (cases / f"{cid}.yml").write_text(text, encoding="utf-8")
    return dest


# --- child processes --------------------------------------------------------------------------------------

_CAPTURE_HOOK = '''
"""Benchmark only: after every other plugin and hook, keep the final HTML of each page and the config."""
import json, os
from pathlib import Path
from mkdocs.plugins import event_priority

OUT = Path(os.environ["KOKO_BENCH_PLAIN"])


@event_priority(-100)
def on_config(config):
    keep = {k: config[k] for k in ("site_name", "site_description", "copyright", "nav")}
    keep["extra"] = dict(config.extra)
    (OUT / "config.json").write_text(json.dumps(keep, ensure_ascii=False, default=str), encoding="utf-8")
    return config


@event_priority(-100)
def on_page_content(html, page, config, files):
    # The floor builds the same final pages: each page's finished HTML, as a raw HTML block of its source.
    target = OUT / "docs" / page.file.src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    title = page.meta.get("title")
    front = "---\\ntitle: " + json.dumps(title, ensure_ascii=False) + "\\n---\\n\\n" if title else ""
    target.write_text(front + '<div class="koko-seite">\\n' + html + "\\n</div>\\n", encoding="utf-8")
    return html
'''


def _prepare_plain(root: Path, work: Path) -> Path:
    """Pre-render every page (macros expanded, generated pages written out) and write a plain mkdocs.yml."""
    import yaml
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    from . import site
    from .loader import load

    plain = work / "plain"
    if plain.exists():
        shutil.rmtree(plain)
    (plain / "docs").mkdir(parents=True)
    hook = work / "capture_hook.py"
    hook.write_text(_CAPTURE_HOOK, encoding="utf-8")
    os.environ["KOKO_BENCH_PLAIN"] = str(plain)
    os.environ["KOKO_OFFLINE"] = "false"
    site.hand_over(load(root), None)
    try:
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(work / "capture-site"),
                             hooks=[str(ROOT / "handbook" / "mkdocs_hooks.py"), str(hook)])
        mkdocs_build(config)
    finally:
        site.hand_over(None, None)  # type: ignore[arg-type]
    shutil.rmtree(work / "capture-site", ignore_errors=True)
    # Static files of docs/ (stylesheets, scripts, images) as they are.
    for path in (ROOT / "docs").rglob("*"):
        if path.is_file() and path.suffix != ".md":
            target = plain / "docs" / path.relative_to(ROOT / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    captured = json.loads((plain / "config.json").read_text(encoding="utf-8"))
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        cfg = yaml_load(f)
    cfg.pop("hooks", None)
    cfg.pop("watch", None)
    cfg["plugins"] = [p for p in cfg["plugins"] if not (p == "macros" or (isinstance(p, dict) and "macros" in p))]
    cfg["docs_dir"] = str(plain / "docs")
    cfg["theme"]["custom_dir"] = str(ROOT / cfg["theme"]["custom_dir"])
    cfg.update({k: captured[k] for k in ("site_name", "site_description", "copyright", "nav")})
    cfg["extra"] = captured["extra"]
    config_file = plain / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def _child(argv: list[str]) -> int:
    """One measured step in a fresh process. Prints ``{"s": seconds}`` as its last line."""
    step, root, out = argv[0], Path(argv[1]), Path(argv[2])
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if step in ("site", "plain"):
        # The same modules are imported before the clock starts on both sides; what MkDocs imports later
        # (theme, plugins, extensions) is imported inside the clock on both sides.
        import mkdocs.commands.build  # noqa: F401
        import mkdocs.config  # noqa: F401
    if step == "site":
        from .build import build
        start = time.perf_counter()
        build(root, out, pdfs=False, offline=False)
    elif step == "plain":
        import logging

        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        start = time.perf_counter()
        mkdocs_build(load_config(str(root), site_dir=str(out), strict=True))
    elif step == "module-pdf":  # resource section: module 1 (carries the figure) in the trainer edition
        from . import pdf
        from .loader import load
        catalog = load(root)
        start = time.perf_counter()
        pdf.build_module(catalog, "m1", "trainer", out)
    elif step in ("pdf", "pack", "print-all"):
        from . import pdf
        from .loader import load
        catalog = load(root)
        start = time.perf_counter()
        if step == "pdf":
            pdf.build_handbook(catalog, "teilnehmende", out)
        elif step == "print-all":  # what make build prints: both handbooks, modules, case volumes, packs
            pdf.build_all(catalog, out)
        else:
            pdf.build_pack(catalog, catalog.packs[0], "pdf", out)
    elif step == "prepare-plain":
        start = time.perf_counter()
        print(_prepare_plain(root, out))
    else:
        raise SystemExit(f"unbekannter Schritt: {step}")
    print(json.dumps({"s": time.perf_counter() - start}))
    return 0


def _run(cmd: list[str], *, env: dict | None = None, timeout: float = 3600) -> tuple[float, float, str]:
    """Run a child; returns (wall seconds, peak RSS in MiB of it and its children, stdout)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} ist fehlgeschlagen ({proc.returncode}):\n{stderr[-3000:]}")
    global LAST_CPU
    LAST_CPU = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, stdout


LAST_CPU = 0.0  # CPU seconds (user + system, with children) of the last child: steadier than wall time on a busy machine


def _step(step: str, root: Path, out: Path) -> tuple[float, float]:
    _, rss, stdout = _run([sys.executable, "-m", "handbook.bench", step, str(root), str(out)])
    return json.loads(stdout.strip().splitlines()[-1])["s"], rss


# --- mkdocs serve -----------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def serve_rebuild(root: Path, runs: int = RUNS) -> float:
    """Median time from editing one case-study YAML until `mkdocs serve` serves the changed page."""
    port = _free_port()
    case = sorted((root / "case_studies").glob("*.yml"))[0]
    url = f"http://127.0.0.1:{port}/fallstudien/{case.stem}/"
    original = case.read_text(encoding="utf-8")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(ROOT / "mkdocs.yml"), "-a", f"127.0.0.1:{port}",
         "-w", str(root / "case_studies")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "KOKO_CONTENT_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1"})
    times = []
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while _fetch(url) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("mkdocs serve ist nicht gestartet:\n" + log.read().decode("utf-8", "replace")[-3000:])
            time.sleep(0.2)
        time.sleep(1.0)  # let the watcher settle after the first build
        for k in range(runs):
            marker = f"Bench-Markierung {k} {time.time_ns()}"
            edited = original.replace("titel: \"", f"titel: \"{marker} ", 1)
            start = time.monotonic()
            case.write_text(edited, encoding="utf-8")
            while marker not in (_fetch(url) or ""):
                if proc.poll() is not None or time.monotonic() - start > SERVE_TIMEOUT:
                    raise RuntimeError("mkdocs serve hat die Änderung nicht übernommen")
                time.sleep(0.05)
            times.append(time.monotonic() - start)
            time.sleep(1.0)
    finally:
        case.write_text(original, encoding="utf-8")
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return statistics.median(times)


# --- the benchmark ----------------------------------------------------------------------------------------

def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


CPU_RATIO: dict[int, float] = {}  # site/plain in CPU seconds (user + system), shown on the maintainers' page


def measure(n: int, runs: int, work: Path) -> dict:
    root = generate(work / f"content-{n}", n)
    _say(f"N = {n}: Inhalte erzeugt in {root}")
    out = work / f"out-{n}"
    out.mkdir(exist_ok=True)
    _, _, stdout = _run([sys.executable, "-m", "handbook.bench", "prepare-plain", str(root), str(work)])
    plain_config = Path(stdout.strip().splitlines()[-2])
    samples: dict[str, list[float]] = {k: [] for k in ("check_s", "site_s", "plain_s", "pdf_s", "print_all_s", "pack_s")}
    peak = 0.0
    print_peak = 0.0
    cpu: dict[str, list[float]] = {"site": [], "plain": []}
    for r in range(runs):
        wall, _, _ = _run([sys.executable, "-m", "handbook", "--root", str(root), "check"])
        samples["check_s"].append(wall)
        s, rss = _step("site", root, out / "site")
        samples["site_s"].append(s)
        cpu["site"].append(LAST_CPU)
        peak = max(peak, rss)
        s, _ = _step("plain", plain_config, out / "plain")
        samples["plain_s"].append(s)
        cpu["plain"].append(LAST_CPU)
        s, rss = _step("pdf", root, out / "handbuch.pdf")
        samples["pdf_s"].append(s)
        peak = max(peak, rss)
        s, rss = _step("print-all", root, out / "druck")
        samples["print_all_s"].append(s)
        print_peak = max(print_peak, rss)  # two documents at once in one process: reported on its own
        s, rss = _step("pack", root, out / "kurspaket.pdf")
        samples["pack_s"].append(s)
        peak = max(peak, rss)
        _say(f"N = {n}, Lauf {r + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in samples.items())
             + f", Spitze {peak:.0f} MiB")
    row = {"n": n, **{k: round(statistics.median(v), 3) for k, v in samples.items()}}
    row["site_ratio"] = round(row["site_s"] / row["plain_s"], 3)
    row["peak_rss_mb"] = round(peak, 1)
    row["print_all_peak_mb"] = round(print_peak, 1)
    CPU_RATIO[n] = round(statistics.median(cpu["site"]) / statistics.median(cpu["plain"]), 3)
    _say(f"N = {n}: CPU-Verhältnis Website/Untergrenze {CPU_RATIO[n]:.2f}")
    # A rebuild is a whole site build: at large N one edit is measured, at small N the median of `runs`.
    row["serve_rebuild_s"] = round(serve_rebuild(root, runs if n <= 200 else 1), 3)
    ordered = ("n", "check_s", "site_s", "plain_s", "site_ratio", "pdf_s", "print_all_s", "pack_s", "peak_rss_mb",
               "print_all_peak_mb", "serve_rebuild_s")
    return {k: row[k] for k in ordered}


# --- resources under large inputs (issue 13, item 8) --------------------------------------------------------

RESOURCE_CASES = {
    "fallstudie_2mb": "eine Fallstudie von knapp 2 MB (die größte erlaubte Datei) neben 20 gewöhnlichen",
    "faelle_1000_abk_200": "1000 Fallstudien und ein Glossar mit 200 zusätzlichen Abkürzungen, die in den Fällen vorkommen",
    "abbildung_max": "die größte erlaubte Abbildung (PNG, 25 Megapixel) in Modul 1 neben 20 Fallstudien",
}


def _big_case(dest: Path, target_bytes: int) -> None:
    """A case study of about ``target_bytes`` (long situation text made of the generator's sentences)."""
    rng = random.Random(13)
    pool = _INTRO + _COURSE + _INTERVENTION + _RESULT
    paras, size = [], 0
    while size < target_bytes - 6000:
        para = " ".join(rng.sample(pool, 6))
        paras.append(para)
        size += len(para.encode("utf-8")) + 4
    cid, text = case_yaml(9999, rng, {"themen": ["muell", "wohnraum"], "konstellationen": ["buerger_buerger"],
                                      "kommunetypen": ["grossstadt"]}, [])
    text = re.sub(r"^ausgangslage: \|\n(?:  .*\n|\n)*", lambda m: "ausgangslage: " + _block("\n\n".join(paras)), text,
                  count=1, flags=re.M)
    (dest / "case_studies" / f"{cid}.yml").write_text(text, encoding="utf-8")


def _abbreviations(dest: Path, count: int) -> None:
    """``count`` extra glossary terms with abbreviations, each used in a few cases' lessons."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    abbrs = [f"Q{a}{b}" for a in letters for b in letters][:count]
    with open(dest / "glossar.yml", "a", encoding="utf-8") as f:
        for i, abbr in enumerate(abbrs):
            f.write(f"  - id: bench_abk_{i:03d}\n    begriff: Benchmarkbegriff {i}\n    abkuerzung: {abbr}\n"
                    f"    definition: Ein erzeugter Begriff für den Benchmark der Abkürzungen.\n")
    rng = random.Random(21)
    for path in sorted((dest / "case_studies").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        used = ", ".join(rng.sample(abbrs, 5))
        text = text.replace("lernerfahrungen:\n", f"lernerfahrungen:\n  - {_q(f'Abgestimmt mit {used}.')}\n", 1)
        path.write_text(text, encoding="utf-8")


def _largest_figure(dest: Path, pixels: int) -> None:
    """A PNG of ``pixels`` pixels (square), referenced by the first unit of module 1."""
    import struct
    import zlib
    side = int(pixels ** 0.5)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    comp = zlib.compressobj(6)
    rows = []
    for y in range(side):
        rows.append(comp.compress(b"\0" + bytes((x * 7 + y * 3) & 0xFF for x in range(8)) * (side * 3 // 8)
                                  + b"\0" * (side * 3 % 8)))
    rows.append(comp.flush())
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", b"".join(rows)) + chunk(b"IEND", b""))
    (dest / "bilder").mkdir(exist_ok=True)
    (dest / "bilder" / "bench-gross.png").write_bytes(data)
    module = next((dest / "modules").glob("m1*.yml"))
    text = module.read_text(encoding="utf-8")
    m = re.search(r"^(\s*)- id: m1-e1\n", text, flags=re.M)
    indent = m.group(1) + "  "
    figure = f"{indent}abbildungen:\n{indent}  - datei: bilder/bench-gross.png\n{indent}    alt: Großes Testbild\n"
    module.write_text(text[: m.end()] + figure + text[m.end():], encoding="utf-8")


def _resource_tree(work: Path, case: str, scale: float) -> Path:
    from .figures import MAX_PIXELS
    from .parse import MAX_BYTES
    dest = work / f"res-{case}-{scale:g}"
    if case == "faelle_1000_abk_200":
        generate(dest, max(1, int(1000 * scale)))
        _abbreviations(dest, max(1, int(200 * scale)))
    else:
        generate(dest, 20)
        if case == "fallstudie_2mb":
            _big_case(dest, int(MAX_BYTES * 0.97 * scale))
        else:
            _largest_figure(dest, int(MAX_PIXELS * scale))
    return dest


def _measured(cmd: list[str]) -> dict:
    """Wall time and peak RSS of one child (with its children); a failing step is recorded with its message."""
    try:
        wall, rss, _ = _run(cmd)
        return {"s": round(wall, 3), "peak_mb": round(rss, 1), "ok": True}
    except RuntimeError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines()[1:] if ln.strip()]
        errors = [ln.split("Error: ", 1)[1] for ln in lines if "Error: " in ln]  # the exception's message
        return {"ok": False, "meldung": (errors[-1] if errors else lines[-1] if lines else str(exc))[:300]}


def resources(work: Path, scales: tuple[float, ...] = (0.5, 1.0)) -> list[dict]:
    """check and site build (and module 1 as PDF for the figure) for each large input, at each scale.

    Two scales of the same input show whether cost grows linearly: at twice the input, about twice the time
    and (above the fixed cost of the interpreter and MkDocs) about twice the memory.
    """
    rows = []
    for case in RESOURCE_CASES:
        for scale in scales:
            root = _resource_tree(work, case, scale)
            steps = {"check": [sys.executable, "-m", "handbook", "--root", str(root), "check"],
                     "website": [sys.executable, "-m", "handbook.bench", "site", str(root), str(work / f"site-{case}-{scale:g}")]}
            if case == "abbildung_max":
                steps["modul_pdf"] = [sys.executable, "-m", "handbook.bench", "module-pdf", str(root),
                                      str(work / f"m1-{scale:g}.pdf")]
            for step, cmd in steps.items():
                row = {"fall": case, "skala": scale, "schritt": step, **_measured(cmd)}
                rows.append(row)
                _say("  " + json.dumps(row, ensure_ascii=False))
            shutil.rmtree(root, ignore_errors=True)
    return rows


def resources_md(rows: list[dict]) -> str:
    """The section of docs/benchmark.md on large inputs."""
    if not rows:
        return ""

    def num(x: float, digits: int = 2) -> str:
        return f"{x:.{digits}f}".replace(".", ",")

    lines = ["## Ressourcen bei großen Eingaben", "",
             "Zeit (Prozess von außen gemessen) und größter Arbeitsspeicher (RSS, mit Kindprozessen wie pandoc) für "
             "`check` und den Website-Build (ohne PDFs und Offline-Fassung) bei den größten Eingaben, die `check` "
             "zulässt; jede Eingabe in halber und voller Größe, damit sichtbar ist, ob die Kosten linear wachsen. "
             "Ein Lauf je Wert; neu messen mit `python -m handbook bench --nur-ressourcen`.", "",
             "| Eingabe | Größe | Schritt | Zeit | Spitze RSS |", "| --- | ---: | --- | ---: | ---: |"]
    for r in rows:
        value = (f"{num(r['s'])} s | {num(r['peak_mb'], 0)} MiB" if r["ok"]
                 else f"Fehler: {r['meldung'].replace('|', '/')} | –")
        lines.append(f"| {r['fall']} | {num(r['skala'] * 100, 0)} % | {r['schritt']} | {value} |")
    lines.append("")
    if max(r["skala"] for r in rows) < 1:
        lines += ["**Probelauf in verkleinerter Größe** (die Spalte Größe nennt den Anteil an der erlaubten Grenze); "
                  "die volle Messung macht `make bench`.", ""]
    for case, text in RESOURCE_CASES.items():
        lines.append(f"- **{case}**: {text}.")
    growth = []
    for case in RESOURCE_CASES:
        for step in ("check", "website", "modul_pdf"):
            pair = {r["skala"]: r for r in rows if r["fall"] == case and r["schritt"] == step and r["ok"]}
            if len(pair) == 2:
                lo, hi = sorted(pair)
                growth.append(f"{case}/{step}: × {num(pair[hi]['s'] / pair[lo]['s'])} Zeit, "
                              f"× {num(pair[hi]['peak_mb'] / pair[lo]['peak_mb'])} Speicher")
    if growth:
        lines += ["", "Wachstum bei doppelter Eingabe (linear wäre höchstens × 2; feste Kosten von Interpreter und "
                  "MkDocs drücken den Faktor darunter):", ""] + [f"- {g}" for g in growth]
    lines += ["", "Grenzen, die `check` durchsetzt: 2 MB je Inhaltsdatei, 32 Ebenen Verschachtelung, Abbildungen "
              "höchstens 10 MB (SVG 2 MB) und 25 Megapixel; Anker, Aliase und Typangaben werden abgelehnt, bevor "
              "etwas expandiert."]
    return "\n".join(lines) + "\n"


def _update_resource_section(md: Path, rows: list[dict]) -> None:
    text = md.read_text(encoding="utf-8") if md.exists() else "# Benchmark\n"
    text = re.sub(r"\n## Ressourcen bei großen Eingaben\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip("\n") + "\n"
    md.write_text(text + "\n" + resources_md(rows), encoding="utf-8")


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    return f"{cpu}, {os.cpu_count()} Kerne, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_report(results: dict, md: Path, png: Path) -> None:
    """The maintainers' page: a table and a plot (time against N, log scale, one line per step)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted(results["runs"], key=lambda r: r["n"])
    ns = [r["n"] for r in runs]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    for key in STEPS:
        ax.plot(ns, [r[key] for r in runs], marker="o", label=LABELS[key])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.set_xlabel("Fallstudien (N)")
    ax.set_ylabel("Zeit in Sekunden (Median)")
    ax.set_title("Was ein Build kostet")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Software": None, "Creation Time": None}  # the same numbers give the same bytes
    fig.savefig(png, metadata=metadata)
    plt.close(fig)

    def num(x: float, digits: int = 2) -> str:
        return f"{x:.{digits}f}".replace(".", ",")

    rows = ["| N | check | Website | Untergrenze | Verhältnis | Handbuch-PDF | alle Druckausgaben | Kurspaket-PDF | "
            "Spitze RSS | serve-Neuaufbau |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in runs:
        rows.append(f"| {r['n']} | {num(r['check_s'])} s | {num(r['site_s'])} s | {num(r['plain_s'])} s | "
                    f"{num(r['site_ratio'])} | {num(r['pdf_s'])} s | {num(r['print_all_s'])} s | {num(r['pack_s'])} s | "
                    f"{num(r['peak_rss_mb'], 0)} MiB | {num(r['serve_rebuild_s'])} s |")
    md.write_text(
        "---\nrender_macros: false\nsearch:\n  exclude: true\n---\n\n"
        "# Benchmark\n\n"
        "Was ein Build kostet, wenn das Handbuch wächst: die fünf echten Module und N erzeugte, gültige "
        "Fallstudien. Jeder Wert ist der Median aus mehreren Läufen in frischen Prozessen. Neu messen mit "
        "`make bench`; die Rohdaten stehen in `bench/results.json`.\n\n"
        f"Gemessen am {results['date']} auf: {results['machine']}.\n\n"
        + "\n".join(rows) + "\n\n"
        + (("Verhältnis in CPU-Zeit (Nutzer + System, weniger anfällig für eine ausgelastete Maschine): "
            + ", ".join(f"N = {n}: {num(r)}" for n, r in sorted(CPU_RATIO.items())) + ".\n\n") if CPU_RATIO else "")
        + "![Zeit gegen Anzahl der Fallstudien, logarithmische Achsen, eine Linie je Schritt]"
        "(assets/benchmark.png)\n\n"
        "## Was gemessen wird\n\n"
        "- **check**: `python -m handbook check` als ganzer Prozess (Laden, Schemaprüfung, Anonymisierung).\n"
        "- **Website**: `handbook.build.build(…, pdfs=False, offline=False)`.\n"
        "- **Untergrenze**: dieselben Seiten, vorab zu reinem Markdown gerendert, gebaut von MkDocs mit "
        "demselben Theme und denselben Erweiterungen, ohne Makros und ohne unsere Hooks. "
        "**Verhältnis** = Website / Untergrenze (Ziel bei N = 1000: höchstens 1,10). Beide Seiten laufen mit "
        "vorab übersetztem Python-Bytecode: die Pakete der Untergrenze von der Installation durch pip, "
        "`handbook/` durch `make` (`compileall`).\n"
        "- **Handbuch-PDF**: Ausgabe für Teilnehmende (ab 60 Fällen mit Fallübersicht; die Fälle stehen dann in "
        "Bänden der Fallsammlung); **alle Druckausgaben**: alles, was `make build` druckt (beide Handbuch-Ausgaben, "
        "Module, Bände der Fallsammlung, Kurspakete), je zwei Dokumente gleichzeitig; **Kurspaket-PDF**: das erste "
        "Kurspaket.\n"
        "- **Spitze RSS**: größter Arbeitsspeicher der Prozesse für Website, Handbuch-PDF und Kurspaket (mit "
        "Kindprozessen); `print_all_peak_mb` in `bench/results.json` ist der Prozess, der alle Druckausgaben zu "
        "zweit baut.\n"
        "- **serve-Neuaufbau**: `mkdocs serve` läuft; eine Fallstudie wird geändert; gemessen wird, bis die "
        "ausgelieferte Seite die Änderung zeigt (bis N = 200 Median aus mehreren Änderungen, darüber eine).\n\n"
        "Ziele bei N = 1000: Website ≤ 1,10 × Untergrenze, Handbuch-PDF < 30 s, check < 1,5 s, "
        "Spitze < 1 GiB.\n" + _targets_md(runs, num) + "\n" + resources_md(results.get("resources", []))
        + (web_md(results["web"]) if results.get("web") else ""),
        encoding="utf-8")


def _targets_md(runs: list[dict], num) -> str:
    """Which targets the largest measured N meets (the targets are set for N = 1000)."""
    r = runs[-1]
    checks = [("Website/Untergrenze", r["site_ratio"] <= 1.10, num(r["site_ratio"]), "≤ 1,10"),
              ("Handbuch-PDF", r["pdf_s"] < 30, f"{num(r['pdf_s'])} s", "< 30 s"),
              ("check", r["check_s"] < 1.5, f"{num(r['check_s'])} s", "< 1,5 s"),
              ("Spitze RSS", r["peak_rss_mb"] < 1024, f"{num(r['peak_rss_mb'], 0)} MiB", "< 1024 MiB")]
    lines = [f"- {name}: {value} (Ziel {goal}) – {'erreicht' if ok else '**verfehlt**'}" for name, ok, value, goal in checks]
    return f"\n## Ziele bei N = {r['n']}\n\n" + "\n".join(lines) + "\n"


# --- anonymisation scan: 5 MB of text, new (normalising) scan against the scan before issue 14 -----------

#: The last commit with the scanner before normalisation (issue 14); measured for the comparison.
OLD_SCANNER_COMMIT = "ece9c08"


def _old_scanner():
    """The scanner as it was before issue 14, loaded from git; None when this is no git checkout."""
    import types
    try:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_SCANNER_COMMIT}:handbook/anonymity.py"],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    mod = types.ModuleType("handbook._anonymity_before_issue14")
    mod.__file__ = str(ROOT / "handbook" / "_anonymity_before_issue14.py")  # DATA_DIR resolves to handbook/data
    sys.modules[mod.__name__] = mod
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)
    return mod


def scan_texts(megabytes: float = 5.0) -> list[str]:
    """Published texts of the shipped content (every field, as the loader scans them), repeated to ``megabytes``."""
    from .loader import published_texts
    texts = [t for _, _, t in published_texts(ROOT)]
    out: list[str] = []
    size = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8"))
            if size >= target:
                break
    return out


def scan_bench(runs: int = RUNS, megabytes: float = 5.0) -> dict:
    """Median seconds to scan ``megabytes`` of published text, new scan and old scan (warm: patterns compiled)."""
    from . import anonymity
    texts = scan_texts(megabytes)
    result: dict = {"megabytes": megabytes, "texts": len(texts)}
    old = _old_scanner()
    variants = (("neu_s", anonymity.scan), ("ohne_normalisierung_s", lambda t: anonymity.scan(t, normalised=False)),
                ("alt_s", old.scan if old else None))
    for label, fn in variants:
        if fn is None:
            result[label] = None
            continue
        for t in texts[:2000]:  # compile the patterns and fill the caches
            fn(t)
        times = []
        for _ in range(max(1, runs)):
            # CPU time of this process, the least disturbed run: the machine is shared, wall time is noise
            t0 = time.process_time()
            for t in texts:
                fn(t)
            times.append(time.process_time() - t0)
        result[label] = round(min(times), 3)
    result["faktor_normalisierung"] = round(result["neu_s"] / result["ohne_normalisierung_s"], 2)
    if result.get("alt_s"):
        result["faktor_gegen_alt"] = round(result["neu_s"] / result["alt_s"], 2)
    return result


# --- what a trainee's browser loads (issue 18) ---------------------------------------------------------------
# The real handbook's site, served with gzip as deploy/nginx.conf does, in Debian's Chromium: bytes each page
# type transfers, Lighthouse performance (npm `lighthouse`, pinned in package.json) and recall@5 of the
# German search query set (tests/data/search_queries.tsv).

WEB_PAGES = {"Startseite": "", "Einheit": "module/m1/m1-e3/", "Fallstudie": "fallstudien/f-burkini-schwimmbad-mittelstadt/",
             "Fallfinder": "fallstudien/", "Kurspaket-Baukasten": "kurspaket/"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps"]
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


def gzip_server(folder: Path):
    """A static server on 127.0.0.1 that gzips text files for clients that accept it (like nginx's gzip on)."""
    import functools
    import gzip
    import http.server
    import io
    import socketserver
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if (path.suffix in _COMPRESSIBLE and path.is_file()
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Vary", "Accept-Encoding")
                self.end_headers()
                return io.BytesIO(body)
            return super().send_head()

    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def page_bytes(browser, url: str) -> tuple[int, int]:
    """(bytes transferred, requests) for loading one page in a fresh browser context (empty cache)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    return int(sum(sizes.values())), len(sizes)


def lighthouse(url: str) -> dict:
    """Lighthouse performance (default mobile profile, simulated throttling) of one page in Debian's Chromium."""
    cli = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
    run = subprocess.run(["node", str(cli), url, "--only-categories=performance", "--output=json",
                          "--output-path=stdout", "--quiet", f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    if run.returncode != 0:
        raise RuntimeError(f"Lighthouse für {url}: {run.stderr[-1500:]}")
    report = json.loads(run.stdout)
    audits = report["audits"]
    return {"score": round(report["categories"]["performance"]["score"] * 100),
            "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "bytes": int(audits["total-byte-weight"]["numericValue"])}


def measure_web(work: Path) -> dict:
    """Build the real handbook's site (no PDFs) and measure it as a trainee's browser loads it."""
    from playwright.sync_api import sync_playwright

    from . import search
    from .build import build
    site_dir = work / "web-site"
    build(ROOT, site_dir, pdfs=False, offline=False)
    httpd, base = gzip_server(site_dir)
    try:
        pages = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
            for kind, rel in WEB_PAGES.items():
                transferred, requests = page_bytes(browser, base + rel)
                pages[kind] = {"path": rel, "transfer_bytes": transferred, "requests": requests}
            page = browser.new_page()
            page.goto(base, wait_until="networkidle")
            queries = search.read_queries()
            recall, misses = search.recall_at_5(page, queries)
            browser.close()
        for kind, rel in WEB_PAGES.items():
            pages[kind]["lighthouse"] = lighthouse(base + rel)
            _say(f"Web: {kind}: {pages[kind]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    index = site_dir / "search" / "search_index.json"
    return {"pages": pages, "recall_at_5": round(recall, 3), "queries": len(queries),
            "misses": [list(m[:2]) for m in misses], "search_index_bytes": index.stat().st_size}


def web_md(web: dict) -> str:
    """The section of docs/benchmark.md on what a trainee's browser loads."""
    def kb(n: int) -> str:
        return f"{n / 1024:.0f} KB"
    rows = ["| Seitentyp | Seite | übertragen (gzip) | Anfragen | Lighthouse Leistung | LCP | TBT |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind, r in web["pages"].items():
        lh = r["lighthouse"]
        rows.append(f"| {kind} | `{r['path'] or '/'}` | {kb(r['transfer_bytes'])} | {r['requests']} | {lh['score']} | "
                    f"{str(lh['lcp_s']).replace('.', ',')} s | {lh['tbt_ms']} ms |")
    worst = min(r["lighthouse"]["score"] for r in web["pages"].values())
    return ("\n## Was der Browser einer Teilnehmerin lädt\n\n"
            "Die Website des echten Handbuchs, ausgeliefert mit gzip wie in `deploy/nginx.conf`, in Chromium mit "
            "leerem Cache. Lighthouse (Profil Mobilgerät, simulierte Drosselung) misst die Leistung; Ziel: "
            f"mindestens 90 je Seitentyp – {'erreicht' if worst >= 90 else '**verfehlt**'} (niedrigster Wert {worst}).\n\n"
            + "\n".join(rows) + "\n\n"
            f"Suche: recall@5 = {str(web['recall_at_5']).replace('.', ',')} über {web['queries']} deutsche Suchanfragen "
            "(`tests/data/search_queries.tsv`: die erwartete Seite steht unter den ersten fünf Treffern)"
            + (f"; verfehlt: {', '.join(q for q, _ in web['misses'])}" if web["misses"] else "")
            + f". Suchindex: {kb(web['search_index_bytes'])} (ungepackt).\n")


def main(argv: list[str] | None = None) -> int:
    if argv and argv[0] == "--scan":
        res = scan_bench(runs=int(argv[1]) if len(argv) > 1 else RUNS)
        _say(f"Anonymisierungsprüfung, {res['megabytes']} MB in {res['texts']} Texten (CPU-Zeit, bester von "
             f"{max(1, int(argv[1]) if len(argv) > 1 else RUNS)} Läufen): neu {res['neu_s']} s, dieselben Regeln ohne "
             f"Normalisierung {res['ohne_normalisierung_s']} s (Faktor {res['faktor_normalisierung']}), Prüfung vor Issue 14 "
             f"{res['alt_s'] if res['alt_s'] is not None else '– (kein Git-Checkout)'} s"
             + (f" (Faktor {res['faktor_gegen_alt']})" if "faktor_gegen_alt" in res else ""))
        out = ROOT / "bench" / "scan.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    from .cli import Parser
    p = Parser(prog="python -m handbook bench", description="Benchmark der Builds bei wachsendem Handbuch.")
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="Anzahlen der Fallstudien, z. B. 20,200,1000")
    p.add_argument("--runs", type=int, default=RUNS, help="Läufe je Schritt (Median; mindestens 3 für die Ergebnisse)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json", help="Ergebnisdatei")
    p.add_argument("--keep", action="store_true", help="erzeugte Inhalte und Ausgaben nicht löschen")
    p.add_argument("--nur-ressourcen", action="store_true",
                   help="nur den Abschnitt „Ressourcen bei großen Eingaben“ messen (bench/resources.json, docs/benchmark.md)")
    p.add_argument("--ressourcen-skala", type=float, default=1.0, metavar="FAKTOR",
                   help="Größe der großen Eingaben relativ zur erlaubten Grenze (Standard 1; 0.1 für einen schnellen Probelauf)")


    p.add_argument("--no-web", action="store_true", help="ohne Browser-Messung (Bytes, Lighthouse, Such-Recall)")
    args = p.parse_args(argv)
    if args.nur_ressourcen:
        work = Path(tempfile.mkdtemp(prefix="koko-bench-res-"))
        try:
            rows = resources(work, (args.ressourcen_skala / 2, args.ressourcen_skala))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        out = args.out.with_name("resources.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"resources": rows, "machine": _machine(), "date": dt.date.today().isoformat()},
                                  ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _update_resource_section(ROOT / "docs" / "benchmark.md", rows)
        _say(f"Ergebnisse: {out}, docs/benchmark.md")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="koko-bench-"))
    try:
        runs = []
        for n in sizes:
            runs.append(measure(n, max(1, args.runs), work))
            _say("  " + json.dumps(runs[-1], ensure_ascii=False))
        resource_rows = resources(work)


        web = measure_web(work) if not args.no_web else None
    finally:
        if args.keep:
            _say(f"Arbeitsordner: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results = {"runs": runs, "resources": resource_rows, "machine": _machine(), "date": dt.date.today().isoformat()}


    results = {"runs": runs, "machine": _machine(), "date": dt.date.today().isoformat()}
    if web is not None:
        results["web"] = web
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_report(results, ROOT / "docs" / "benchmark.md", ROOT / "docs" / "assets" / "benchmark.png")
    _say(f"Ergebnisse: {args.out}, docs/benchmark.md, docs/assets/benchmark.png")
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
