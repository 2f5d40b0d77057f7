"""mkdocs-macros: variables and macros for the hand-written pages in docs/. All logic lives in handbook.site."""
from handbook import render, site, stats


def define_env(env):
    catalog = site.catalog_for(env.conf)
    ctx = render.Context(target="site")
    env.variables["handbuch"] = {
        "titel": catalog.meta.title, "stand": site.stand(catalog), "herausgeber": catalog.meta.editor,
        "lizenz": catalog.meta.licence.name, "lizenz_url": catalog.meta.licence.url,
        "kontakt_rolle": catalog.meta.contact_role, "kontakt_email": catalog.meta.contact_email,
    }
    env.variables["zahlen"] = stats.counts(catalog)
    env.macro(lambda: render.markdown(catalog.meta.imprint, ctx), "impressum")
    env.macro(lambda: site.downloads_md(catalog), "downloads")
    env.macro(lambda: site.module_list_md(catalog), "modulliste")
