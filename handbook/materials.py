"""Materials (``materialien/``) as document trees: a page per material, the index, the writing space.

The nodes are the renderer's (:mod:`handbook.render`, :mod:`handbook.text`, :mod:`handbook.render_nodes`), so
the site's HTML writer and the print writer serialise them like any unit. What only trainers may see – the
confidential part of each role card, the trainer notes – sits in the same collapsed trainer callouts as
solutions; an edition without trainer blocks (``ctx.trainer`` false) leaves them out altogether.

Space to write is structure, not text: a :class:`Div` of empty line divs (``koko-zeile``), marked
``aria-hidden`` on the site and drawn as artifacts in print.
"""
from __future__ import annotations

from . import render
from . import text as T
from .model import Catalog, Exercise, Material, Unit
from .render import Context, h, inl, para, rich
from .render_nodes import Callout, Div

CHECKBOX = "☐"


def writing_space(lines: int, box: bool = False) -> Div:
    """Room to write: ``lines`` empty ruled lines, or a box of that height."""
    rows = tuple(Div(("koko-zeile",)) for _ in range(lines))
    return Div(("koko-schreibplatz", "koko-kasten" if box else "koko-linien"), rows,
               (("aria-hidden", "true"), ("data-zeilen", str(lines))))


def _module_links(catalog: Catalog, material: Material, ctx: Context) -> tuple:
    parts = []
    for mid in material.modules:
        m = catalog.module_by_id[mid]
        parts.append(render.link_or_text(ctx.link(mid), (T.Text(f"Modul {m.number}"),)))
    return render._join(parts)


def _user_label(catalog: Catalog, user: Unit | Exercise) -> str:
    if isinstance(user, Unit):
        return render.plain(render.unit_label(catalog, user))
    unit = catalog.units[user.unit_id]
    return f"Übung {render.unit_number(catalog, unit)}.{unit.exercises.index(user) + 1}: {render.plain(user.title)}"


def used_in(catalog: Catalog, material: Material, ctx: Context) -> tuple:
    """Links to the units and exercises that use a material."""
    return render._join([render.link_or_text(ctx.link(u.id), (T.Text(_user_label(catalog, u)),))
                         for u in catalog.users_of_material(material.id)])


def facts(catalog: Catalog, material: Material, ctx: Context) -> T.Para:
    pairs = [("Art", (T.Text(material.kind_name),)), ("Module", _module_links(catalog, material, ctx))]
    if material.minutes:
        pairs.append(("Zeitbedarf", (T.Text(render.minutes_de(material.minutes)),)))
    users = used_in(catalog, material, ctx)
    if users:
        pairs.append(("Eingesetzt in", users))
    return render._facts(pairs)


def sheet_nodes(catalog: Catalog, material: Material, ctx: Context, level: int) -> list:
    """What is printed on the sheet itself (without title and facts): text, tasks, items, questions."""
    nodes: list = []
    if material.content:
        nodes += rich(material.content, ctx, catalog, level=level + 1)
    for i, task in enumerate(material.tasks, 1):
        label = (para(T.Strong((T.Text(f"Aufgabe {i}"),))),) if material.numbered_tasks else ()
        body = (*label, *rich(task.text, ctx, catalog, level=level + 1))
        if task.space:
            body += (writing_space(task.space, task.box),)
        nodes.append(Div(("koko-aufgabe",), body))
    if material.items:
        rows = tuple((T.Para((T.Text(CHECKBOX + " "),) + _inlines_of(item, ctx, catalog)),) for item in material.items)
        nodes.append(Div(("koko-checkliste",), (T.BulletList(rows),)))
    scale_rows: list = []

    def flush() -> None:
        if scale_rows:
            scale = scale_rows[0][1]
            # in a koko-skala div: print draws the tick boxes as shapes (artifacts), the site shows the sign
            nodes.append(Div(("koko-skala",), (render.table(
                ["Aussage", *scale], [[_inlines_of(q.text, ctx, catalog), *[(T.Text(CHECKBOX),) for _ in scale]]
                                      for q, _ in scale_rows]),)))
            scale_rows.clear()

    for q in material.questions:
        if q.section:
            flush()
            nodes.append(h(level + 1, inl(q.section, ctx, catalog)))
        if q.scale:
            if scale_rows and scale_rows[0][1] != list(q.scale):
                flush()
            scale_rows.append((q, list(q.scale)))
        else:
            flush()
            nodes.append(Div(("koko-frage",), (*rich(q.text, ctx, catalog, level=level + 1), writing_space(q.space))))
    flush()
    return nodes


def _inlines_of(text: str, ctx: Context, catalog: Catalog) -> tuple:
    """A short Markdown field (one paragraph) as inlines, for a table cell or a checklist line."""
    blocks = rich(text, ctx, catalog)
    out: list = []
    for b in blocks:
        if isinstance(b, T.Para):
            if out:
                out.append(T.Text(" "))
            out.extend(b.children)
    return tuple(out) or (T.Text(T.plain_text(blocks)),)


def role_card_nodes(catalog: Catalog, material: Material, role_index: int, ctx: Context, level: int) -> list:
    """One role card: the shared situation, the role's public part and – for trainers, or on the role's own
    printed card (``ctx.trainer`` true there) – its confidential part."""
    role = material.roles[role_index]
    nodes = [h(level, (T.Text("Rolle: "),) + inl(role.role, ctx, catalog)),
             h(level + 1, "Die Lage"), *rich(material.situation, ctx, catalog, level=level + 2),
             h(level + 1, "Ihre Rolle"), *rich(role.public, ctx, catalog, level=level + 2)]
    if ctx.trainer:
        nodes.append(Callout("trainer", "Vertraulich – nur für diese Rolle",
                             rich(role.confidential, ctx, catalog, level=level + 2)))
    return nodes


def material_nodes(catalog: Catalog, material: Material, ctx: Context, level: int = 1) -> list:
    """A material's page: title, facts, purpose, the sheet or the role cards, trainer notes."""
    nodes = [h(level, inl(material.title, ctx, catalog), material.id), facts(catalog, material, ctx),
             h(level + 1, "Wozu"), *rich(material.purpose, ctx, catalog, level=level + 2)]
    if material.kind == "rollenkarte":
        nodes.append(h(level + 1, "Die Lage (steht auf jeder Karte)"))
        nodes += rich(material.situation, ctx, catalog, level=level + 2)
        nodes.append(h(level + 1, "Die Rollenkarten"))
        for i, role in enumerate(material.roles):
            card = [h(level + 2, (T.Text("Rolle: "),) + inl(role.role, ctx, catalog)),
                    *rich(role.public, ctx, catalog, level=level + 3)]
            if ctx.trainer:
                card.append(Callout("trainer", "Vertraulich – nur auf der Karte dieser Rolle",
                                    rich(role.confidential, ctx, catalog, level=level + 3)))
            nodes.append(Div(("koko-rollenkarte",), tuple(card)))
    else:
        nodes.append(h(level + 1, "Das Blatt" if material.kind != "handout" else "Der Text"))
        nodes.append(Div(("koko-blatt", f"koko-{material.kind}"), tuple(sheet_nodes(catalog, material, ctx, level + 1))))
    if ctx.trainer and material.trainer_notes:
        nodes.append(Callout("trainer", "Für Trainer:innen", rich(material.trainer_notes, ctx, catalog, level=level + 2)))
    return nodes


def links_for(catalog: Catalog, ids: list[str], ctx: Context) -> tuple:
    """Inline links to materials by id (for the unit and exercise pages)."""
    return render._join([render.link_or_text(ctx.link(mid), (T.Text(render.plain(catalog.material_by_id[mid].title)),))
                         for mid in ids if mid in catalog.material_by_id])


# --- photocopy masters (print) ---------------------------------------------------------------------------

def copy_masters_file(module_number: int) -> str:
    return f"kopiervorlagen-modul-{module_number}.pdf"


def _footer(catalog: Catalog, material: Material, module_number: int, role: str = "") -> str:
    meta = catalog.meta
    what = render.plain(material.title) + (f" – {role}" if role else "")
    licence = render.plain(meta.licence.spdx or meta.licence.name)
    return f"{what} · Modul {module_number} · {render.plain(meta.title)}, Stand {meta.edition_de} · Lizenz {licence}"


def card_pages(catalog: Catalog, material: Material, ctx: Context) -> list[tuple[str, list]]:
    """A card set's cards: each ``###`` heading of ``inhalt`` with the blocks after it, as (label, nodes);
    what stands before the first heading goes onto the first card. Empty for a material that is no card set."""
    if not material.card_set:
        return []
    blocks = list(rich(material.content, ctx, catalog, level=2))
    cards: list[tuple[str, list]] = []
    intro: list = []
    for b in blocks:
        if isinstance(b, T.Heading) and b.level == 2:
            cards.append((T.plain_text(b.children), [b]))
        elif cards:
            cards[-1][1].append(b)
        else:
            intro.append(b)
    if cards and intro:
        cards[0] = (cards[0][0], intro + cards[0][1])
    return cards


def copy_master_nodes(catalog: Catalog, material: Material, module_number: int, ctx: Context) -> list:
    """The pages of one participant-facing material: one sheet; the role cards, two to a page (with a cut
    line) where they fit, else one per page; or – for a card set (:attr:`Material.card_set`) – one page per
    card, in large print.

    ``ctx`` is a participants' context: no trainer notes. A role card carries its own confidential part
    (and no other role's); it is what the role holds in hand.
    """
    cards = card_pages(catalog, material, ctx)
    if cards:
        return [Div(("kopiervorlage", "karte"),
                    (h(1, inl(material.title, ctx, catalog), material.id if i == 0 else ""), *body),
                    (("fuss", _footer(catalog, material, module_number, label)),))
                for i, (label, body) in enumerate(cards)]
    if material.kind == "rollenkarte":
        cards = []
        for i, role in enumerate(material.roles):
            body = [h(1, inl(material.title, ctx, catalog), material.id if i == 0 else ""),
                    h(2, (T.Text("Rolle: "),) + inl(role.role, ctx, catalog)),
                    h(3, "Die Lage"), *rich(material.situation, ctx, catalog, level=4),
                    h(3, "Ihre Rolle – das wissen alle"), *rich(role.public, ctx, catalog, level=4),
                    Callout("hinweis", "Nur für Sie – bitte nicht vorlesen", rich(role.confidential, ctx, catalog, level=4),
                            collapsed=False)]
            cards.append(Div(("kopiervorlage",), tuple(body),
                             (("fuss", _footer(catalog, material, module_number, render.plain(role.role))),)))
        # two cards to an A4 page where both fit on their halves: the print template measures and pairs them
        return [Div(("kartensatz",), tuple(Div(("kartensatz-karte",), c.blocks, c.attrs) for c in cards))]
    if material.pocket_card:
        # four copies of the card on one page; each copy names the card, the page has one heading
        card = (para(T.Strong(inl(material.title, ctx, catalog))), *sheet_nodes(catalog, material, ctx, 1))
        # the template says "four to a page, cut" only where the card fits its quarter (else it prints it once)
        body = [h(1, inl(material.title, ctx, catalog), material.id), Div(("koko-vierfach",), card)]
    else:
        body = [h(1, inl(material.title, ctx, catalog), material.id), *sheet_nodes(catalog, material, ctx, 1)]
    return [Div(("kopiervorlage",), tuple(body), (("fuss", _footer(catalog, material, module_number)),))]


def copy_masters_document(catalog: Catalog, module_id: str):
    """The photocopy masters of a module: every participant-facing material (all kinds but ``vorlage``)."""
    from . import pdf
    module = catalog.module_by_id[module_id]
    chosen = [m for m in catalog.materials_for_module(module_id) if m.participant_facing]
    # in teaching order: by the first unit of this module that uses the material
    order = {u.id: i for i, u in enumerate(module.units)}

    def first_use(m: Material) -> int:
        uses = [order.get(u.id if u.id in catalog.units else u.unit_id, 999) for u in catalog.users_of_material(m.id)]
        return min([x for x in uses if x != 999] or [999])

    chosen.sort(key=lambda m: (first_use(m), render.plain(m.title)))
    p = pdf._Print(catalog, "teilnehmende", ids={m.id for m in chosen}, terms=())
    ctx = p.ctx
    nodes = pdf._front(catalog, ctx, "teilnehmende")
    for m in chosen:
        nodes += copy_master_nodes(catalog, m, module.number, ctx)
    meta = catalog.meta
    return pdf.Document(
        name=copy_masters_file(module.number), title=f"Kopiervorlagen Modul {module.number}",
        subtitle=f"{render.plain(module.title)} – {render.plain(meta.title)}", kind_label=f"Modul {module.number} · Kopiervorlagen",
        edition="teilnehmende", author=render.plain(meta.editor),
        facts=[("Materialien", str(len(chosen))), ("Stand", meta.edition_de), ("Herausgeber", render.plain(meta.editor))],
        nodes=nodes, keywords=["Kommunales Konfliktmanagement", f"Modul {module.number}", "Kopiervorlagen"])


def build_copy_masters(catalog: Catalog, module_id: str, out):
    from . import pdf
    return pdf.compile_pdf(catalog, copy_masters_document(catalog, module_id), out)
