"""Deployment under a strict Content-Security-Policy: the policy in deploy/nginx.conf fits the built site, and every
page works under exactly that header – no violation, no script error, search and Fallfinder still work."""
from __future__ import annotations

import re

import pytest

from browser import chromium, html_pages, serve
from conftest import ROOT
from handbook import csp

NGINX = ROOT / "deploy" / "nginx.conf"

# Registered before any page script runs (Playwright injects it outside the page's policy).
_LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));"""


def test_nginx_policy_matches_the_built_site(real_site):
    written = csp.from_nginx(NGINX)
    assert "unsafe-inline" not in written and "unsafe-eval" not in written and "*" not in written
    assert written == csp.policy(real_site), (
        "deploy/nginx.conf passt nicht mehr zur gebauten Website (neue Inline-Skripte des Themes?) – "
        "Zeile durch die Ausgabe von `python -m handbook csp` ersetzen")


def test_policy_allows_only_the_own_origin(real_site):
    directives = dict(d.strip().split(" ", 1) for d in csp.policy(real_site).split(";"))
    for name, sources in directives.items():
        for source in sources.split():
            assert source in ("'self'", "'none'") or re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", source) \
                or (name == "img-src" and source == "data:") \
                or (name == "style-src" and source == "'unsafe-hashes'"), f"{name}: {source}"
    scripts, styles, attributes = csp.inline_hashes(real_site)
    assert scripts, "Material schreibt Inline-Skripte – ohne Hashes würde die Seite nicht funktionieren"
    # style attributes only for the alignment of table columns: a fixed set, so the policy stays stable
    allowed = {csp._hash(f"text-align: {side};") for side in ("left", "right", "center")}
    assert set(attributes) <= allowed, "style-Attribute außer der Tabellenausrichtung – bitte Klassen verwenden"


def _open(context, url: str, problems: list[str], label: str):
    page = context.new_page()
    page.add_init_script(_LISTEN)
    page.on("console", lambda m: problems.append(f"{page.url}: Konsole: {m.text}")
            if "Content Security Policy" in m.text or m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: Skriptfehler: {e}"))
    page.goto(url, wait_until="load")
    return page


def _violations(page, label: str) -> list[str]:
    return [f"{label}: {v}" for v in page.evaluate("window.__csp || []")]


@pytest.mark.browser
def test_every_page_under_the_policy_without_violation(real_site):
    header = csp.from_nginx(NGINX)
    pages = html_pages(real_site)
    assert len(pages) > 60
    problems: list[str] = []
    with serve(real_site, headers={"Content-Security-Policy": header}) as base, chromium() as browser:
        context = browser.new_context()
        page = _open(context, base, problems, "/")
        assert page.evaluate("document.readyState") == "complete"
        response = page.goto(base)
        assert response.headers["content-security-policy"] == header
        for rel in pages + ["gibt-es-nicht/"]:  # the 404 page, as the server sends it
            label = rel or "/"
            page.goto(base + rel, wait_until="load")
            problems += _violations(page, label)
        page.close()
    # A missing page is an expected 404 in the console; everything else is a problem.
    problems = [p for p in problems if not ("gibt-es-nicht/" in p and "404" in p)]
    assert problems == []


@pytest.mark.browser
def test_the_check_sees_a_violation(real_site):
    """Control: without the hashes Material's inline scripts are blocked, and the test must notice."""
    header = re.sub(r" 'sha256-[^']+'", "", csp.from_nginx(NGINX))
    problems: list[str] = []
    with serve(real_site, headers={"Content-Security-Policy": header}) as base, chromium() as browser:
        page = _open(browser.new_context(), base, problems, "/")
        violations = _violations(page, "/")
    assert violations and any("script-src" in v for v in violations)
    assert any("Content Security Policy" in p for p in problems)


@pytest.mark.browser
def test_search_and_fallfinder_work_under_the_policy(real_site):
    header = csp.from_nginx(NGINX)
    problems: list[str] = []
    with serve(real_site, headers={"Content-Security-Policy": header}) as base, chromium() as browser:
        context = browser.new_context()
        page = _open(context, base, problems, "Suche")
        page.fill(".md-search__input", "Schwimmunterricht")
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        assert "burkini" in page.inner_text(".md-search-result__list").lower()
        problems += _violations(page, "Suche")

        page = _open(context, base + "fallstudien/", problems, "Fallfinder")
        total = page.locator("tbody tr").count()
        assert total > 10 and page.is_visible("[data-koko-fallfinder]")
        page.select_option("#filter-thema", "schwimmunterricht")
        assert 0 < page.locator("tbody tr:not([hidden])").count() < total
        page.click("[data-koko-fallfinder] button[data-koko-zuruecksetzen]")
        page.wait_for_function(f"document.querySelectorAll('tbody tr:not([hidden])').length === {total}")
        problems += _violations(page, "Fallfinder")
    assert problems == []


# The build's style-attribute scan finds the literal first and checks the tag around it afterwards (fast);
# it must find exactly what the plain regular expression finds, in any text.
from hypothesis import given, settings, strategies as st  # noqa: E402

_HTMLISH = st.lists(st.sampled_from(list('<>"= \n\tastyle/-x1\u00a0\u2003') + ['style="', ' style="', '<p ', '<a\n']),
                    max_size=60).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_HTMLISH)
def test_fast_style_attribute_scan_equals_the_regular_expression(text):
    assert csp._style_attributes(text) == csp._PAGE_STYLE_ATTR.findall(text)


def test_fast_style_attribute_scan_on_real_pages(real_site):
    pages = sorted(real_site.rglob("*.html"))
    found = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        fast = csp._style_attributes(text)
        assert fast == csp._PAGE_STYLE_ATTR.findall(text), page
        found += len(fast)
    assert found, "die gebauten Seiten tragen Tabellen mit style-Attributen – der Vergleich hätte nichts geprüft"
