"""Figures (``abbildungen``): checked at load, so that what passes ``check`` is safe to publish and to print.

A figure must be a regular file inside the project, reached without a symlink, whose content is what its
ending says: PNG, JPEG or SVG. Raster images are bounded in file size and in pixels (a 875 KB PNG can claim
30,000 × 30,000 pixels and cost 2.8 GB to decode); an SVG may not carry scripts, event handlers, entities or
references to anything outside itself (an ``<image href="/etc/…">`` would pull a file into the PDF).
"""
from __future__ import annotations

import re
import struct
from pathlib import Path, PurePosixPath

from .parse import FileProblem, read_regular

#: Largest figure file. The PDF embeds the file as it is; 10 MB is a large photograph.
MAX_BYTES = 10 * 1024 * 1024
MAX_BYTES_DE = "10 MB"
#: Largest raster image: 25 megapixels (e.g. 5000 × 5000), about 100 MB once decoded.
MAX_PIXELS = 25_000_000
MAX_PIXELS_DE = "25 Megapixel"
#: Largest SVG: a diagram is a few hundred KB at most.
MAX_SVG_BYTES = 2 * 1024 * 1024
MAX_SVG_BYTES_DE = "2 MB"

KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}

_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


class FigureProblem(Exception):
    """What is wrong with a figure, in German; never shows a byte of the file."""


def relative_path(root: Path, file: str) -> Path:
    """The figure's path below ``root``; :class:`FigureProblem` if it is absolute, leaves the project or passes a symlink."""
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", file) or ".." in pure.parts or not pure.parts:
        raise FigureProblem(f"Bildpfad '{file}' führt aus dem Projektordner hinaus – erwartet wird ein Pfad "
                            "relativ zum Projektordner, z. B. 'bilder/plan.png'")
    path = root
    for part in pure.parts:
        path = path / part
        if path.is_symlink():
            raise FigureProblem(f"Bildpfad '{file}': '{path.relative_to(root).as_posix()}' ist ein symbolischer Verweis "
                                "(Symlink) – Bilder müssen echte Dateien im Projektordner sein")
    return path


def check(root: Path, file: str) -> None:
    """Check one figure file; raises :class:`FigureProblem` with a German sentence."""
    path = relative_path(root, file)
    suffix = path.suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise FigureProblem(f"Bilddatei '{file}': erwartet ein Bild im Format PNG, JPEG oder SVG "
                            "(Endung .png, .jpg, .jpeg oder .svg)")
    if not path.exists():
        raise FigureProblem(f"Bilddatei '{file}' gibt es nicht")
    limit, limit_de = (MAX_SVG_BYTES, MAX_SVG_BYTES_DE) if kind == "SVG" else (MAX_BYTES, MAX_BYTES_DE)
    try:
        data = read_regular(path, limit=limit, limit_de=limit_de, what="Bilddatei")
    except FileProblem as exc:
        raise FigureProblem(f"Bilddatei '{file}': {exc.message}") from None
    if kind == "PNG":
        size = _png_size(data)
    elif kind == "JPEG":
        size = _jpeg_size(data)
    else:
        _check_svg(data, file)
        return
    if size is None:
        raise FigureProblem(f"Bilddatei '{file}' ist kein gültiges {kind}-Bild (der Inhalt passt nicht zur Endung "
                            f"'{path.suffix}')")
    width, height = size
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise FigureProblem(f"Bilddatei '{file}' ist {width} × {height} Pixel groß – erlaubt sind höchstens "
                            f"{MAX_PIXELS_DE}; bitte verkleinern")


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 33 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:3] != b"\xff\xd8\xff":
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame header
            return None
        i += 2 + length
    return None


def _check_svg(data: bytes, file: str) -> None:
    import xml.etree.ElementTree as ET

    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise FigureProblem(f"SVG '{file}' enthält eine DOCTYPE- oder ENTITY-Angabe – das ist in Abbildungen nicht "
                            "erlaubt (bitte ohne speichern, z. B. als „Optimiertes SVG“)")
    if b"<svg" not in head and b":svg" not in head:
        raise FigureProblem(f"Bilddatei '{file}' ist kein SVG-Bild (kein <svg>-Element am Anfang)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        raise FigureProblem(f"SVG '{file}' ist kein gültiges XML (Zeile {line}, Spalte {col + 1})") from None
    if _local(root.tag) != "svg":
        raise FigureProblem(f"Bilddatei '{file}' ist kein SVG-Bild (das äußerste Element ist nicht <svg>)")
    for element in root.iter():
        name = _local(element.tag).lower()
        if name in _SVG_FORBIDDEN_ELEMENTS:
            raise FigureProblem(f"SVG '{file}' enthält ein <{_local(element.tag)}>-Element – Skripte und eingebettete "
                                "Inhalte sind in Abbildungen nicht erlaubt")
        for attr, value in element.attrib.items():
            local = _local(attr).lower()
            if local.startswith("on"):
                raise FigureProblem(f"SVG '{file}' enthält das Attribut '{_local(attr)}' – Skripte sind in Abbildungen "
                                    "nicht erlaubt")
            if local in ("href", "src") and not value.strip().startswith("#"):
                raise FigureProblem(f"SVG '{file}' verweist auf etwas außerhalb des Bildes ({_local(attr)}) – "
                                    "erlaubt sind nur Verweise innerhalb der Datei ('#…'); Bilder bitte einbetten")
            if "url" in value.lower() and not _local_urls(value):
                raise FigureProblem(f"SVG '{file}' lädt im Attribut '{_local(attr)}' etwas von außerhalb (url(…)) – "
                                    "erlaubt sind nur Verweise innerhalb der Datei ('#…')")
        if name == "style" and (not _local_urls(element.text or "") or "@import" in (element.text or "").lower()):
            raise FigureProblem(f"SVG '{file}' lädt in einem <style>-Element etwas von außerhalb – nicht erlaubt")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _local_urls(css: str) -> bool:
    return all(target.startswith("#") or not target for target in _URL.findall(css))


def files(catalog) -> list[tuple[str, Path]]:
    """Every figure of a loaded catalogue once, as (path as written, file): all were checked by the loader.

    The site and the print path publish exactly these files and nothing else.
    """
    seen: dict[str, Path] = {}
    for module in catalog.modules:
        for unit in module.units:
            for figure in unit.figures:
                if figure.file and figure.file not in seen:  # a drawn diagram has no file
                    seen[figure.file] = relative_path(catalog.root, figure.file)
    return sorted(seen.items())
