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
    "Bergstraße": "high", "Roth": "medium", "Kiel": "medium", "Gießen": "medium",
    "Worms": "medium", "Neumarkt": "medium", "Cham": "medium", "Peine": "medium",
    "Verden": "medium", "Celle": "medium", "Stade": "medium", "Landau": "medium",
}

#: Derived forms that are ordinary words or first names; never generated.
DERIVED_STOP = frozenset({
    "Lager", "Lagern", "Hammer", "Hammern", "Werner", "Weißer", "Weißern", "Linder", "Poller", "Pollern",
    "Leerer", "Hofer", "Regener", "Rother", "Weimarer", "Escher", "Sieger", "Sender", "Frecher",
    "Weiler", "Heider", "Kalks", "Essens", "Wetters", "Regens", "Hofs", "Harzes", "Leers", "Hagens",
    "Lottes", "Lippes", "Halles", "Weidens", "Rahms", "Wahns", "Brühls", "Alpens", "Heidens",
    "Schlangens", "Mucher", "Roths", "Kiels",
})

#: Derived forms that are also food or everyday words: reported only before a capitalised noun.
FOOD_DERIVED = frozenset({"Hamburger", "Berliner", "Frankfurter", "Wiener", "Thüringer", "Nürnberger"})
FOOD_NOUNS = frozenset({"Würstchen", "Würstel", "Kranz", "Pfannkuchen", "Ballen", "Bratwurst",
                        "Rostbratwurst", "Lebkuchen", "Pommes"})

#: Irregular inhabitant adjectives.
IRREGULAR_ADJ = {
    "Münster": ["Münsteraner"], "Bremen": ["Bremer"], "München": ["Münchner"],
    "Hannover": ["Hannoveraner"], "Halle (Saale)": ["Hallenser"], "Lage": ["Lagenser"],
    "Recklinghausen": ["Recklinghäuser"], "Oberhausen": ["Oberhausener"],
    "Mönchengladbach": ["Gladbacher"], "Bergisch Gladbach": ["Bergisch Gladbacher"],
}
EXTRA_ALIASES = {"Mönchengladbach": ["Gladbach"], "Sankt Augustin": ["St. Augustin"]}

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
    "Essen": r"\s+(?:und\s+(?:Trinken|Getränke\w*)|auf\s+Rädern|zu\s+sich)",
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
        while end > start and text[end - 1] in ".,;:!?)-/":
            end -= 1
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


def scan(text: str) -> list[Finding]:
    """Return every potentially identifying span of ``text``, sorted by start, non-overlapping."""
    candidates: list[Finding] = []
    for rule, pattern in _patterns():
        for m in pattern.finditer(text):
            finding = _make(rule, text, m)
            if finding is not None:
                candidates.append(finding)
    return _resolve(candidates)
