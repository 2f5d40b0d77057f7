"""MkDocs hooks (listed under ``hooks:`` in mkdocs.yml): a thin door into :mod:`handbook.site`.

Generated pages never pass through Python-Markdown: MkDocs gets an empty page for each, and after it has
rendered that, :func:`on_page_content` puts in the HTML that :mod:`handbook.site` wrote from the content
tree, with its table of contents. Hand-written pages get their values from handbuch.yml the same way,
through placeholders that mkdocs-macros leaves and :func:`handbook.site.fill_fragments` replaces.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # MkDocs loads this file by path

from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

from handbook import figures, preview, render, search, site  # noqa: E402

preview.install_filter()  # `make serve` only: MkDocs' chatter filtered, the rest in German


def on_config(config):
    catalog = site.catalog_for(config)
    docs = Path(config.docs_dir)
    config.nav = site.nav(catalog, exists=lambda src: (docs / src).is_file())
    config.extra["stand"] = catalog.meta.edition_de
    # The theme writes these into the page unescaped (as HTML): text from handbuch.yml is escaped here.
    config.extra["lizenz"] = html.escape(render.plain(catalog.meta.licence.name))
    url = catalog.meta.licence.url or ""
    config.extra["lizenz_url"] = html.escape(url) if url.startswith(("https://", "http://")) else ""
    config.site_name = html.escape(render.plain(catalog.meta.title))
    config.site_description = html.escape(render.plain(catalog.meta.subtitle))
    config.copyright = f"{html.escape(render.plain(catalog.meta.editor))} · Stand: {catalog.meta.edition_de}"
    # The offline plugin (enabled for the offline bundle) adds a CDN script; use the copy shipped with the site.
    polyfills = config.extra.get("polyfills", [])
    config.extra["polyfills"] = [site.OFFLINE_SHIM if "iframe-worker" in p else p for p in polyfills]
    return config


def on_files(files: Files, config) -> Files:
    catalog = site.catalog_for(config)
    site.STATE.pages = site.generated_pages(catalog, config.use_directory_urls)
    for src in site.STATE.pages:
        files.append(File.generated(config, src, content=site.FRONT))
    for dest, path in figures.files(catalog):  # checked by the loader: regular files inside the project
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    from handbook import jsbundle  # the npm package "yaml" for the pack builder, served from the site
    files.append(File.generated(config, jsbundle.SRC, content=jsbundle.yaml_bundle()))
    for path in site.download_files(site.STATE.downloads):
        files.append(File.generated(config, f"downloads/{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    generated = site.STATE.pages.get(page.file.src_uri)
    if generated is not None:
        page.meta["title"] = html.escape(generated.title)  # the theme prints titles as HTML
        return ""
    return markdown


def on_page_content(content: str, page, config, files) -> str:
    generated = site.STATE.pages.get(page.file.src_uri)
    if generated is not None:
        page.toc = get_toc(generated.toc)
        return preview.banner_html() + generated.html  # `make serve` with content errors: the errors on top
    return preview.banner_html() + site.fill_fragments(content)


def on_post_build(config) -> None:
    search.finish(Path(config.site_dir))  # German search: normaliser, stemmer, compounds (handbook/search.py)
    # Every inline script and style on every page must be the theme's or the project's own (the CSP allows
    # nothing else): a page that carries any other fails the build.
    from mkdocs.exceptions import PluginError
    from handbook import csp
    try:
        csp.verify(Path(config.site_dir))
    except csp.PolicyError as exc:
        raise PluginError(str(exc)) from None
    # Offline bundle: Material's offline plugin would load its worker shim from a CDN; ship it from the site instead.
    if config.plugins.get("material/offline") and config.plugins["material/offline"].config.enabled:
        site.install_offline_shim(Path(config.site_dir))
