"""mkdocs-macros: values and macros for the hand-written pages in docs/. All logic lives in handbook.site.

Every value is a placeholder that handbook.site replaces with HTML after Markdown has run: text from the
content never becomes Markdown or template source.
"""
from handbook import packbuilder, site, stats


def define_env(env):
    catalog = site.catalog_for(env.conf)
    meta = catalog.meta
    text = lambda value: site.text_fragment(value, catalog)
    env.variables["handbuch"] = {
        "titel": text(meta.title), "stand": text(meta.edition_de), "herausgeber": text(meta.editor),
        "lizenz": text(meta.licence.name), "kontakt_rolle": text(meta.contact_role), "kontakt_email": text(meta.contact_email),
    }
    env.variables["zahlen"] = stats.counts(catalog)
    env.macro(lambda: site.fragment(site.imprint_html(catalog), block=True), "impressum")
    env.macro(lambda: site.fragment(site.licence_html(catalog)), "lizenz")
    env.macro(lambda: site.fragment(site.downloads_html(catalog, directory_urls=env.conf.use_directory_urls), block=True),
              "downloads")
    env.macro(lambda: site.fragment(site.module_list_html(catalog, directory_urls=env.conf.use_directory_urls), block=True),
              "modulliste")
    # The course-pack builder reads its data from this block; URLs follow the build (directory or .html URLs).
    env.macro(lambda: site.fragment(packbuilder.data_block(catalog, env.conf.use_directory_urls), block=True),
              "kurspaket_daten")
