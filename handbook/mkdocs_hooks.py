"""MkDocs hooks (listed under ``hooks:`` in mkdocs.yml): a thin door into :mod:`handbook.site`."""
from __future__ import annotations

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # MkDocs loads this file by path

from mkdocs.structure.files import File, Files  # noqa: E402

from handbook import search, site  # noqa: E402


def on_config(config):
    catalog = site.catalog_for(config)
    docs = Path(config.docs_dir)
    config.nav = site.nav(catalog, exists=lambda src: (docs / src).is_file())
    config.extra["stand"] = catalog.meta.edition_de
    # The theme writes these into the page unescaped (as HTML): text from handbuch.yml is escaped here.
    config.extra["lizenz"] = html.escape(catalog.meta.licence.name)
    url = catalog.meta.licence.url or ""
    config.extra["lizenz_url"] = html.escape(url) if url.startswith(("https://", "http://")) else ""
    config.site_name = html.escape(catalog.meta.title)
    config.site_description = html.escape(catalog.meta.subtitle)
    config.copyright = f"{html.escape(catalog.meta.editor)} · Stand: {catalog.meta.edition_de}"
    # The offline plugin (enabled for the offline bundle) adds a CDN script; use the copy shipped with the site.
    polyfills = config.extra.get("polyfills", [])
    config.extra["polyfills"] = [site.OFFLINE_SHIM if "iframe-worker" in p else p for p in polyfills]
    return config


def on_files(files: Files, config) -> Files:
    catalog = site.catalog_for(config)
    for src, markdown in site.generated_pages(catalog, config.use_directory_urls).items():
        files.append(File.generated(config, src, content=markdown))
    for path in site.download_files(site.STATE.downloads):
        files.append(File.generated(config, f"downloads/{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    return markdown + site.abbreviations(site.catalog_for(config))


def on_post_build(config) -> None:
    search.finish(Path(config.site_dir))  # German search: normaliser, stemmer, compounds (handbook/search.py)
    # Offline bundle: Material's offline plugin would load its worker shim from a CDN; ship it from the site instead.
    if config.plugins.get("material/offline") and config.plugins["material/offline"].config.enabled:
        site.install_offline_shim(Path(config.site_dir))
