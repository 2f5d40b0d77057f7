"""mkdocs-macros: variables and macros for the hand-written pages in docs/. All logic lives in handbook.site."""
import re

from handbook import packbuilder, render, site, stats


def define_env(env):
    catalog = site.catalog_for(env.conf)
    ctx = render.Context(target="site")
    meta = catalog.meta
    # Values from handbuch.yml go into Markdown: as plain text (no HTML, no Markdown), the licence URL only as http(s).
    url = meta.licence.url if re.fullmatch(r"https?://[^\s<>()\[\]]+", meta.licence.url or "") else ""
    env.variables["handbuch"] = {
        "titel": render.plain(meta.title), "stand": catalog.meta.edition_de, "herausgeber": render.plain(meta.editor),
        "lizenz": render.plain(meta.licence.name), "lizenz_url": url,
        "kontakt_rolle": render.plain(meta.contact_role), "kontakt_email": render.plain(meta.contact_email),
    }
    env.variables["zahlen"] = stats.counts(catalog)
    env.macro(lambda: render.markdown(catalog.meta.imprint, ctx), "impressum")
    env.macro(lambda: site.downloads_md(catalog), "downloads")
    env.macro(lambda: site.module_list_md(catalog), "modulliste")
    # The course-pack builder reads its data from this block; URLs follow the build (directory or .html URLs).
    env.macro(lambda: packbuilder.data_block(catalog, env.conf.use_directory_urls), "kurspaket_daten")
