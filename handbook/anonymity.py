"""Anonymisation scanner: finds text that could identify a real place, person or contact.

Only anonymous data may be published (DSGVO, recital 26). ``scan`` reports every span that names a
real place (NRW Gemeinden, Kreise, Regierungsbezirke, Köln/Duisburg districts, larger German cities and
districts outside NRW), a person after a salutation or office, or a contact detail, address, postcode,
vehicle registration, file number or a date precise to the day.

Design:

* One combined compiled regular expression with a named group per rule does the whole pass; place
  names are compiled into a character trie so that the alternation stays fast (5 MB in well under 1 s).
* Place names that are also ordinary German words ("Lage", "Essen", "Wetter", "Halle" …) are only
  reported in a place-like context (a locative preposition or "Stadt"/"Gemeinde"/"Kreis"/"im Raum"
  right before them) and not when the continuation shows the common-word use ("in Halle 3").
* Medium-ambiguity names (Münster, Hagen, Lotte, Brühl …) are reported unless an article or
  adjective shows the common noun ("das Münster") or a capitalised surname follows, which shows a
  given name ("Hagen Rether"): a bare given name without a title is not reported by this scanner.
* Generic district names (Innenstadt, Altstadt, Neustadt, Mitte, Nord, Süd) are dropped; only the
  composite forms ("Duisburg-Mitte") count.

The lists are read lazily, once, from ``handbook/data/places``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable

__all__ = ["Finding", "scan", "RULES", "gemeinden_count"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "places"

RULES = (
    "ort", "person", "email", "telefon", "url", "adresse", "plz", "kennzeichen", "aktenzeichen", "datum",
)


@dataclass(frozen=True)
class Finding:
    """One span of the scanned text that may identify a real place, person or contact."""

    start: int
    end: int
    text: str
    rule: str
    message: str
    suggestion: str


# --------------------------------------------------------------------------------------------------
# Character classes (German plus the letters common in Turkish, Polish, Balkan and Arabic-derived names)
UPPER = "A-ZÄÖÜÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
LOWER = "a-zäöüßà-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"

# --------------------------------------------------------------------------------------------------
# Place data


@dataclass(frozen=True)
class _Place:
    """What a place form refers to; used to write the message and the suggestion."""

    name: str          # canonical name as in the lists
    kind: str          # gemeinde | kreis | regbez | stadtteil | stadt_de | kreis_de
    detail: str        # German description for the message
    suggestion: str


@dataclass(frozen=True)
class _Form:
    place: _Place
    ambiguity: str     # "none" | "medium" | "high"
    derived: str = ""  # "" | "genitiv" | "adjektiv"


#: Generic district names that are never reported on their own.
GENERIC_DISTRICTS = frozenset({"Innenstadt", "Altstadt", "Neustadt", "Mitte", "Nord", "Süd", "Ost", "West"})

#: District and outside-NRW names that are also ordinary words (the NRW Gemeinden come from the
#: annotated list in the data folder; these complete it).
EXTRA_AMBIGUOUS: dict[str, str] = {
    # Köln/Duisburg districts not in the annotated list, but words, surnames or common field names
    "Rath": "medium", "Pesch": "medium", "Brück": "medium", "Blumenberg": "medium",
    "Marienburg": "medium", "Stammheim": "medium", "Langel": "medium", "Urbach": "medium",
    "Seeberg": "medium", "Laar": "medium", "Ensen": "medium", "Fahrn": "medium", "Libur": "medium",
    "Merheim": "medium", "Finkenberg": "medium", "Homberg": "medium",
    # outside NRW
    "Regen": "high", "Hof": "high", "Harz": "high", "Börde": "high", "Leer": "high",
    "Bergstraße": "high", "Roth": "medium",
    # NRW Gemeinden that are also words (issue 14): Borken = barks, "Hamm, na ja" = a hesitation
    "Borken": "medium", "Hamm": "medium", "Kiel": "medium", "Gießen": "medium",
    "Worms": "medium", "Neumarkt": "medium", "Cham": "medium", "Peine": "medium",
    "Verden": "medium", "Celle": "medium", "Stade": "medium", "Landau": "medium",
}

#: Derived forms that are ordinary words or first names; never generated.
DERIVED_STOP = frozenset({
    "Lager", "Lagern", "Hammer", "Hammern", "Werner", "Weißer", "Weißern", "Linder", "Poller", "Pollern",
    "Leerer", "Hofer", "Regener", "Rother", "Weimarer", "Escher", "Sieger", "Sender", "Frecher",
    "Weiler", "Heider", "Kalks", "Essens", "Wetters", "Regens", "Hofs", "Harzes", "Leers", "Hagens",
    "Lottes", "Lippes", "Halles", "Weidens", "Rahms", "Wahns", "Brühls", "Alpens", "Heidens", "Borkens",
    "Schlangens", "Mucher", "Roths", "Kiels",
})

#: Derived forms that are also food or everyday words: reported only before a capitalised noun.
FOOD_DERIVED = frozenset({"Hamburger", "Berliner", "Frankfurter", "Wiener", "Thüringer", "Nürnberger",
                          "Schwerter", "Schwertern"})  # also: Schwerter = swords
FOOD_NOUNS = frozenset({"Würstchen", "Würstel", "Kranz", "Pfannkuchen", "Ballen", "Bratwurst",
                        "Rostbratwurst", "Lebkuchen", "Pommes"})

#: Irregular inhabitant adjectives.
IRREGULAR_ADJ = {
    "Münster": ["Münsteraner"], "Bremen": ["Bremer"], "München": ["Münchner"],
    "Hannover": ["Hannoveraner"], "Halle (Saale)": ["Hallenser"], "Lage": ["Lagenser"],
    "Recklinghausen": ["Recklinghäuser"], "Oberhausen": ["Oberhausener"],
    "Mönchengladbach": ["Gladbacher"], "Bergisch Gladbach": ["Bergisch Gladbacher"],
}
EXTRA_ALIASES = {"Mönchengladbach": ["Gladbach"], "Sankt Augustin": ["St. Augustin"],
                 # names in other languages that are used in German texts too
                 "Köln": ["Cologne", "Keulen"], "Aachen": ["Aix-la-Chapelle", "Aken"]}

#: Whole-name forms that should not be matched on their own (federal states, generic words).
DROP_BASE = frozenset({"Brandenburg", "Neustadt", "Oder", "Land"})

# Kreise around the Rhine-Ruhr conurbation: their towns are suburbs, the rest are rural.
URBAN_KREISE = frozenset({
    "Mettmann", "Rhein-Kreis Neuss", "Recklinghausen", "Unna", "Ennepe-Ruhr-Kreis", "Wesel",
    "Rhein-Erft-Kreis", "Rhein-Sieg-Kreis", "Städteregion Aachen", "Rheinisch-Bergischer Kreis",
})


def _size_band(population: int) -> tuple[str, str]:
    """Return (article + band, band) for a population figure."""
    if population >= 100_000:
        return "eine Großstadt", "Großstadt"
    if population >= 20_000:
        return "eine Mittelstadt", "Mittelstadt"
    if population >= 5_000:
        return "eine Kleinstadt", "Kleinstadt"
    return "eine Landgemeinde", "Landgemeinde"


def _thousands(n: int) -> str:
    """German thousands separator: 331605 -> '331.605'."""
    return f"{n:,}".replace(",", ".")


def _read_csv(name: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _base(name: str) -> str:
    """Strip locators: 'Halle (Saale)' -> 'Halle', 'Frankfurt am Main' -> 'Frankfurt'."""
    base = re.split(r"\s*\(|/|\s+(?:am|an der|im|in der|i\.|a\.|v\.\s?d\.)\s*|\s+(?:a|i)\.", name)[0]
    return base.strip()


def _adjectives(name: str) -> list[str]:
    """Inhabitant/adjective stems: 'Bielefeld' -> 'Bielefelder', 'Herne' -> 'Herner'."""
    if not name[-1:].isalpha():
        return []
    out = [name + "r" if name.endswith("e") else name + "er"]
    if name.endswith("ingen"):
        out.append(name[:-2] + "er")  # Solingen -> Solinger
    if name.endswith("hausen"):
        out.append(name[:-6] + "häuser")
    return out


def _inflections(name: str) -> list[tuple[str, str]]:
    """Genitive and adjectival forms of a name, each with its derivation label."""
    forms: list[tuple[str, str]] = []
    if not name.endswith(("s", "ß", "z", "x", "ce")):
        forms.append((name + "s", "genitiv"))
    for adj in _adjectives(name) + IRREGULAR_ADJ.get(name, []):
        for suffix in ("", "in", "innen", "n"):
            forms.append((adj + suffix, "adjektiv"))
    return [(f, d) for f, d in forms if f not in DERIVED_STOP]


@cache
def _ambiguity() -> dict[str, str]:
    """Name -> 'high' | 'medium' for names that are also ordinary words ('low' counts as none)."""
    levels: dict[str, str] = {}
    for name in (DATA_DIR / "ambiguous_names.txt").read_text(encoding="utf-8").split():
        levels[name] = "high"
    for row in _read_csv("ambiguous_names_annotated.tsv", "\t"):
        sev = row["severity"]
        if row["level"] == "stadtteil":
            levels[row["name"]] = "high" if sev == "high" else "medium"
        elif sev in ("high", "medium"):
            levels[row["name"]] = sev
    levels.update(EXTRA_AMBIGUOUS)
    return levels


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_STRIP = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})


@cache
def _places() -> dict[str, _Form]:
    """All surface forms of all places, keyed by the form with single spaces."""
    amb = _ambiguity()
    forms: dict[str, _Form] = {}

    def add(form: str, place: _Place, level: str = "none", derived: str = "") -> None:
        form = " ".join(form.split())
        if not form or form in forms or form in GENERIC_DISTRICTS or form in DROP_BASE:
            return
        forms[form] = _Form(place, level, derived)
        ascii_form = form.translate(_TRANSLIT)
        if ascii_form != form and ascii_form not in forms:  # "Koeln", "Muenster", "Duesseldorf"
            forms[ascii_form] = _Form(place, level, derived)
        stripped = form.translate(_STRIP)
        if stripped != form and stripped not in forms:  # "Koln", "Dusseldorf" (English spelling): read with care
            forms[stripped] = _Form(place, level if level in ("high", "food") else "medium", derived)

    def add_with_inflections(name: str, place: _Place) -> None:
        level = amb.get(name, "none")
        add(name, place, level)
        for form, derived in _inflections(name):
            if form in FOOD_DERIVED:
                add(form, place, "food", derived)
            elif derived == "genitiv":
                add(form, place, level, derived)
            else:
                add(form, place, "none", derived)

    gemeinden = _read_csv("nrw_gemeinden_full.csv")
    kreise = _read_csv("nrw_kreise.csv")
    kreis_names = {k["name"] for k in kreise}

    # Kreise first for the names that are only Kreise; Gemeinde names shared with a Kreis are
    # reported as Gemeinde (the more identifying reading).
    for row in gemeinden:
        pop = int(row["einwohner"] or 0)
        band, _ = _size_band(pop)
        if row["kreistyp"] == "Kreisfreie Stadt" or pop >= 150_000:
            region = "im Ballungsraum"
        elif row["kreis_name"] in URBAN_KREISE:
            region = "im Umland einer Großstadt"
        else:
            region = "im ländlich geprägten Raum"
        kind = "kreisfreie Stadt" if row["gemeindetyp"] == "Kreisfreie Stadt" else row["gemeindetyp"]
        kreis = "" if row["kreistyp"] == "Kreisfreie Stadt" else f", Kreis {row['kreis_name']}"
        detail = (f"Gemeinde in NRW, Regierungsbezirk {row['regbez_name']}{kreis}; "
                  f"{kind}, {_thousands(pop)} Einw.")
        place = _Place(row["name"], "gemeinde", detail, f"{band} {region}")
        names = [row["name_basis"], row["name"], row["name_amtlich"].split(",")[0]]
        names += [a for a in row["aliases"].split(";") if a]
        names += EXTRA_ALIASES.get(row["name"], [])
        for name in dict.fromkeys(names):
            add_with_inflections(name, place)

    for row in kreise:
        name = row["name"]
        rural = name not in URBAN_KREISE
        sugg = "ein ländlich geprägter Kreis" if rural else "ein Kreis im Umland des Ballungsraums"
        place = _Place(name, "kreis", "Kreis in NRW", sugg)
        if name == "Städteregion Aachen":
            for f in ("Städteregion Aachen", "StädteRegion Aachen", "Städteregion"):
                add(f, place)
            continue
        core = name
        for f in (f"Kreis {core}", f"Kreises {core}", f"Landkreis {core}", f"{core}-Kreis",
                  f"{core}-Kreises"):
            add(f, place)
        if "reis" in name:  # Rhein-Sieg-Kreis, Hochsauerlandkreis, Oberbergischer Kreis
            add(name, place)
            if name.endswith("kreis") or name.endswith("-Kreis"):
                add(name + "es", place)
            if name.endswith("er Kreis"):
                stem = name[: -len("er Kreis")]
                add(stem + "en Kreis", place)
                add(stem + "e Kreis", place)
                add(stem + "en Kreises", place)
            if name == "Rhein-Kreis Neuss":
                add("Rhein-Kreises Neuss", place)
        else:
            add_with_inflections(core, place)

    for row in _read_csv("nrw_regierungsbezirke.csv"):
        place = _Place(row["name"], "regbez", "Regierungsbezirk in NRW",
                       "eine Region in NRW, z. B. 'im Westen des Landes'")
        for pre in ("Regierungsbezirk", "Regierungsbezirks", "Regierungsbezirkes", "Bezirksregierung"):
            add(f"{pre} {row['name']}", place)

    for row in _read_csv("nrw_stadtteile_full.csv"):
        place = _Place(row["district"], "stadtteil",
                       f"{row['level']} von {row['city']}", "ein Stadtteil einer Großstadt")
        names = [row["district"]] + row["parts"].split(";")
        for name in names:
            if "/" in name or name in GENERIC_DISTRICTS:
                continue
            add_with_inflections(name, place)

    for row in _read_csv("de_staedte_ab_50000_ausser_nrw.csv"):
        pop = int(row["einwohner"] or 0)
        band, _ = _size_band(pop)
        place = _Place(row["name"], "stadt_de",
                       f"Stadt außerhalb von NRW, {_thousands(pop)} Einw.",
                       f"{band} in einem anderen Bundesland")
        for name in dict.fromkeys([row["name"], _base(row["name"])]):
            add_with_inflections(name, place)

    for row in _read_csv("de_kreise_ausser_nrw.csv"):
        name = row["name"]
        place = _Place(name, "kreis_de", "Kreis oder kreisfreie Stadt außerhalb von NRW",
                       "ein Kreis in einem anderen Bundesland")
        base = _base(name)
        add(name, place, amb.get(name, "none"))
        for f in (f"Landkreis {base}", f"Kreis {base}", f"Landkreises {base}"):
            add(f, place)
        if base != name:
            add(base, place, amb.get(base, "none"))
        elif "reis" not in name:
            add_with_inflections(name, place)
        else:
            add(name + "es", place)
    return forms


def gemeinden_count() -> int:
    """Number of NRW Gemeinden loaded (396 for Gebietsstand 2025)."""
    return len(_read_gemeinde_ags())


@cache
def _read_gemeinde_ags() -> frozenset[str]:
    return frozenset(row["ags"] for row in _read_csv("nrw_gemeinden_full.csv"))


# --------------------------------------------------------------------------------------------------
# Regex building


def _trie_regex(words: Iterable[str]) -> str:
    """Compile words into a trie-shaped alternation; a space matches any run of whitespace."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
        return body

    return emit(trie)


#: Offices and roles after which a capitalised token is read as a personal name.
_OFFICES_M = [
    "Bürgermeister", "Oberbürgermeister", "Bezirksbürgermeister", "Vizebürgermeister", "Ex-Bürgermeister",
    "Altbürgermeister", "Pfarrer", "Pastor", "Rabbiner", "Dezernent", "Rektor", "Konrektor",
    "Schulleiter", "Polizeipräsident", "Stadtdirektor", "Ortsvorsteher", "Amtsleiter", "Superintendent",
    "Staatssekretär", "Minister", "Kommissar", "Hauptkommissar", "Direktor", "Bürgermeisterkandidat",
]
_OFFICES_OTHER = [
    "Landrat", "Landrätin", "Imam", "Beigeordnete", "Beigeordneter", "Beigeordneten", "Kämmerer",
    "Kämmerin", "Ratsherr", "Ratsfrau", "Stadtrat", "Stadträtin", "Fraktionsvorsitzende",
    "Fraktionsvorsitzender", "Integrationsbeauftragte", "Integrationsbeauftragter",
    "Gleichstellungsbeauftragte", "Gleichstellungsbeauftragter", "Vorsitzende", "Vorsitzender",
]
_SALUTATIONS = ["Frau", "Herr", "Herrn", "Dr.", "Prof.", "Dr. med.", "Dr. phil.", "Dr. jur.",
                "Dr. rer. nat.", "Dipl.-Ing.", "Dipl.-Päd.", "Dipl.-Soz.-Päd."]
OFFICE_WORDS = tuple(
    [o + g for o in _OFFICES_M for g in ("", "in", ":in", "*in", "_in", "In")] + _OFFICES_OTHER
)
NAME = rf"[{UPPER}][{LOWER}]+(?:['’][{LOWER}]+)?(?:-[{UPPER}][{LOWER}]+)?"

STREET_WORDS = (
    "straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring", "damm", "ufer", "chaussee",
    "pfad", "steig", "stieg", "wall", "graben", "markt", "promenade", "kamp",
    "Straße", "Strasse", "Str.", "Weg", "Platz", "Allee", "Gasse", "Ring", "Damm", "Ufer", "Chaussee",
    "Markt", "Wall", "Graben", "Brühl", "Kirchplatz", "Marktplatz",
)
HOUSE_NO = r"\d{1,4}(?:\s?[a-hA-H](?!\w))?(?:\s?[-–/]\s?\d{1,4}[a-h]?)?(?![\d,.]\d|\w)"
_STREET_PREFIX = re.compile(
    rf"(?<![\w-])(?:Am|An\s+der|An\s+den|Auf\s+dem|Auf\s+der|Im|In\s+der|Zum|Zur|Hinter\s+der|"
    rf"Unter\s+den|Alte|Alter|Neue|Neuer|Große|Großer|Kleine|Kleiner|(?!(?:Die|Der|Das|Eine|Diese|Jede|Jeder|"
    rf"Seine|Ihre|Unsere|Welche|Keine|Einen|Einer|Eines|Diesen|Dieser)\s)[{UPPER}][{LOWER}]+(?:er|e|es|en))\s+(?:[{UPPER}][{LOWER}]+\s+)?$"
)
_STREET_COMPOUND = re.compile(rf"(?<![\w-])[{UPPER}][\w]*(?:-[\w]+)*-$")
_STREET_WORD_START = re.compile(rf"(?<![\w-])[{UPPER}][\w-]*$")

PLZ_STOP = frozenset({
    "Euro", "EUR", "Einwohner", "Einwohnerinnen", "Einwohnern", "Menschen", "Personen", "Besucher",
    "Besucherinnen", "Teilnehmende", "Teilnehmer", "Stimmen", "Mitglieder", "Haushalte", "Kinder",
    "Schüler", "Schülerinnen", "Jahre", "Stunden", "Tonnen", "Quadratmeter", "Kilometer", "Meter",
    "Exemplare", "Unterschriften", "Follower", "Fälle", "Anträge", "Wohnungen", "Plätze", "Beschäftigte",
    "Zuschauer", "Zugriffe", "Aufrufe", "Seiten", "Stück", "Liter", "Kilogramm", "Mal", "Bürger",
    "Bürgerinnen", "Geflüchtete", "Geflüchteten", "Nutzer", "Nutzerinnen", "Abonnenten", "Klicks",
})
KENNZEICHEN_STOP = frozenset({"DIN", "ISO", "SGB", "EN", "GG", "BGB", "DB", "TOP", "KW", "NR", "NRW",
                              "EU", "UN", "IC", "ICE"})

#: Rule priority for overlapping candidates (lower wins).
PRIORITY = {rule: i for i, rule in enumerate(
    ("email", "url", "telefon", "datum", "aktenzeichen", "adresse", "kennzeichen", "plz", "person", "ort"))}


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled pattern per rule family.

    Every pattern starts with a literal or a character class and carries no leading look-behind,
    so that CPython's regex engine can skip non-candidate positions in C (a single alternation of all
    rules cannot be skipped this way and was ten times slower). Left word boundaries are checked in
    Python on the few candidates instead.
    """
    domain = r"[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
    months = _trie_regex(MONTHS)
    raw = {
        "email": rf"@{domain}|\((?:at|AT)\)\s?{domain}|\[(?:at|AT)\]\s?{domain}",
        "url": (r"https?://[^\s<>\"'\]\[]+|www\.[^\s<>\"'\]\[]+"
                r"|\.(?:de|com|org|net|nrw|eu|info|io)(?![\w-])(?:/[^\s<>\"']*)?"),
        "telefon": (r"\+49[\s/-]*(?:\(0\)[\s/-]*)?\d{2,5}(?:[\s/-]*\d{2,}){1,4}(?:-\d{1,4})?"
                    r"|0049[\s/-]*\d{2,5}(?:[\s/-]*\d{2,}){1,4}(?:-\d{1,4})?"
                    r"|\(0\d{2,5}\)[\s/-]*\d{2,}(?:[\s-]\d{1,5})*"
                    r"|0[1-9]\d{1,4}(?:\s?/\s?|\s|-)\d{2,}(?:[\s-]\d{1,5})*(?![\d.,]\d)"
                    r"|0[1-9]\d{8,12}(?!\d)"),
        "datum": (rf"\d(?:\d?\.\s?{months}(?:\s+(?:19|20)\d\d(?!\d))?(?!\w)"
                  r"|\d?\.\d\d?\.(?:(?:19|20)?\d\d(?!\d))?(?!\d)"
                  r"|\d{3}-\d\d-\d\d(?!\d))"),
        "aktenzeichen": (r"(?:Az\.|AZ\b|Aktenz\.|Aktenzeichen|Geschäftszeichen|Gz\.|Drucksache|Drs\.|"
                         r"Vorlagen?-?(?:Nr\.|nummer)|Beschluss-?Nr\.|Vorgangs(?:nummer|-?Nr\.))"
                         r"\s*:?\s*[\w./-]*\d[\w./-]*(?:\s+[\w./-]*\d[\w./-]*)*"),
        "aktenzeichen_gericht": r"\d\d{0,2}\s[A-Z][A-Za-z]{0,3}\s\d{1,5}/\d{2,4}(?:\.[A-Z]+)?(?![\w/])",
        "adresse": _trie_regex(STREET_WORDS) + rf"\s+{HOUSE_NO}",
        "kennzeichen": r"[A-ZÄÖÜ][A-ZÄÖÜ]{0,2}(?:-|\s)[A-Z][A-Z]?[\s-]?\d\d{0,3}[EH]?(?!\w|[,.]\d)",
        "plz": r"\d\d{4}(?!\d)",
        "person": (rf"(?P<ptitle>{_trie_regex(OFFICE_WORDS + tuple(_SALUTATIONS))}"
                   rf"(?:\s+{_trie_regex(OFFICE_WORDS + tuple(_SALUTATIONS))})*)"
                   rf"(?=\s)(?P<pnames>\s+{NAME}(?:\s+{NAME})?)(?!\w)"),
        "ort": _trie_regex(sorted(_places(), key=len, reverse=True)) + r"(?!\w)",
    }
    return tuple((rule, re.compile(rx)) for rule, rx in raw.items())


MONTHS = ("Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember", "Jan.", "Feb.", "Febr.", "Mär.", "Apr.", "Jun.", "Jul.",
          "Aug.", "Sep.", "Sept.", "Okt.", "Nov.", "Dez.")
MONTH_SEASON = {
    "Jan": "im Winter", "Jän": "im Winter", "Feb": "im Winter", "Mär": "im Frühjahr", "Apr": "im Frühjahr",
    "Mai": "im Frühjahr", "Jun": "im Sommer", "Jul": "im Sommer", "Aug": "im Sommer",
    "Sep": "im Herbst", "Okt": "im Herbst", "Nov": "im Herbst", "Dez": "im Winter",
}


# --------------------------------------------------------------------------------------------------
# Context rules for ambiguous names

#: Words right before an ambiguous name that make it a place ("in Lage", "Stadt Halle", "im Raum Essen").
_PLACE_PREPOSITIONS = frozenset({
    "in", "aus", "nach", "bei", "von", "nahe", "bis", "gen", "zwischen", "richtung", "ab", "über",
})
_PLACE_NOUNS = frozenset({
    "Kreis", "Landkreis", "Raum", "Großraum", "Stadtteil", "Ortsteil", "Stadtbezirk", "Bezirk", "Stadtgebiet",
    "Gemeindegebiet", "Stadtverwaltung", "Gemeindeverwaltung", "Kreisverwaltung", "Kreises", "Ort",
})
_PLACE_NOUN_ENDINGS = ("stadt", "gemeinde", "kommune")
_COORDINATORS = frozenset({"und", "oder", "sowie", "bzw.", "&"})
_DETERMINERS = frozenset("""
der die das des dem den ein eine einer eines einem einen im ins am vom zum zur beim sein seine seiner
seines seinem seinen ihr ihre ihrer ihres ihrem ihren unser unsere unserer unseres unserem unseren
dieser diese dieses diesem diesen jeder jede jedes jedem jeden kein keine keiner keines keinem keinen
""".split())


def _has_place_context(before: str) -> bool:
    """True if the words before an ambiguous name mark it as a place."""
    if before.endswith("-"):  # "Köln-Kalk": compound with a certain place name
        head = before.rsplit(None, 1)[-1][:-1].rsplit("-", 1)[-1]
        form = _places().get(head)
        return form is not None and form.ambiguity == "none"
    if not before[-1:].isspace():
        return False
    words = before.split()
    if not words:
        return False
    prev = words[-1]
    low = prev.lower()
    if len(words) > 1 and words[-2].lower() == "je":  # "je nach Lage"
        return False
    if low in _PLACE_PREPOSITIONS or prev in _PLACE_NOUNS or low.endswith(_PLACE_NOUN_ENDINGS):
        return True
    if len(prev) == 5 and prev.isdigit():  # postcode: "57072 Siegen"
        return True
    # coordination with a certain place: "Detmold, Lage und Bielefeld", "Bünde oder Enger"
    other = prev[:-1] if prev.endswith(",") else (words[-2].rstrip(",") if low in _COORDINATORS
                                                    and len(words) > 1 else "")
    form = _places().get(other) if other else None
    return form is not None and form.ambiguity == "none"


def _has_common_marker(before: str) -> bool:
    """True if an article, determiner or adjective shows the common-noun reading ('das Münster')."""
    if not before[-1:].isspace():
        return False
    words = before.split()
    if not words:
        return False
    prev = words[-1]
    if prev.lower() in _DETERMINERS:
        return True
    if prev.islower() and prev.endswith(("e", "en", "er", "es", "em")):
        return True
    return prev[:1].isupper() and prev.endswith(("er", "s")) and prev not in _places()


_PLACE_NOUN_AFTER = re.compile(
    r"\s+(?:Innenstadt|Oberbürgermeister\w*|Bürgermeister\w*|Stadtrat|Stadtrats|Rathaus|Stadtverwaltung|"
    r"Hauptbahnhof|Hbf\.?|Norden|Süden|Westen|Osten|Stadtteil\w*|Einwohner\w*|Bevölkerung|Stadtgebiet)\b"
)
_NAME_AFTER = re.compile(rf"\s+[{UPPER}][{LOWER}]+\b")

#: Continuations that show the common-word reading even after a preposition.
_COMMON_AFTER: dict[str, re.Pattern[str]] = {k: re.compile(v) for k, v in {
    "Essen": (r"\s+(?:und\s+(?:Trinken|Getränke\w*)|auf\s+Rädern|zu\s+sich|gefragt|fragen|fragten|fragte|"
              r"gesucht|verlangt|gebeten|angeboten|ausgegeben|gekocht|bestellt|geholt|gebracht|verteilt|serviert|"
              r"gab|gibt|war|ist|wurde|wird)\b"),
    "Hamm": r",?\s+(?:na\b|ja\b|hm\b|äh\b)",
    "Borken": r"\s+(?:der|des|von|vom|alter|alten|dicker|dicken)\b",
    "Lage": r"\s+(?:sein|versetzt|gewesen|der\s+Dinge)\b",
    "Halle": r"\s*(?:\d|[A-Z]\b)",
    "Schlangen": r"\s+(?:stehen|standen|anstehen|angestanden|warten|gewartet|vor\b)",
    "Geldern": r"\s+(?:des|der|von|aus|für|im|zur|zum|finanziert)\b",
    "Löhne": r"\s+(?:und\s+(?:Gehälter|Preise|Mieten)|steigen|gestiegen|sinken)",
    "Siegen": r"\s+(?:und\s+Niederlagen|über|gegen|der|des)\b",
    "Weiß": r"\s+(?:gekleidet|gehalten|gestrichen|und\s+(?:Blau|Rot|Schwarz|Grün|Gold))",
    "Kalk": r"\s+(?:und\s+(?:Sand|Zement|Mörtel|Gips|Kreide)|gebrannt|bestehen|besteht)",
    "Heiden": r"\s+und\s+Christen",
    "Datteln": r"\s+(?:und|gefüllt|hergestellt|gemacht|gesüßt)",
    "Wetter": r"\s+(?:war|ist|wird|wurde|und\s+Wind)\b",
    "Senden": r"\s+(?:und\s+Empfangen|von\s+(?:Nachrichten|Daten))",
}.items()}

# --------------------------------------------------------------------------------------------------
# Person name plausibility

_NOT_A_NAME = frozenset("""
Abend Absprache Akten Amt Ämter Anfang Angebot Anliegen Anruf Antrag Antwort Anwohner Anwohnende
Arbeit Argumente Aufgabe Auftrag Augen Ausschuss Auskunft Bedenken Begrüßung Beginn Bericht Bescheid
Beschluss Beschwerde Besuch Bürger Bürgerinnen Bürgern Büro Dank Debatte Druck Ehrenamt Eltern
Ende Entscheidung Ergebnis Eröffnung Erklärung Fehler Frage Fragen Gast Gäste Geld Gemeinde Gespräch
Gespräche Glück Grüße Gruppe Haltung Hand Haus Hilfe Hinweis Idee Ideen Interesse Interview Jahr Jahre
Jugendliche Kinder Kirche Kollege Kollegen Kollegin Kontakt Kritik Lage Leitung Lob Meinung Mitte
Mitglieder Mitarbeitende Moschee Nachricht Nachbarn Name Namen Öffentlichkeit Ort Partei Platz Plan
Polizei Position Presse Problem Probleme Protokoll Rat Rathaus Recht Rede Regeln Rolle Runde Sache
Schule Schulen Schuld Sitzung Sorge Sorgen Stadt Stadtrat Stellung Stimme Streit Stunden Tage Team
Teil Termin Termine Thema Themen Unterstützung Ursache Verantwortung Verein Vereine Verwaltung Vorschlag
Vorschläge Vorwürfe Wert Wort Worte Zeit Ziel Zusagen Zweifel Zeitung Freitagsgebet Gottesdienst
Predigt Gemeindearbeit Jugendarbeit Elternabend Elternabende Elternvertretung Schulkonferenz
Doktor Professor Direktor Direktorin Dezernat Kreis Landrat Bürgermeister Bürgermeisterin
Dr Prof Dipl Der Die Das Den Dem Des Ein Eine Einer Eines Einem Einen Und Oder Aber Als Am Im In Mit Nach Von Vom
Zum Zur Bei Auf Aus Für Über Unter Vor Seit Wie Was Wer Wo Wenn Dass Doch Nur Auch Noch Schon Es Er
Sie Wir Ihr Man Ich Du Hier Dort Heute Morgen Gestern Jetzt Dann Damals Später Zuvor Bitte Danke
Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März April Mai Juni Juli
August September Oktober November Dezember Frühjahr Sommer Herbst Winter
""".split())
_NOUN_SUFFIX = re.compile(
    r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|sion|tät|täten|nis|nisse|ismus|"
    r"ment|mente|ium|ien|ität|anz|enz|ei|eien|gebiet|gespräch|gespräche|arbeit|verwaltung|amt|ämter|"
    r"rat|räte|stelle|stellen|zentrum|runde|sitzung|schule|schulen|verein|gruppe|leute|kinder|eltern|"
    r"plan|pläne|konzept|projekt|antrag|ausschuss|fest|feier|büro|haus|häuser)$"
)


def _plausible_name(token: str) -> bool:
    if token in _NOT_A_NAME or token.rstrip("s") in _NOT_A_NAME:
        return False
    if len(token) > 5 and _NOUN_SUFFIX.search(token.lower()):
        return False
    form = _places().get(token)
    if form is not None and form.ambiguity == "none":
        return False  # "Bürgermeister Bielefelds": let the place rule report it
    return True


# --------------------------------------------------------------------------------------------------
# Scanning


def _place_finding(text: str, start: int, end: int) -> Finding | None:
    matched = text[start:end]
    form = _places().get(" ".join(matched.split()))
    if form is None:
        return None
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]

    if form.ambiguity == "food":
        nxt = re.match(rf"\s+([{UPPER}][{LOWER}]+)", after)
        if not nxt or nxt.group(1) in FOOD_NOUNS:
            return None
    elif form.ambiguity in ("high", "medium"):
        common = _COMMON_AFTER.get(matched) or _COMMON_AFTER.get(_base(form.place.name))
        if common and common.match(after):
            return None
        # "über Essen und Gebetszeiten": coordinated with a noun that is no place -> the common word
        coord = re.match(rf"\s+(?:und|oder|sowie)\s+([{UPPER}][{LOWER}]+)", after)
        if coord and form.ambiguity == "high" and coord.group(1) not in _places():
            return None
        context = _has_place_context(before)
        if not context and _PLACE_NOUN_AFTER.match(after):
            context = True
        if not context:
            if form.ambiguity == "high" or form.derived:
                return None
            # medium: a determiner or adjective shows the common noun; a following capitalised
            # word shows a given name ("Hagen Rether", "Lotte Reiniger").
            if _has_common_marker(before) or _NAME_AFTER.match(after) or after.startswith("-"):
                return None
    place = form.place
    prefix = "abgeleitete Form von " + place.name + "; " if form.derived else ""
    return Finding(start, end, matched, "ort", f"Ortsname '{matched}' ({prefix}{place.detail})",
                   place.suggestion)


def _season(matched: str) -> str:
    year = re.search(r"(?:19|20)\d{2}", matched)
    season = ""
    month = re.search(r"[A-ZÄ][a-zä]{2}", matched)
    if month:
        season = MONTH_SEASON.get(month.group(0), "")
    else:
        nums = re.findall(r"\d+", matched)
        if re.match(r"\d{4}-", matched):
            m = int(nums[1])
        else:
            m = int(nums[1]) if len(nums) > 1 else 0
        season = {12: "im Winter", 1: "im Winter", 2: "im Winter", 3: "im Frühjahr", 4: "im Frühjahr",
                  5: "im Frühjahr", 6: "im Sommer", 7: "im Sommer", 8: "im Sommer", 9: "im Herbst",
                  10: "im Herbst", 11: "im Herbst"}.get(m, "")
    if year:
        year_text = year.group(0)
        if len(year_text) == 2:
            year_text = "20" + year_text
        return f"Nur Jahreszeit und Jahr angeben, z. B. '{season or 'im'} {year_text}'".replace("'im ", "'im ")
    return f"Nur Jahreszeit oder Jahr angeben, z. B. '{season or 'im Jahr …'}'"


_FIXED = {
    "email": ("E-Mail-Adresse '{t}'", "Kontaktdaten entfernen, z. B. 'über die Geschäftsstelle erreichbar'"),
    "url": ("Internetadresse '{t}'", "Link entfernen oder auf eine allgemeine Quelle ohne Bezug zur Kommune verweisen"),
    "telefon": ("Telefonnummer '{t}'", "Telefonnummer entfernen"),
    "adresse": ("Straße mit Hausnummer '{t}'", "Adresse entfernen, z. B. 'ein Gebäude in der Innenstadt'"),
    "plz": ("Postleitzahl '{t}'", "Postleitzahl entfernen"),
    "kennzeichen": ("Kfz-Kennzeichen '{t}'", "Kennzeichen entfernen, z. B. 'ein Auto mit auswärtigem Kennzeichen'"),
    "aktenzeichen": ("Aktenzeichen oder Drucksachennummer '{t}'", "Nummer entfernen, z. B. 'ein Ratsbeschluss'"),
}


_LOCAL_PART = re.compile(r"[\w.+-]+\s?$")
_DOMAIN_BEFORE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_DATE_PARTS = re.compile(r"(\d{1,4})[.-]\s?(\d{1,2}|[^\W\d]+)")


def _left_ok(text: str, start: int, forbidden: str = "") -> bool:
    """True if ``start`` begins a token: no letter/digit (or one of ``forbidden``) right before it."""
    if start == 0:
        return True
    ch = text[start - 1]
    return not (ch.isalnum() or ch == "_" or ch in forbidden)


def _valid_date(matched: str) -> bool:
    nums = re.findall(r"\d+", matched)
    if re.match(r"\d{4}-", matched):
        year, month, day = (int(n) for n in nums[:3])
        return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31
    day = int(nums[0])
    if not 1 <= day <= 31:
        return False
    if re.match(r"\d{1,2}\.\d", matched):
        return 1 <= int(nums[1]) <= 12
    return True


def _person(text: str, m: re.Match[str]) -> Finding | None:
    names_start = m.start("pnames")
    kept: list[tuple[int, int]] = []
    for tok in re.finditer(r"\S+", m.group("pnames")):
        s, e = tok.start() + names_start, tok.end() + names_start
        if not _plausible_name(text[s:e]):
            break
        kept.append((s, e))
    if not kept:
        return None
    start, end = m.start(), kept[-1][1]
    matched = text[start:end]
    title = m.group("ptitle")
    office = next((w for w in sorted(OFFICE_WORDS, key=len, reverse=True) if w in title), None)
    if office:
        feminine = office.endswith(("in", "In", "frau", "Beigeordnete", "beauftragte", "Vorsitzende"))
        role = re.sub(r"[:*_]?[iI]n$", "in", office) if feminine else office
        sugg = f"Rolle statt Name, z. B. '{'die' if feminine else 'der'} {role}'"
    elif title.startswith("Frau"):
        sugg = "Rolle statt Name, z. B. 'eine Mitarbeiterin der Verwaltung'"
    elif title.startswith("Herr"):
        sugg = "Rolle statt Name, z. B. 'ein Mitarbeiter der Verwaltung'"
    else:
        sugg = "Rolle statt Name, z. B. 'eine Ärztin' oder 'ein Sachverständiger'"
    return Finding(start, end, matched, "person", f"Personenname '{matched}'", sugg)


def _make(rule: str, text: str, m: re.Match[str]) -> Finding | None:
    """Validate one regex match and turn it into a Finding (None for a rejected candidate)."""
    start, end = m.start(), m.end()
    if rule == "ort":
        return _place_finding(text, start, end) if _left_ok(text, start) else None
    if rule == "person":
        return _person(text, m) if _left_ok(text, start, "-") else None
    if rule == "email":
        local = _LOCAL_PART.search(text, max(0, start - 64), start)
        if local is None:
            return None
        start = local.start()
    elif rule == "url":
        if text[start] == ".":  # bare domain: extend to the left
            dom = _DOMAIN_BEFORE.search(text, max(0, start - 100), start)
            if dom is None or not _left_ok(text, dom.start(), "@./:-"):
                return None
            start = dom.start()
        elif not _left_ok(text, start, "/.@"):
            return None
    elif rule == "telefon":
        if not _left_ok(text, start, ".,/-+") or not 6 <= sum(c.isdigit() for c in m.group(0)) <= 15:
            return None
    elif rule == "datum":
        if not _left_ok(text, start, ".") or not _valid_date(m.group(0)):
            return None
        if _word_before(text, start).lower() in _NUMBER_WORDS:  # "Version 1.2.", "Kapitel 2.3."
            return None
    elif rule == "aktenzeichen_gericht":
        if not _left_ok(text, start, "/."):
            return None
        rule = "aktenzeichen"
    elif rule == "aktenzeichen":
        if not _left_ok(text, start):
            return None
    elif rule == "kennzeichen":
        if not _left_ok(text, start, "-") or re.split(r"[\s-]", m.group(0))[0] in KENNZEICHEN_STOP:
            return None
    elif rule == "plz":
        if text[max(0, start - 2):start] == "D-" and _left_ok(text, start - 2):
            start -= 2
        elif not _left_ok(text, start, "-.,"):
            return None
        else:
            nxt = re.match(rf"\s+([{UPPER}][{LOWER}]*)", text[end:end + 40])
            if nxt is None or nxt.group(1) in PLZ_STOP:
                return None
    elif rule == "adresse":
        before = text[max(0, start - 80):start]
        if text[start].islower():
            head = _STREET_WORD_START.search(before)
        else:
            head = _STREET_COMPOUND.search(before) or _STREET_PREFIX.search(before)
            if head is None and not _left_ok(text, start):
                return None
        if head is None:
            return None
        start -= len(before) - head.start()
    if rule in ("url", "aktenzeichen", "email"):
        while end > start and text[end - 1] in ".,;:!?)-/`'\"“”»":
            end -= 1
        if rule == "url" and "://" in text[start:end + 3] and not re.search(r"://[\w-]", text[start:end]):
            return None  # "https://…": a placeholder, no address
    matched = text[start:end]
    if rule == "telefon":
        matched = matched.rstrip(" -/")
        end = start + len(matched)
    if rule == "datum":
        return Finding(start, end, matched, "datum", f"Tagesgenaues Datum '{matched}'", _season(matched))
    msg, sugg = _FIXED[rule]
    return Finding(start, end, matched, rule, msg.format(t=matched), sugg)


def _resolve(candidates: list[Finding]) -> list[Finding]:
    """Sort by start and drop overlaps: the higher-priority rule wins, then the longer span."""
    candidates.sort(key=lambda f: (f.start, PRIORITY[f.rule], -(f.end - f.start)))
    kept: list[Finding] = []
    for f in candidates:
        while kept and f.start < kept[-1].end:
            last = kept[-1]
            if last.start <= f.start and f.end <= last.end:
                better = False  # contained in the previous span: the longer span wins
            elif f.start <= last.start and last.end <= f.end:
                better = True
            else:
                better = PRIORITY[f.rule] < PRIORITY[last.rule]
            if not better:
                break
            kept.pop()
        else:
            kept.append(f)
    return kept


def _scan_plain(text: str, words: set[str] | None = None) -> list[Finding]:
    """The rules on already normalised text (offsets into ``text``), sorted by start, non-overlapping.

    With ``words`` (the set of letter runs of ``text``) the place rule is anchored: the trie is tried only
    at the words that begin a place name (one set intersection), instead of at every capital letter."""
    candidates: list[Finding] = []
    for rule, pattern in _patterns():
        if rule == "ort" and words is not None:
            for pos in _variant_positions(text, words & _place_first_words()):
                m = pattern.match(text, pos)
                if m is not None and (finding := _make(rule, text, m)) is not None:
                    candidates.append(finding)
            continue
        for m in pattern.finditer(text):
            finding = _make(rule, text, m)
            if finding is not None:
                candidates.append(finding)
    return _resolve(candidates)


@cache
def _place_first_words() -> frozenset[str]:
    """The first letter run of every place form, as written."""
    out = set()
    for form in _places():
        m = re.match(r"[^\W\d_]+", form)
        if m:
            out.add(m.group(0))
    return frozenset(out)


# --------------------------------------------------------------------------------------------------
# Normalisation: what the author wrote -> what the rules read, with a map back
#
# Spelling must not defeat the rules: ``KÖLN``, ``köln``, ``Köl\u00adn`` (soft hyphen), a zero-width space
# inside a name, Cyrillic or Greek look-alike letters, fullwidth letters, decomposed umlauts (NFD) and
# letter-spaced ``K ö l n`` all read as ``Köln``. The normalised text keeps the author's capitalisation
# (the context rules for ambiguous names need it); case is folded where names are compared. Every change
# is recorded as a piece (normalised span -> original span) so that findings point at the original text.

#: Combining marks that NFKC composes with the letter before them.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
#: Invisible characters that are not Unicode format characters but serve the same purpose.
_INVISIBLE_EXTRA = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
#: Scripts whose letters are confusable with Latin ones; a mapped letter is read as its Latin skeleton.
_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "MATHEMATICAL")
_SPACE_SEPARATORS = " \u00a0\u2009\u202f\u2007\u2002\u2003\u2004\u2005\u2006\u200a"
_LETTER = rf"[^\W\d_][{_COMBINING}]*"
#: Three or more single letters, each separated by one space: letter-spaced words ("K ö l n").
_SINGLE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")
#: Cheap pre-test (starts with a space, so the engine skips in C): a letter between two separators.
_SPACED_HINT = re.compile(rf"[{_SPACE_SEPARATORS}.\-·_*]{_LETTER}[{_SPACE_SEPARATORS}.\-·_*][^\W\d_]")
#: The same separator between single letters throughout: "K ö l n", "K-ö-l-n", "K.ö.l.n", "K_ö_l_n".
_SPACED = re.compile(rf"(?<![^\W\d_.\-]){_LETTER}(?P<sep>[{_SPACE_SEPARATORS}.\-·_*])(?:{_LETTER}(?P=sep)){{1,}}{_LETTER}"
                     rf"(?![^\W\d_])")
_CONTROL_NAMES = {
    "\u00ad": "weiches Trennzeichen (U+00AD)", "\u200b": "Leerzeichen ohne Breite (U+200B)",
    "\u200c": "Bindungsverhinderer (U+200C)", "\u200d": "Bindungszeichen ohne Breite (U+200D)",
    "\u2060": "Wortverbinder (U+2060)", "\ufeff": "Byte-Order-Mark (U+FEFF)",
    "\u200e": "Schreibrichtungszeichen (U+200E)", "\u200f": "Schreibrichtungszeichen (U+200F)",
}


@cache
def _special_class() -> re.Pattern[str]:
    """Runs of characters that normalisation may change (all others map to themselves).

    Computed once over U+0080..U+24FF (Latin, punctuation, symbols): a character is 'plain' if it is
    NFKC-stable, not a format character and not a letter of a script with Latin look-alikes. Everything
    else is special and goes through :func:`_fold_char` (cached per character).
    """
    import unicodedata

    plain: list[int] = []
    for cp in range(0x80, 0x2500):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Mn", "Me", "Cs", "Co", "Cn", "Zs") or unicodedata.normalize("NFKC", ch) != ch:
            continue
        if cat.startswith("L") and unicodedata.name(ch, "").startswith(_CONFUSABLE_SCRIPTS):
            continue
        plain.append(cp)
    ranges: list[tuple[int, int]] = []
    for cp in plain:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(rf"[^\x00-\x7f{body}]+")


@cache
def _spoof_checker():
    import icu  # PyICU: ICU's implementation of Unicode TR39 (confusables)

    return icu.SpoofChecker()


#: Look-alikes whose TR39 prototype is a rare Latin letter (Greek ε -> 'ꞓ', Cyrillic т -> small capital 'ᴛ'):
#: read as the ordinary letter a reader sees.
_EXTRA_LOOKALIKES = {"ε": "e", "έ": "é", "є": "e", "Є": "E", "ѐ": "è", "κ": "k", "к": "k", "ќ": "k", "τ": "t", "т": "t",
                     "в": "b", "н": "h", "ѓ": "ŕ"}
#: Latin prototypes that do not read as an ordinary letter: such a mapping is not used.
_LATIN_NOT_ASCII_LIKE = set("ꞓꞒĸᴛʙʜʍᴎᴙɸɜƅʃƩɅ")


@cache
def _fold_char(cluster: str) -> tuple[str, bool, bool]:
    """(normalised text, is an invisible control, was a look-alike letter) for one character cluster."""
    import unicodedata

    if len(cluster) == 1 and (unicodedata.category(cluster) == "Cf" or re.match(f"[{_INVISIBLE_EXTRA}]", cluster)):
        return "", True, False
    out = unicodedata.normalize("NFKC", cluster)
    confusable = False
    if any(ord(c) > 0x7f for c in out):
        pieces = []
        for c in out:
            if c.isalpha() and unicodedata.name(c, "").startswith(_CONFUSABLE_SCRIPTS):
                skel = _EXTRA_LOOKALIKES.get(c) or unicodedata.normalize("NFC", _spoof_checker().getSkeleton(0, c))
                if skel != c and all(unicodedata.name(x, "").startswith("LATIN") for x in skel) \
                        and not any(x in _LATIN_NOT_ASCII_LIKE for x in skel):
                    pieces.append(skel)
                    confusable = True
                    continue
            pieces.append(c)
        out = "".join(pieces)
    return out, False, confusable


@dataclass
class Normalised:
    """The text the rules read and the way back to the author's text."""

    original: str
    text: str
    n_start: list[int]   # per changed piece: start in the normalised text
    n_end: list[int]
    o_start: list[int]   # ... and its span in the original
    o_end: list[int]
    controls: list[tuple[int, int]]      # original spans of invisible control characters
    lookalikes: list[tuple[int, int]]    # original spans of letters read as their Latin look-alike

    def start(self, n: int) -> int:
        """Original offset of normalised offset ``n`` as a start."""
        k = _bisect_right(self.n_start, n) - 1
        if k >= 0 and n < self.n_end[k]:
            return self.o_start[k]
        return n if k < 0 else self.o_end[k] + (n - self.n_end[k])

    def end(self, n: int) -> int:
        """Original offset of normalised offset ``n`` as an exclusive end."""
        if n <= 0:
            return 0
        k = _bisect_right(self.n_start, n - 1) - 1
        if k >= 0 and n - 1 < self.n_end[k]:
            return self.o_end[k]
        return n if k < 0 else self.o_end[k] + (n - self.n_end[k])


def _emoji_joiner(text: str, s: int, e: int) -> bool:
    """A zero-width joiner or variation selector that belongs to an emoji (after a symbol): not a finding."""
    import unicodedata
    if text[s:e] not in ("\u200d", "\ufe0f", "\ufe0e") or s == 0:
        return False
    before = text[s - 1]
    return unicodedata.category(before) in ("So", "Sk") or ord(before) >= 0x1F000 or before in "\ufe0f"


def _bisect_right(a: list[int], x: int) -> int:
    from bisect import bisect_right
    return bisect_right(a, x)


def normalise(text: str, words: set[str] | None = None) -> Normalised:
    """NFKC, look-alike letters to Latin, invisible characters removed, letter-spaced words rejoined.

    ``words`` (the set of letter runs of ``text``, if the caller has it) lets the letter-spacing pass be
    skipped in C when the text has no single-letter word."""
    edits: list[tuple[int, int, str]] = []      # (original start, original end, replacement)
    controls: list[tuple[int, int]] = []
    lookalikes: list[tuple[int, int]] = []
    if not text.isascii():
        for m in _special_class().finditer(text):
            s, e = m.start(), m.end()
            i = s
            while i < e:
                j = i + 1
                while j < len(text) and re.match(f"[{_COMBINING}]", text[j]):
                    j += 1
                cs = i
                if re.match(f"[{_COMBINING}]", text[i]) and i > 0 and (not edits or edits[-1][1] <= i - 1):
                    cs = i - 1  # a mark after a plain letter: compose it with that letter
                cluster = text[cs:j]
                out, control, confusable = _fold_char(cluster)
                if control and not _emoji_joiner(text, cs, j):
                    controls.append((cs, j))
                if confusable:
                    lookalikes.append((cs, j))
                if out != cluster:
                    edits.append((cs, j, out))
                i = j
    spaced_possible = (not words.isdisjoint(_SINGLE_LETTERS) or not text.isascii()) if words is not None \
        else bool(_SPACED_HINT.search(text))
    for m in (_SPACED.finditer(text) if spaced_possible and _SPACED_HINT.search(text) else ()):
        if m.group("sep") in ".-" and len(m.group(0)) < 7:
            continue  # "z.B", "u.a.", "A-B": abbreviations, not a hidden word
        for sp in re.finditer(re.escape(m.group("sep")), m.group(0)):
            edits.append((m.start() + sp.start(), m.start() + sp.end(), ""))
    if not edits:
        return Normalised(text, text, [], [], [], [], controls, lookalikes)
    edits.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, r in edits:
        if merged and s < merged[-1][1]:
            ps, pe, pr = merged[-1]
            if r == "" and pr != "":  # a letter-spacing deletion wins over a space normalisation
                merged[-1] = (ps, max(pe, e), "")
            continue
        merged.append((s, e, r))
    parts: list[str] = []
    n_start, n_end, o_start, o_end = [], [], [], []
    pos = npos = 0
    for s, e, r in merged:
        parts.append(text[pos:s])
        npos += s - pos
        n_start.append(npos)
        parts.append(r)
        npos += len(r)
        n_end.append(npos)
        o_start.append(s)
        o_end.append(e)
        pos = e
    parts.append(text[pos:])
    return Normalised(text, "".join(parts), n_start, n_end, o_start, o_end, controls, lookalikes)


# --------------------------------------------------------------------------------------------------
# Further rules (issue 14): first names, initials, handles, IBAN, obfuscated addresses, landmarks,
# uniqueness words. They run on the normalised text like the rules above.

ANON_DIR = Path(__file__).resolve().parent / "data" / "anon"
NAMES_FILE = Path(__file__).resolve().parent / "data" / "names" / "vornamen_berlin_2012_2023.csv"

#: First names that are also ordinary German words (lower-case words in the Debian ``wngerman`` list,
#: plus nouns, months and words checked by hand): a person only in a strong context.
_WORDLIKE_NAMES_EXTRA = frozenset("""
Rose Wolf Mai August Juli Juni Engel Stern Sommer Winter Herbst Paris Fee Heide Glück Sonne Ernst Frank
Kind Mann Hans Sahne Bach Berg Stein Wald See Meer Fuchs Hase Adler Falke Lamm Taube Kraft Ehre Treue Hoffnung
Liebe Freude Friede Frieden Gott Maria Jesus Christ Christus Neu Alt Rot Blau Grün Braun Schwarz Weiß Grau
Hall Hamm Halle Lotte Hagen Siegen Essen Lage Ahlen Kamen Werne Verl Olpe Bünde Hörstel Laer Much Alpen
Sankt Santa Don Dom Kai Bay Berlin Sidney Sydney Florenz Jordan London Lima Milan Kiel Mainz Trier Ulm
Amt Rat Tat Art Ort Zeit Welt Frau Herr Sohn Kinder Eltern Team Chef Boss Star Fan Golf Tee Kaffee Reis
Sport Musik Kunst Kultur Natur Kurs Park Platz Zoo Kirche Bar Club Klub Union Liga Angst Macht Zorn Glaube
Wahl Recht Ende Anfang Mitte Sonntag Montag Freitag Samstag Nord Süd Ost West Orient Asia Africa Afrika Europa
Amerika India Indien Ghana Mali Kenia Jemen Libanon Israel Iran Irak China Japan Korea Chile Peru Kuba
Islam Iman Imam Salam Amina Hadi Allah Sultan Emir Khan Scheich Prinz König Kaiser Graf Papst Ritter
Alle Eine Einer Als Also Auch Bis Dass Doch Ehe Eben Ganz Gern Heute Immer Jede Jeder Kein Mehr Nie Noch
Oder Ohne Sehr Sogar Sonst Teil Und Viel Weil Wer Wie Wo Zum Zur Mit Bei Nach Vor Über Unter Pro
Elf Zehn Neun Acht Sieben Null Eins Tausend Hundert
Ben Tim Tom Jan Leon Mia Ida Ela Ali Ada Eva Ivo Lia Ron Max Sam Ann Mark Kim Uwe Kay Jo The
""".split())

_SPEAKING = ("sagte", "sagt", "sagten", "meinte", "meint", "erklärte", "erklärt", "betonte", "betont", "fragte",
             "fragt", "antwortete", "antwortet", "schrieb", "schreibt", "rief", "ruft", "berichtete", "berichtet",
             "erzählte", "erzählt", "kritisierte", "kritisiert", "forderte", "fordert", "erwiderte", "entgegnete",
             "ergänzte", "widersprach", "warnte", "versprach", "bestätigte", "klagte", "beklagte", "lachte",
             "schimpfte", "mahnte", "räumte", "gab", "hat", "hatte", "ist", "war", "wurde", "und")
_SPEAKING_BEFORE = frozenset(_SPEAKING[:-5])   # "…, sagte Thomas": a speaking verb right before the name
_SPEAKING_AFTER = frozenset(_SPEAKING[:-5])    # "Ayşe sagte …"
_ROLE_WORDS = frozenset(w + s for w in (
    "Sozialarbeiter", "Lehrer", "Erzieher", "Trainer", "Nachbar", "Sprecher", "Mitarbeiter", "Hausmeister",
    "Streetworker", "Schüler", "Anwohner", "Elternvertreter", "Moderator", "Mediator", "Koordinator",
    "Journalist", "Redakteur", "Referent", "Sachbearbeiter", "Berater", "Betreuer", "Vermieter", "Mieter",
    "Inhaber", "Betreiber", "Wirt", "Pfleger", "Kollege", "Integrationslotse", "Dolmetscher", "Übersetzer",
    "Vertreter", "Initiator", "Aktivist", "Ehrenamtler", "Helfer", "Student", "Bewohner", "Besucher",
    "Gemeinderat", "Ratsmitglied", "Abgeordnete", "Politiker", "Konfliktmanager", "Leiter", "Pädagoge",
    "Sozialpädagoge", "Polizist", "Beamte", "Kommissar", "Anwalt", "Arzt", "Vorstand", "Imam", "Pfarrer",
) for s in ("", "in", ":in", "*in", "_in", "In", "e", "s")) | frozenset({
    "Vater", "Mutter", "Sohn", "Tochter", "Bruder", "Schwester", "Onkel", "Tante", "Oma", "Opa", "Ehemann",
    "Ehefrau", "Cousin", "Cousine", "Kollegin", "Anwältin", "Ärztin", "Polizistin", "Beamtin", "Nachbarin",
    "Freundin", "Freund", "namens", "genannt", "heißt", "hieß",
})
_SALUTATION_LOWER = ("herr", "herrn", "frau", "fr.", "hr.")
_LOWER_STOP = frozenset("""
der die das des dem den ein eine einer eines einem einen und oder aber als am im in mit nach von vom zum zur
bei auf aus für über unter vor seit wie was wer wo wenn dass doch nur auch noch schon es er sie wir ihr man
ich du hier dort heute morgen gestern jetzt dann damals später bitte danke ja nein nicht kein keine so sehr
hat hatte ist war sind waren wird wurde sagte meinte doktor dr. prof. professor bürgermeister bürgermeisterin
""".split())


@cache
def _first_names() -> dict[str, bool]:
    """First name -> True if it is also an ordinary word (needs a strong context)."""
    with NAMES_FILE.open(encoding="utf-8", newline="") as fh:
        names = [row["vorname"] for row in csv.DictReader(fh)]
    wordlike = set(_WORDLIKE_NAMES_EXTRA)
    wordlike.update((ANON_DIR / "vornamen_woerter.txt").read_text(encoding="utf-8").split())
    amb = _ambiguity()
    out = {}
    for name in names:
        if len(name) < 2 or not name[0].isupper() or not name.isalpha():
            continue
        out[name] = name in wordlike or name in amb or name in _NOT_A_NAME or name in _places()
    return out


@cache
def _landmarks() -> dict[str, tuple[str, str, str]]:
    """Casefolded landmark or event name -> (name, place, suggestion)."""
    out = {}
    with (ANON_DIR / "wahrzeichen.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [ln for ln in fh if not ln.startswith("#")]
    for row in csv.DictReader(rows, delimiter="\t"):
        out[" ".join(row["name"].split()).casefold()] = (row["name"], row["ort"], row["vorschlag"])
    return out


#: Institutions that make a place recognisable when called "the only …", "the first …".
_INSTITUTIONS = (
    "Grundschule", "Hauptschule", "Realschule", "Gesamtschule", "Sekundarschule", "Förderschule", "Gymnasium",
    "Schule", "Berufskolleg", "Kita", "Kindertagesstätte", "Kindergarten", "Familienzentrum", "Moschee",
    "Moscheegemeinde", "Moscheeverein", "Synagoge", "Kirche", "Kirchengemeinde", "Gemeinde", "Cemevi", "Tempel",
    "Hallenbad", "Schwimmbad", "Freibad", "Bad", "Sporthalle", "Turnhalle", "Mehrzweckhalle", "Stadthalle",
    "Sportplatz", "Sportverein", "Fußballverein", "Schwimmverein", "Verein", "Krankenhaus", "Klinik",
    "Arztpraxis", "Kinderarztpraxis", "Kinderärztin", "Kinderarzt", "Hausärztin", "Hausarzt", "Apotheke",
    "Bahnhof", "Bücherei", "Bibliothek", "Jugendzentrum", "Jugendtreff", "Jugendhaus", "Bürgerhaus",
    "Begegnungsstätte", "Unterkunft", "Flüchtlingsunterkunft", "Gemeinschaftsunterkunft", "Notunterkunft",
    "Erstaufnahmeeinrichtung", "Hochschule", "Universität", "Fachhochschule", "Museum", "Theater", "Kino",
    "Supermarkt", "Bäckerei", "Gaststätte", "Kneipe", "Shishabar", "Shisha-Bar", "Imbiss", "Dönerladen",
    "Friedhof", "Feuerwehr", "Polizeiwache", "Wache", "Rathaus", "Bank", "Sparkasse", "Tafel", "Frauenhaus",
    "Beratungsstelle", "Integrationsrat", "Migrantenselbstorganisation", "Zeitung", "Lokalzeitung",
)
_UNIQUE = ("einzige", "einzigen", "einziger", "einziges", "erste", "ersten", "erster", "erstes", "größte",
           "größten", "größter", "größtes", "älteste", "ältesten", "ältester", "ältestes", "letzte", "letzten",
           "letzter", "letztes", "kleinste", "kleinsten", "neueste", "neuesten", "höchste", "höchsten")

#: Single-person offices in the feminine form: few women hold them, so the form plus a year narrows to a
#: handful of holders. The masculine form is not reported (it fits most holders).
OFFICES_ONE_PERSON = {
    "Landrätin": "die Kreisspitze", "Oberbürgermeisterin": "die Verwaltungsspitze",
    "Bürgermeisterin": "die Verwaltungsspitze", "Oberstadtdirektorin": "die Verwaltungsspitze",
    "Stadtdirektorin": "die Verwaltungsspitze", "Kreisdirektorin": "die Kreisverwaltung",
    "Polizeipräsidentin": "die Polizeiführung", "Regierungspräsidentin": "die Bezirksregierung",
    "Superintendentin": "die Kirchenkreisleitung", "Kämmerin": "die Kämmerei", "Stadtkämmerin": "die Kämmerei",
}

_ORDINALS = ("ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten", "siebenten", "achten",
             "neunten", "zehnten", "elften", "zwölften", "dreizehnten", "vierzehnten", "fünfzehnten",
             "sechzehnten", "siebzehnten", "achtzehnten", "neunzehnten", "zwanzigsten", "einundzwanzigsten",
             "zweiundzwanzigsten", "dreiundzwanzigsten", "vierundzwanzigsten", "fünfundzwanzigsten",
             "sechsundzwanzigsten", "siebenundzwanzigsten", "achtundzwanzigsten", "neunundzwanzigsten",
             "dreißigsten", "einunddreißigsten")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.",
              "Oct.", "Nov.", "Dec.")
_DE_MONTHS_FULL = ("Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                   "Oktober", "November", "Dezember")
#: Words before "1.2." that show a number, not a date ("Version 1.2.", "Kapitel 2.3.").
_NUMBER_WORDS = frozenset("""
version kapitel abschnitt nr. nr nummer seite s. abb. abbildung tab. tabelle punkt schritt stufe modul einheit
teil folie paragraph § §§ ziffer anlage anhang art. artikel absatz abs. rn. randnummer übung fassung release
v. band bd. heft ausgabe lektion aufgabe frage tz. textziffer gliederungspunkt top tagesordnungspunkt
""".split())
_GENERIC_STREETS = frozenset("""
Bundesstraße Landstraße Kreisstraße Einkaufsstraße Seitenstraße Nebenstraße Durchgangsstraße Wohnstraße
Spielstraße Fußgängerstraße Ausfallstraße Umgehungsstraße Querstraße Dorfstraße Geschäftsstraße Anliegerstraße
Zufahrtsstraße Verbindungsstraße Ringstraße Innenstadtstraße Stadtstraße Privatstraße Einbahnstraße
Schnellstraße Fahrstraße Prachtstraße Flanierstraße Hauptverkehrsstraße Wohngebietsstraße Sackgasse
Rettungsgasse Seitengasse Allee Baumallee Straße Strasse Gasse Hauptstraße Marktstraße Schulstraße
Kirchstraße Bahnhofstraße Zubringerstraße Erschließungsstraße Gemeindestraße Stadtautobahn Lindenallee
""".split())
#: Street names that are generic only after an indefinite article ("an einer Hauptstraße").
_STREET_INDEFINITE = ("eine", "einer", "einen", "einem", "keine", "keiner", "jede", "jeder", "viele", "vielen",
                      "mehrere", "mehreren", "zwei", "drei", "breite", "breiten", "belebte", "belebten",
                      "ruhige", "ruhigen", "stark", "befahrene", "befahrenen", "dieselbe", "derselben")


@cache
def _extra_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    months_de = _trie_regex(MONTHS)
    months_all = _trie_regex(MONTHS + _EN_MONTHS)
    raw = {
        "iban": r"[A-Z]{2}\d\d(?:[ ]?[A-Z0-9]){11,30}",  # runs only where an IBAN country code stands
        "handle": r"@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w.@-]*\.[A-Za-z]{2,})",
        "email_obf": (r"[\(\[\{<]\s*(?:at|AT|At|ät|Ät)\s*[\)\]\}>]\s*[\w-]+(?:\s*(?:[\(\[\{<]\s*(?:dot|DOT|Dot|punkt|Punkt)"
                      r"\s*[\)\]\}>]|\.)\s*[\w-]+)+"
                      r"|(?:at|AT)\s+[\w-]+\s+(?:dot|DOT|punkt|Punkt)\s+[a-z]{2,}\b"),
        "url_defanged": (r"h(?:xx|XX|\*\*)ps?(?:\[:\]|\(:\)|:)//[^\s<>\"'`]+|https?(?:\[:\]|\(:\))//[^\s<>\"'`]+"
                         r"|(?:ftp|ftps|sftp|file|smb|ssh|git|irc|telnet|gopher|ws|wss)://[^\s<>\"']+"
                         r"|mailto:[^\s<>\"']+"
                         r"|(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{\.\})[\w-]+(?:(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\.)[\w-]+)*"),
        "akten_extra": (r"(?:Akt\.?\s?-?\s?Z\.|AZ\.|Ratsvorlage|Beschlussvorlage|Sitzungsvorlage|Verwaltungsvorlage|"
                        r"Mitteilungsvorlage|Vorlage|Drucksache|Drs\.|Ratsbeschluss|Beschluss|Antrag|Anfrage|"
                        r"Kassenzeichen|Vorgang|Ticket|Fallnummer|Fall-Nr\.|Bescheid|Verfügung)"
                        r"(?:\s+(?:Nr\.?|Nummer|No\.)|\s+-?Nr\.)?\s*:?\s*(?:\d{3,}[\w./-]*|\d+[./-]\d+[\w./-]*)"),
        "datum_extra": (r"\d\d?\s?/\s?\d\d?\s?/\s?(?:19|20)?\d\d(?!\d)"
                        r"|\d\d?(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d(?!\d)"   # "March 14, 2022": month checked before
                        rf"|\d\d?(?:st|nd|rd|th)?\s+{months_all}\s+(?:19|20)\d\d(?!\d)"),
        "datum_ordinal": (rf"{_trie_regex(_ORDINALS + tuple(o.capitalize() for o in _ORDINALS))}\s+{months_de}(?!\w)"),
        "strasse_ohne": r"(?:straße|strasse|Straße|Strasse|allee|Allee|gasse|Gasse)(?!\w)",
        "hausnummer": r"(?:Haus\s?-?(?:Nr\.|Nummer)|Hausnummer|Hausnr\.)\s*\d{1,4}[a-h]?(?!\d)",
        "plz_context": r"(?:PLZ|Postleitzahl|Postleitzahlbereich|Postleitzahlgebiet)\.?\s*:?\s*\d{5}(?!\d)",
        "initial": r"(?:Herrn?|Frau|Hr\.|Fr\.)\s+(?:(?:Dr|Prof)\.\s+)?[A-ZÄÖÜ]\.(?!\w)",
        "salut_lower": r"(?:herrn?|frau)\s+[a-zäöüß][a-zäöüß'-]+",
        "vorname": r"[^\W\d_]+(?!\w)",  # anchored: tried only at words that are first names (see _anchors)
        "einzigartig": rf"{_trie_regex(_UNIQUE)}\s+(?:[a-zäöü]\w*\s+)?{_trie_regex(_INSTITUTIONS)}\w*",
        "einzigartig_ort": (r"einzige[nrs]?\s+(?:im|am|in\s+der|in\s+dem|des|der|vor)\s+"
                            r"(?:Ort|Ortes|Dorf|Dorfes|Stadt|Gemeinde|Kreis|Kreises|Stadtteil|Stadtteils|Viertel|Quartier)\b"),
        "amt": rf"{_trie_regex(tuple(OFFICES_ONE_PERSON))}(?!\w)",
        "wahrzeichen": _trie_regex(sorted({_norm_space(v[0]) for v in _landmarks().values()}, key=len, reverse=True))
        + r"(?!\w)",
    }
    return tuple((rule, re.compile(rx)) for rule, rx in raw.items())


#: Rules that run only when a cheap test on the text says they can match (C-level ``in`` and set tests).
def _may_match(rule: str, t: str, low: str, uniq: set[str]) -> bool:
    if rule == "url_defanged":
        return ("://" in t or ":]//" in t or ":)//" in t or "[.]" in t or "(.)" in t or "{.}" in t or "mailto" in uniq
                or "dot" in uniq)
    if rule == "email_obf":
        return "at" in uniq or "AT" in uniq or "At" in uniq or "ät" in uniq or "Ät" in uniq
    if rule == "einzigartig_ort":
        return not uniq.isdisjoint(("einzige", "einzigen", "einziger", "einziges"))
    if rule == "strasse_ohne":
        return "straße" in low or "strasse" in low or "allee" in low or "gasse" in low
    if rule == "iban":
        return not uniq.isdisjoint(_IBAN_COUNTRIES)
    if rule == "handle":
        return "@" in t
    if rule == "datum_extra":
        return "/" in t or not uniq.isdisjoint(_MONTH_WORDS)
    return True


_EN_MONTH_BEFORE = re.compile(r"(?<![\w.])(?:January|February|March|April|May|June|July|August|September|October|"
                              r"November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sep\.|Sept\.|Oct\.|Nov\.|"
                              r"Dec\.)\s+$")
_IBAN_COUNTRIES = frozenset("""
AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR GT HR HU IE IL IQ
IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK SM
SO ST SV TL TN TR UA VA VG XK YE
""".split())
_UNIQUE_BEFORE = re.compile(rf"(?<!\w)(?:{_trie_regex(_UNIQUE)})\s+(?:[a-zäöü]\w*\s+)?$")


_SOCIAL = re.compile(r"(?i:instagram|twitter|tiktok|facebook|telegram|youtube|mastodon|bluesky|threads|whatsapp|"
                     r"social|konto|account|kanal|profil|nutzer|follower|gepostet|postete|erwähn)|\bauf X\b")


def _norm_space(s: str) -> str:
    return " ".join(s.split())


def _word_before(text: str, start: int) -> str:
    m = re.search(r"(\S+)\s+$", text[max(0, start - 40):start])
    return m.group(1) if m else ""


def _extra_make(rule: str, text: str, m: re.Match[str]) -> Finding | None:
    start, end = m.start(), m.end()
    matched = m.group(0)
    if rule == "iban":
        if not _left_ok(text, start):
            return None
        from stdnum import iban
        compact = matched.replace(" ", "")
        for cut in range(len(compact), 14, -1):
            if iban.is_valid(compact[:cut]):
                # end: the original span that holds the first ``cut`` characters
                n = 0
                for i, ch in enumerate(matched):
                    n += ch != " "
                    if n == cut:
                        end = start + i + 1
                        break
                shown = text[start:end]
                return Finding(start, end, shown, "iban", f"IBAN '{shown}' (gültige Prüfziffer)",
                               "Bankverbindung entfernen, z. B. 'über ein Spendenkonto'")
        return None
    if rule == "handle":
        if not _left_ok(text, start, "@.-+") or matched[1:].isdigit():
            return None
        # "@label", "[@glasl2020]" are also Markdown citation syntax: a bracketed key is a citation, and a handle
        # of letters only or letters plus a year counts only near a social-media word
        if text[max(0, start - 1):start] == "[" or text[max(0, start - 2):start] == "[-":
            return None
        citation_like = matched[1:].isalpha() or re.fullmatch(r"@[A-Za-z]+(?:19|20)\d\d[a-z]?", matched)
        if citation_like and not _SOCIAL.search(text, max(0, start - 80), min(len(text), end + 80)):
            return None
        while end > start + 2 and text[end - 1] == ".":
            end -= 1
        shown = text[start:end]
        return Finding(start, end, shown, "handle", f"Benutzername in sozialen Medien '{shown}'",
                       "Namen des Kontos weglassen, z. B. 'ein lokales Social-Media-Konto'")
    if rule == "email_obf":
        local = re.search(r"[\w.+-]+\s{0,2}$", text[max(0, start - 64):start])
        if local is None:
            return None
        start -= len(local.group(0))
        shown = text[start:end]
        return Finding(start, end, shown, "email", f"Verschleierte E-Mail-Adresse '{shown}'",
                       "Kontaktdaten entfernen, z. B. 'über die Geschäftsstelle erreichbar'")
    if rule == "url_defanged":
        if matched[0] in "[({":
            dom = re.search(r"[A-Za-z0-9][\w-]*$", text[max(0, start - 100):start])
            if dom is None:
                return None
            start -= len(dom.group(0))
        elif not _left_ok(text, start, "/.@"):
            return None
        while end > start and text[end - 1] in ".,;:!?)-/`'\"“”»":
            end -= 1
        shown = text[start:end]
        if not re.search(r"(?:[:\]\)]//|mailto:|[\]\)}])[\w-]", shown):
            return None  # "mailto:…", "hxxps://…": a placeholder, no address
        return Finding(start, end, shown, "url", f"Internetadresse '{shown}' (auch unkenntlich gemacht)",
                       _FIXED["url"][1])
    if rule == "akten_extra":
        if not _left_ok(text, start):
            return None
        while end > start and text[end - 1] in ".,;:!?)-/":
            end -= 1
        shown = text[start:end]
        return Finding(start, end, shown, "aktenzeichen", f"Aktenzeichen oder Vorlagennummer '{shown}'",
                       _FIXED["aktenzeichen"][1])
    if rule in ("datum_extra", "datum_ordinal"):
        if not _left_ok(text, start, "./"):
            return None
        if rule == "datum_extra" and "/" not in matched and not re.search(rf"[{LOWER}{UPPER}]\s+(?:19|20)\d\d$", matched):
            month = _EN_MONTH_BEFORE.search(text, max(0, start - 12), start)
            if month is None:
                return None
            start = month.start()
            matched = text[start:end]
        nums = [int(n) for n in re.findall(r"\d+", matched)]
        if "/" in matched and not (1 <= nums[0] <= 31 and 1 <= nums[1] <= 12):
            return None
        if text[end:end + 1] in ("/", "-"):
            return None
        return Finding(start, end, matched, "datum", f"Tagesgenaues Datum '{matched}'",
                       "Nur Jahreszeit oder Jahr angeben, z. B. 'im Frühjahr 2022'")
    if rule == "strasse_ohne":
        head = re.search(r"(?:[A-ZÄÖÜ][\w.]*-)*[A-ZÄÖÜa-zäöüß][\wäöüß]*$", text[max(0, start - 60):start])
        word_start = start - (len(head.group(0)) if head else 0)
        word = text[word_start:end]
        if not word[:1].isupper():
            return None
        if not _left_ok(text, word_start, "-"):
            return None
        before = text[max(0, word_start - 40):word_start]
        prev = before.split()[-1].lower() if before.split() else ""
        if word in ("Straße", "Strasse", "Allee", "Gasse"):
            adj = re.search(r"(?:(?:[A-ZÄÖÜ][\w]*-)+|(?:Lange|Langen|Alte|Alten|Neue|Neuen|Hohe|Hohen|Breite|Breiten|"
                            r"Kurze|Kurzen|Große|Großen|Kleine|Kleinen)\s+)$", before)
            if adj is None:
                return None
            word_start -= len(adj.group(0))
            word = text[word_start:end]
        elif word in _GENERIC_STREETS and not (word.startswith(("Haupt", "Bahnhof", "Kirch", "Schul", "Markt"))
                                                and prev in ("der", "die", "in", "an", "auf", "zur")):
            return None
        elif prev in _STREET_INDEFINITE:
            return None
        return Finding(word_start, end, word, "adresse", f"Straßenname '{word}'",
                       "Straßennamen weglassen, z. B. 'eine Wohnstraße am Stadtrand'")
    if rule == "hausnummer":
        return Finding(start, end, matched, "adresse", f"Hausnummer '{matched}'", _FIXED["adresse"][1])
    if rule == "plz_context":
        if not _left_ok(text, start):
            return None
        return Finding(start, end, matched, "plz", f"Postleitzahl '{matched}'", _FIXED["plz"][1])
    if rule == "initial":
        if not _left_ok(text, start, "-"):
            return None
        return Finding(start, end, matched, "person", f"Personenname als Initiale '{matched}' (pseudonymisiert ist nicht anonym)",
                       "Rolle statt Initiale, z. B. 'ein Mitarbeiter der Verwaltung'")
    if rule == "salut_lower":
        if not _left_ok(text, start):
            return None
        name = matched.split()[-1]
        if name in _LOWER_STOP or (matched.startswith("frau") and name in ("und", "oder", "mitte", "des")):
            return None
        return Finding(start, end, matched, "person", f"Personenname '{matched}'",
                       "Rolle statt Name, z. B. 'eine Mitarbeiterin der Verwaltung'")
    if rule == "vorname":
        return _first_name(text, m)
    if rule in ("einzigartig", "einzigartig_ort"):
        if not _left_ok(text, start):
            return None
        return Finding(start, end, matched, "einzigartig",
                       f"Einzigartigkeitsmerkmal '{matched}' – in einer Kommune gibt es davon nur eine, das macht Ort und Personen erkennbar",
                       "Einzigartigkeit weglassen, z. B. 'eine Grundschule im Ort' statt 'die einzige Grundschule'")
    if rule == "amt":
        if not _left_ok(text, start):
            return None
        return Finding(start, end, matched, "amt", f"Amt mit nur einer Inhaberin: '{matched}'",
                       f"neutrale Form wählen, z. B. '{OFFICES_ONE_PERSON[matched]}'")
    if rule == "wahrzeichen":
        if not _left_ok(text, start):
            return None
        name, place, sugg = _landmarks()[_norm_space(matched).casefold()]
        if matched.islower() and len(matched) < 8:
            return None
        return Finding(start, end, matched, "wahrzeichen", f"Wahrzeichen oder Ereignis '{matched}' (verweist auf {place})",
                       f"allgemein beschreiben, z. B. '{sugg}'")
    return None


def _first_name(text: str, m: re.Match[str]) -> Finding | None:
    start, end = m.start(), m.end()
    if not _left_ok(text, start, "-'’"):
        return None
    name = m.group(0)
    wordlike = _first_names()[name]
    prev = _word_before(text, start)
    prev_clean = prev.rstrip(",:;")
    after = text[end:end + 60]
    nxt = re.match(rf"\s+([{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)(?!\w)", after)
    nxt_word = re.match(r"\s+(\w+)", after)
    strong = (prev_clean in _ROLE_WORDS or prev_clean.lower() in _SPEAKING_BEFORE or prev_clean in OFFICE_WORDS
              or prev_clean in ("Frau", "Herr", "Herrn"))
    speaks_after = nxt_word is not None and nxt_word.group(1) in _SPEAKING_AFTER
    surname = nxt is not None and _plausible_name(nxt.group(1)) and nxt.group(1) not in _first_names_wordlike() \
        and not _NOUN_SUFFIX.search(nxt.group(1).lower())
    if prev.lower() in _DETERMINERS and not strong:
        return None
    if wordlike and not (strong or speaks_after):
        return None
    if not (strong or speaks_after or surname):
        return None
    if surname and nxt is not None:
        end = end + nxt.end()
    shown = text[start:end]
    return Finding(start, end, shown, "person", f"Personenname '{shown}'",
                   "Rolle statt Name, z. B. 'eine Sozialarbeiterin' oder 'ein Vater aus der Nachbarschaft'")


@cache
def _first_names_wordlike() -> frozenset[str]:
    """Capitalised words that are ordinary words: never read as a surname after a first name."""
    return frozenset(_NOT_A_NAME | _WORDLIKE_NAMES_EXTRA)


# --------------------------------------------------------------------------------------------------
# The scan

#: Place forms whose lower-case spelling is an ordinary word (Debian wngerman): matched only as written.
_LOWER_CASE_WORDS = frozenset({"kürten", "hopsten", "engerer", "lindern", "erlangen", "aalen"})


@cache
def _places_folded() -> dict[str, str]:
    """Casefolded place form -> the form as listed (for 'köln', 'KÖLN')."""
    out: dict[str, str] = {}
    for form in _places():
        out.setdefault(form.casefold(), form)
    return out


@cache
def _ort_folded_pattern() -> re.Pattern[str]:
    """The place trie, case-insensitive: finds 'köln' and 'KÖLN'; _make decides which readings count."""
    return re.compile(_trie_regex(sorted(_places(), key=len, reverse=True)) + r"(?!\w)", re.IGNORECASE)


def _case_variant_place(text: str, m: re.Match[str]) -> Finding | None:
    """A place written in other than its listed capitalisation ('köln', 'KÖLN', 'bOCHUM')."""
    matched = m.group(0)
    key = " ".join(matched.split())
    if key in _places():
        return None  # the case-sensitive pass handles it
    canon = _places_folded().get(key.casefold())
    if canon is None or not _left_ok(text, m.start()):
        return None
    form = _places()[canon]
    if matched.isupper() and len(matched) >= 3:
        # capitals: read like the listed form, with the same context rules
        shadow = text[:m.start()] + canon + text[m.end():]
        f = _place_finding(shadow, m.start(), m.start() + len(canon))
        if f is None:
            return None
    elif form.ambiguity != "none" or form.derived or key.casefold() in _LOWER_CASE_WORDS or len(key) < 4:
        return None
    place = form.place
    return Finding(m.start(), m.end(), matched, "ort",
                   f"Ortsname '{matched}' ({place.detail})", place.suggestion)


#: Join points: a word broken over a line break (with or without a hyphen) or a hyphen before a space
#: and a lower-case letter (a folded YAML line: "Gelsen- kirchen").
_JOIN = re.compile(r"(?:-[ \t]*\n[ \t]*|\n[ \t]*|-[ \t]+(?=[a-zäöüß]))(?=[^\W\d_])")


_WORD = re.compile(r"[^\W\d_]+")
#: First words of multi-word place names that are ordinary lower-case words ("oder", "neu", "bad").
_COMMON_FIRST_WORDS = frozenset("""
oder neu groß alt region kreis baden schloss bad land stadt sankt st bergisch rhein hohen lippe märkischer
oberbergischer rheinisch kreises landkreis landkreises regierungsbezirk regierungsbezirks bezirksregierung
städteregion hoch ober nieder unter hessisch bayerisch sächsische
""".split())
_UNIQUE_SET = frozenset(_UNIQUE)
_ORDINAL_SET = frozenset(_ORDINALS) | frozenset(o.capitalize() for o in _ORDINALS)


@cache
def _word_index() -> dict[str, frozenset[str]]:
    """Word sets that let the case-variant and line-break passes skip texts cheaply."""
    canon: set[str] = set()
    first_unamb: set[str] = set()
    first_all: set[str] = set()
    every: set[str] = set()
    for form, info in _places().items():
        words = _WORD.findall(form)
        if not words:
            continue
        canon.update(words)
        every.update(w.casefold() for w in words)
        first_all.add(words[0].casefold())
        if (info.ambiguity == "none" and not info.derived and form.casefold() not in _LOWER_CASE_WORDS and len(form) >= 4
                and (len(words) == 1 or words[0].casefold() not in _COMMON_FIRST_WORDS)):
            first_unamb.add(words[0].casefold())
    lm_canon: set[str] = set()
    lm_first: set[str] = set()
    lm_first_canon: set[str] = set()
    for name, _, _ in _landmarks().values():
        words = _WORD.findall(name)
        lm_canon.update(words)
        lm_first.add(words[0].casefold())
        lm_first_canon.add(words[0])
        every.update(w.casefold() for w in words)
    every.update(n.casefold() for n in _first_names())
    return {"canon": frozenset(canon), "first_unamb": frozenset(first_unamb), "first_all": frozenset(first_all),
            "lm_canon": frozenset(lm_canon), "lm_first": frozenset(lm_first), "every": frozenset(every),
            "lm_first_canon": frozenset(lm_first_canon),
            "first_upper": frozenset(w.upper() for w in first_all if len(w) >= 3),
            "lm_first_upper": frozenset(w.upper() for w in lm_first),
            "names": frozenset(_first_names()), "offices": frozenset(OFFICES_ONE_PERSON)}


@cache
def _landmark_folded_pattern() -> re.Pattern[str]:
    return re.compile(_trie_regex(sorted({_norm_space(v[0]) for v in _landmarks().values()}, key=len, reverse=True))
                      + r"(?!\w)", re.IGNORECASE)


def _variant_positions(t: str, words: Iterable[str]) -> list[int]:
    """Start offsets of each word where it stands as a whole word (str.find, no regex per word)."""
    out: set[int] = set()
    n = len(t)
    for w in words:
        i = t.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not t[i - 1].isalpha()) and (j >= n or not t[j].isalpha()):
                out.add(i)
            i = t.find(w, i + 1)
    return sorted(out)


_MIXED_CASE = re.compile(r"[a-zäöüß][A-ZÄÖÜ]")


class _Span:
    """A minimal match object (start, end, group(0)) for a case-insensitive place hit."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self._text[self._start:self._end]


@cache
def _folded_by_first_word() -> dict[str, tuple[str, ...]]:
    """Casefolded first word -> casefolded place forms starting with it, longest first."""
    out: dict[str, list[str]] = {}
    for folded in _places_folded():
        words = _WORD.findall(folded)
        if words:
            out.setdefault(words[0], []).append(folded)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _folded_place_at(t: str, pos: int) -> _Span | None:
    """The longest place form at ``pos``, compared case-insensitively (whitespace runs count as one space)."""
    m = _WORD.match(t, pos)
    if m is None:
        return None
    window = " ".join(t[pos:pos + 80].split()).casefold()
    for form in _folded_by_first_word().get(m.group(0).casefold(), ()):
        if window.startswith(form) and (len(window) == len(form) or not window[len(form)].isalnum()):
            # map the length back onto the original (whitespace may have been collapsed)
            k, seen = pos, 0
            while seen < len(form) and k < len(t):
                if t[k].isspace():
                    while k < len(t) and t[k].isspace():
                        k += 1
                    seen += 1
                else:
                    k += 1
                    seen += 1
            return _Span(t, pos, k)
    return None


def _case_variants(t: str, uniq: set[str]) -> list[Finding]:
    """Places and landmarks written in other than their listed capitalisation ('köln', 'KÖLN', 'zeche zollverein').

    Set intersections (in C) find the lower-case and all-capitals words. Mixed forms such as 'bOCHUM' are not
    looked for (a per-word loop would double the scan time); look-alike letters and capitals are."""
    idx = _word_index()
    out: list[Finding] = []
    places = (uniq & idx["first_unamb"]) | (uniq & idx["first_upper"])
    for pos in _variant_positions(t, places):
        m = _folded_place_at(t, pos)
        if m is not None:
            f = _case_variant_place(t, m)
            if f is not None:
                out.append(f)
    marks = ((uniq & idx["lm_first"]) | (uniq & idx["lm_first_upper"])) - idx["lm_canon"]
    for pos in _variant_positions(t, marks):
        m = _landmark_folded_pattern().match(t, pos)
        if m is not None:
            f = _extra_make("wahrzeichen", t, m)
            if f is not None:
                out.append(f)
    return out


_STREET_SUFFIXES = ("straße", "strasse", "Straße", "Strasse", "allee", "Allee", "gasse", "Gasse")
_SALUTATION_WORDS = frozenset({"Herr", "Herrn", "Frau", "Hr", "Fr"})
_SALUTATION_LOWER_WORDS = frozenset({"herr", "herrn", "frau"})


_ANCHORED = ("vorname", "einzigartig", "amt", "initial", "salut_lower", "datum_ordinal", "wahrzeichen", "akten_extra",
             "hausnummer", "plz_context")


@cache
def _anchor_rules() -> dict[str, tuple[str, ...]]:
    """Word -> the anchored rules that start at it (one set intersection per text finds them all)."""
    out: dict[str, list[str]] = {}
    every = set(_word_index()["names"]) | _UNIQUE_SET | _word_index()["offices"] | _SALUTATION_WORDS \
        | _SALUTATION_LOWER_WORDS | _ORDINAL_SET | _word_index()["lm_first_canon"] | _AKTEN_WORDS | _HAUS_WORDS | _PLZ_WORDS
    for rule in _ANCHORED:
        for w in _anchors(rule, every):
            out.setdefault(w, []).append(rule)
    return {k: tuple(v) for k, v in out.items()}


def _anchors(rule: str, uniq: set[str]) -> Iterable[str] | None:
    """The words at which an anchored rule starts (None: the rule scans the whole text)."""
    if rule == "vorname":
        return uniq & _word_index()["names"]
    if rule == "einzigartig":
        return uniq & _UNIQUE_SET
    if rule == "amt":
        return uniq & _word_index()["offices"]
    if rule == "initial":
        return uniq & _SALUTATION_WORDS
    if rule == "salut_lower":
        return uniq & _SALUTATION_LOWER_WORDS
    if rule == "datum_ordinal":
        return uniq & _ORDINAL_SET
    if rule == "wahrzeichen":
        return uniq & _word_index()["lm_first_canon"]
    if rule == "akten_extra":
        return uniq & _AKTEN_WORDS
    if rule == "hausnummer":
        return uniq & _HAUS_WORDS
    if rule == "plz_context":
        return uniq & _PLZ_WORDS
    return None


_MONTH_WORDS = frozenset(w.rstrip(".") for w in MONTHS + _EN_MONTHS)
_AKTEN_WORDS = frozenset({"Akt", "AZ", "Ratsvorlage", "Beschlussvorlage", "Sitzungsvorlage", "Verwaltungsvorlage",
                          "Mitteilungsvorlage", "Vorlage", "Drucksache", "Drs", "Ratsbeschluss", "Beschluss", "Antrag",
                          "Anfrage", "Kassenzeichen", "Vorgang", "Ticket", "Fallnummer", "Fall", "Bescheid", "Verfügung"})
_HAUS_WORDS = frozenset({"Haus", "Hausnummer", "Hausnr"})
_PLZ_WORDS = frozenset({"PLZ", "Postleitzahl", "Postleitzahlbereich", "Postleitzahlgebiet"})


def _scan_normalised(t: str, uniq: set[str] | None = None) -> list[Finding]:
    if uniq is None:
        uniq = set(_WORD.findall(t))
    found = _scan_plain(t, uniq)
    extra: list[Finding] = _case_variants(t, uniq)
    low = t.lower()
    patterns = dict(_extra_patterns())
    anchor_rules = _anchor_rules()
    for word in uniq & anchor_rules.keys():
        for rule in anchor_rules[word]:
            for pos in _variant_positions(t, (word,)):
                m = patterns[rule].match(t, pos)
                if m is not None and (f := _extra_make(rule, t, m)) is not None:
                    extra.append(f)
    for rule, pattern in _extra_patterns():
        if rule in _ANCHORED or not _may_match(rule, t, low, uniq):
            continue
        for m in pattern.finditer(t):
            f = _extra_make(rule, t, m)
            if f is not None:
                extra.append(f)
    if not extra:
        return found
    return _resolve(found + extra)


_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"[^\W\d_]+")


def _joined_findings(t: str) -> list[Finding]:
    """Findings that exist only when words broken over a line break are joined again.

    Only joins whose joined word is a word of a place, landmark or first name are re-scanned (a window
    around the join); everything else is an ordinary line end."""
    if "\n" not in t and "- " not in t:
        return []
    every = _word_index()["every"]
    if "- " not in t:  # only line breaks: test the word pairs around them first, in bulk
        lines = t.split("\n")
        pairs = False
        for a, b in zip(lines, lines[1:]):
            if a and b and a[-1:].isalpha() or a.endswith("-"):
                left = a.rsplit(None, 1)[-1].rstrip("-") if a.strip() else ""
                right = b.split(None, 1)[0] if b.strip() else ""
                if (left + right).casefold().strip(".,;:!?)(\"'„“") in every:
                    pairs = True
                    break
        if not pairs:
            return []
    out: list[Finding] = []
    for j in _JOIN.finditer(t):
        left = _WORD_END.search(t, max(0, j.start() - 40), j.start())
        right = _WORD_START.match(t, j.end())
        if left is None or right is None or (left.group(0) + right.group(0)).casefold() not in every:
            continue
        lo = max(0, j.start() - 60)
        hi = min(len(t), j.end() + 60)
        window = t[lo:j.start()] + t[j.end():hi]
        cut = j.start() - lo
        for f in _scan_normalised(window):
            if f.start < cut < f.end:
                s = lo + f.start
                e = lo + f.end + (j.end() - j.start())
                out.append(Finding(s, e, t[s:e], f.rule, f.message, f.suggestion))
    return out


PRIORITY.update({"iban": -1, "handle": 2, "wahrzeichen": 8, "einzigartig": 10, "amt": 10, "zeichen": 11})
RULES = RULES + ("iban", "handle", "wahrzeichen", "einzigartig", "amt", "zeichen")

_SCRIPT_WORD = re.compile(r"[^\W\d_]+")


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def scan(text: str, *, year: bool | None = None, normalised: bool = True) -> list[Finding]:
    """Every potentially identifying span of ``text``, sorted by start.

    The rules read the normalised text (see :func:`normalise`); each finding's ``start``/``end``/``text``
    are the author's own characters. Invisible control characters and words mixing Latin with look-alike
    letters of another script are findings of their own (rule ``zeichen``).
    """
    words = set(_WORD.findall(text))
    if not normalised:  # the same rules on the text as written (for the benchmark only)
        found = _scan_normalised(text, words)
        return found if (year if year is not None else _YEAR.search(text)) else [f for f in found if f.rule != "amt"]
    norm = normalise(text, words)
    t = norm.text
    found = _scan_normalised(t, words if t is text else None)
    if any(f.rule == "amt" for f in found) and not year:
        # a one-person office counts only with a year: in a case study always (zeitraum), elsewhere a year
        # within the same passage (300 characters either side)
        found = [f for f in found if f.rule != "amt" or _YEAR.search(t, max(0, f.start - 300), f.end + 300)]
    joined = _joined_findings(t)
    if joined:
        found = _resolve(found + [f for f in joined if not any(g.start < f.end and f.start < g.end for g in found)])
    out: list[Finding] = []
    for f in found:
        s, e = norm.start(f.start), norm.end(f.end)
        shown = text[s:e]
        msg = f.message
        if shown != f.text:
            msg = msg.replace(f"'{f.text}'", f"'{_visible(shown)}'", 1) + f", gelesen als '{' '.join(f.text.split())}'"
        out.append(Finding(s, e, shown, f.rule, msg, f.suggestion))
    for s, e in _runs(norm.controls):
        chars = sorted({text[i] for i in range(s, e)})
        names = ", ".join(_CONTROL_NAMES.get(c, f"Steuerzeichen U+{ord(c):04X}") for c in chars)
        out.append(Finding(s, e, text[s:e], "zeichen", f"Unsichtbares Zeichen im Text: {names}",
                           "Zeichen löschen – es ist unsichtbar, hat im Handbuch keinen Zweck und kann Namen vor der Prüfung verstecken"))
    if norm.lookalikes:
        for w in _SCRIPT_WORD.finditer(text):
            inside = [ls for ls in norm.lookalikes if w.start() <= ls[0] < w.end()]
            if inside and any(c.isascii() for c in w.group(0)):
                out.append(Finding(w.start(), w.end(), w.group(0), "zeichen",
                                   f"Wort '{w.group(0)}' mischt lateinische Buchstaben mit ähnlich aussehenden Buchstaben einer anderen Schrift",
                                   "das Wort mit lateinischen Buchstaben neu schreiben"))
    out.sort(key=lambda f: (f.start, f.end))
    return out


def _visible(s: str) -> str:
    """The text as written, with invisible characters shown as <U+XXXX> so the message can be read."""
    return "".join(f"<U+{ord(c):04X}>" if c in _CONTROL_NAMES or (not c.isprintable() and c != "\n") else
                   ("⏎" if c == "\n" else c) for c in s)


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


# --------------------------------------------------------------------------------------------------
# Re-identification by combination ("Rückschluss-Prüfung")

#: Population bands per kommune.typ for the count. They are wider than the content model's wording
#: (Landgemeinde "unter 5.000" fits only 4 of 396 NRW Gemeinden, so that band would name the place):
#: a case's type says "about this size", and the count asks how many municipalities fit that.
SIZE_BANDS = {
    "grossstadt": (100_000, None), "mittelstadt": (20_000, 100_000),
    "kleinstadt": (5_000, 20_000), "landgemeinde": (0, 10_000),
}
MIN_CANDIDATES = 10
COARSER = {"landgemeinde": "kleinstadt oder 'kreis'", "kleinstadt": "mittelstadt oder 'kreis'",
           "mittelstadt": "grossstadt oder 'kreis'", "grossstadt": "eine andere Region", "kreis": "eine andere Region"}


@cache
def _region_rules() -> dict[str, tuple[str, frozenset[str]]]:
    with (ANON_DIR / "regionen.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [ln for ln in fh if not ln.startswith("#")]
    return {row["region"].casefold(): (row["regel"], frozenset(row["kreise"].split(";")))
            for row in csv.DictReader(rows, delimiter="\t")}


@dataclass(frozen=True)
class Rueckschluss:
    typ: str
    region: str
    count: int
    total: int
    unit: str            # "Gemeinden" | "Kreisen"
    region_rule: bool    # False: the region term has no rule and restricts nothing

    @property
    def message(self) -> str:
        where = f", Region '{self.region}'" if self.region_rule else f" (Region '{self.region}' ohne Regel, nicht eingegrenzt)"
        return f"kommune.typ '{self.typ}'{where} passt auf {self.count} von {self.total} {self.unit} in NRW"


@cache
def rueckschluss(typ: str, region: str) -> Rueckschluss:
    """How many NRW municipalities (or Kreise, for typ 'kreis') fit a case's type, size band and region."""
    rows = _read_csv("nrw_gemeinden_full.csv")
    rule = _region_rules().get(" ".join(region.split()).casefold())

    def in_region(kreis: str, kreisfrei: bool) -> bool:
        if rule is None:
            return True
        kind, names = rule
        if kind == "liste":
            return kreis in names
        if kind == "ohne":
            return not kreisfrei and kreis not in names
        return kreisfrei or kreis in names  # kreisfrei+liste

    if typ == "kreis":
        kreise = [r["name"] for r in _read_csv("nrw_kreise.csv")]
        count = sum(in_region(k, False) for k in kreise)
        return Rueckschluss(typ, region, count, len(kreise), "Kreisen", rule is not None)
    lo, hi = SIZE_BANDS.get(typ, (0, None))
    count = 0
    for r in rows:
        pop = int(r["einwohner"] or 0)
        if pop < lo or (hi is not None and pop >= hi):
            continue
        kreisfrei = r["kreistyp"] == "Kreisfreie Stadt"
        if in_region(r["kreis_name"], kreisfrei):
            count += 1
    return Rueckschluss(typ, region, count, len(rows), "Gemeinden", rule is not None)
