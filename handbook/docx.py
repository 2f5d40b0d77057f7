"""The Word side of the print path: a reference document made by the project, and a filled table of contents.

:func:`reference_docx` starts from the default reference document of the pinned pandoc
(``pandoc --print-default-data-file reference.docx``) and patches its XML: A4 with the handbook's margins,
the handbook's fonts and heading colours, German as the language, a table style (rules, a repeated header row,
rows that do not split), a header with the title and the edition, and a footer "Seite x von y" (PAGE and
NUMPAGES fields). pandoc takes styles, page setup, header and footer from it (``--reference-doc``).

:func:`fill_toc` fills the table-of-contents field pandoc writes for ``--toc`` with the document's headings, so
that Word and LibreOffice show the entries before anybody updates fields (page numbers appear on the update).
"""
from __future__ import annotations

import hashlib
import html
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .errors import BuildError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ACCENT = "1D4E6F"
BODY_FONT = "Libertinus Serif"
SANS_FONT = "DejaVu Sans"
#: A4 in twentieths of a point, and the margins of the PDF (2.4 cm sides and bottom, 2.6 cm top).
PAGE_W, PAGE_H = 11906, 16838
MARGINS = {"top": 1474, "right": 1361, "bottom": 1361, "left": 1361, "header": 709, "footer": 709, "gutter": 0}

_cache: dict[tuple, Path] = {}
_folder: Path | None = None


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


def _field(instr: str, shown: str, props: str) -> str:
    rpr = f"<w:rPr>{props}</w:rPr>"
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>{shown}</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def _part(body: str, root: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:{root} xmlns:w="{W}" xmlns:r="{R}">{body}</w:{root}>')


def header_xml(title: str, edition: str) -> str:
    small = f'<w:rFonts w:ascii="{SANS_FONT}" w:hAnsi="{SANS_FONT}"/><w:color w:val="4A4A4A"/><w:sz w:val="16"/>'
    return _part('<w:p><w:pPr><w:pStyle w:val="Header"/><w:tabs><w:tab w:val="right" w:pos="9184"/></w:tabs>'
                 '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="B4B4B4"/></w:pBdr></w:pPr>'
                 + _run(title, small) + f'<w:r><w:rPr>{small}</w:rPr><w:tab/></w:r>' + _run(edition, small) + '</w:p>', "hdr")


def footer_xml() -> str:
    small = f'<w:rFonts w:ascii="{SANS_FONT}" w:hAnsi="{SANS_FONT}"/><w:color w:val="4A4A4A"/><w:sz w:val="17"/>'
    return _part('<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
                 + _run("Seite ", small) + _field("PAGE", "1", small) + _run(" von ", small)
                 + _field("NUMPAGES", "1", small) + '</w:p>', "ftr")


def _style(style_id: str, name: str, kind: str, body: str, based_on: str = "Normal") -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>{base}{body}</w:style>'


def _set_style(styles: str, style_id: str, new: str) -> str:
    """Replace the style ``style_id`` (or add it)."""
    pattern = re.compile(r'<w:style [^>]*w:styleId="' + re.escape(style_id) + r'"[^>]*>.*?</w:style>', re.S)
    if pattern.search(styles):
        return pattern.sub(lambda _: new, styles, count=1)
    return styles.replace("</w:styles>", new + "</w:styles>")


def patch_styles(styles: str) -> str:
    serif = f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:cs="{BODY_FONT}" w:eastAsiaTheme="minorEastAsia"/>'
    sans = f'<w:rFonts w:ascii="{SANS_FONT}" w:hAnsi="{SANS_FONT}" w:cs="{SANS_FONT}" w:eastAsia="{SANS_FONT}"/>'
    styles = re.sub(r"<w:rPrDefault>.*?</w:rPrDefault>",
                    f'<w:rPrDefault><w:rPr>{serif}<w:sz w:val="21"/><w:szCs w:val="21"/>'
                    '<w:lang w:val="de-DE" w:eastAsia="de-DE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>', styles, count=1, flags=re.S)
    styles = re.sub(r"<w:pPrDefault>.*?</w:pPrDefault>",
                    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>',
                    styles, count=1, flags=re.S)
    sizes = {1: 40, 2: 29, 3: 24, 4: 22, 5: 21, 6: 21}
    for level, size in sizes.items():
        before = {1: 480, 2: 360, 3: 280}.get(level, 200)
        page = "<w:pageBreakBefore/>" if level == 1 else ""
        color = ACCENT if level <= 4 else "000000"
        styles = _set_style(styles, f"Heading{level}", (
            f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/>'
            f'<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/>'
            f'<w:pPr><w:keepNext/><w:keepLines/>{page}<w:spacing w:before="{before}" w:after="120"/>'
            f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
            f'<w:rPr>{sans}<w:b/><w:bCs/>{"<w:i/>" if level == 6 else ""}<w:color w:val="{color}"/>'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>'))
    styles = _set_style(styles, "Title", (
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:spacing w:before="1200" w:after="240"/></w:pPr>'
        f'<w:rPr>{sans}<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="52"/><w:szCs w:val="52"/></w:rPr></w:style>'))
    styles = _set_style(styles, "TOCHeading", (
        '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Heading1"/>'
        '<w:next w:val="BodyText"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:qFormat/>'
        '<w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>'))
    for level in (1, 2, 3):
        bold = "<w:b/>" if level == 1 else ""
        styles = _set_style(styles, f"TOC{level}", (
            f'<w:style w:type="paragraph" w:styleId="TOC{level}"><w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/>'
            f'<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
            f'<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9174"/></w:tabs>'
            f'<w:spacing w:before="{120 if level == 1 else 0}" w:after="40"/><w:ind w:left="{(level - 1) * 280}"/></w:pPr>'
            f'<w:rPr>{bold}</w:rPr></w:style>'))
    for sid, name in (("Header", "header"), ("Footer", "footer")):
        styles = _set_style(styles, sid, (
            f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
            '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="0"/></w:pPr></w:style>'))
    border = f'w:val="single" w:sz="4" w:space="0" w:color="BEBEBE"'
    styles = _set_style(styles, "Table", (
        '<w:style w:type="table" w:default="1" w:styleId="Table"><w:name w:val="Table"/><w:basedOn w:val="TableNormal"/>'
        '<w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="787878"/><w:bottom {border}/>'
        f'<w:insideH {border}/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:trPr><w:cantSplit/></w:trPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="EEF2F5"/><w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr>'
        '</w:style>'))
    return styles


def _sect_pr() -> str:
    margins = " ".join(f'w:{k}="{v}"' for k, v in MARGINS.items())
    return ('<w:sectPr><w:headerReference w:type="default" r:id="rIdKokoHeader"/>'
            '<w:footerReference w:type="default" r:id="rIdKokoFooter"/>'
            '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
            f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/><w:pgMar {margins}/></w:sectPr>')


def patch_reference(data: bytes, title: str, edition: str) -> bytes:
    """The patched reference document (the zip bytes) from pandoc's default one."""
    import io
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            text = src.read(info.filename)
            if info.filename == "word/styles.xml":
                text = patch_styles(text.decode("utf-8")).encode("utf-8")
            elif info.filename == "word/document.xml":
                doc = text.decode("utf-8")
                doc = re.sub(r"<w:sectPr>.*?</w:sectPr>", _sect_pr(), doc, count=1, flags=re.S)
                text = doc.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                rels = text.decode("utf-8").replace("</Relationships>", (
                    f'<Relationship Type="{R}/header" Id="rIdKokoHeader" Target="header1.xml"/>'
                    f'<Relationship Type="{R}/footer" Id="rIdKokoFooter" Target="footer1.xml"/></Relationships>'))
                text = rels.encode("utf-8")
            elif info.filename == "[Content_Types].xml":
                ct = text.decode("utf-8").replace("</Types>", (
                    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>'))
                text = ct.encode("utf-8")
            elif info.filename == "word/settings.xml":
                st = text.decode("utf-8")
                st = re.sub(r"<w:themeFontLang [^>]*/>", "", st)
                st = st.replace("</w:settings>", '<w:themeFontLang w:val="de-DE"/></w:settings>')
                text = st.encode("utf-8")
            dst.writestr(info, text)
        for name, body in (("word/header1.xml", header_xml(title, edition)), ("word/footer1.xml", footer_xml())):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body.encode("utf-8"))
    return out.getvalue()


def default_reference() -> bytes:
    """pandoc's own reference.docx, from the pandoc that pypandoc_binary ships."""
    import pypandoc
    try:
        result = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                                capture_output=True, check=False)
    except OSError as exc:
        raise BuildError(f"pandoc konnte die Word-Vorlage nicht liefern: {exc}") from None
    if result.returncode != 0 or not result.stdout.startswith(b"PK"):
        raise BuildError("pandoc konnte die Word-Vorlage nicht liefern: "
                         + result.stderr.decode("utf-8", "replace").strip()[:300])
    return result.stdout


_default: bytes | None = None


def reference_docx(catalog, title: str, edition: str) -> Path:
    """The project's reference document for one document (header: title and edition), as a file.

    Made once per process and (title, edition); the files live in one temporary folder of this process.
    """
    global _default, _folder
    key = (title, edition)
    if key in _cache and _cache[key].is_file():
        return _cache[key]
    if _default is None:
        _default = default_reference()
    if _folder is None or not _folder.is_dir():
        _folder = Path(tempfile.mkdtemp(prefix="koko-docx-vorlage-"))
        import atexit
        import shutil
        atexit.register(shutil.rmtree, _folder, True)
    name = hashlib.sha256(f"{title}\0{edition}".encode("utf-8")).hexdigest()[:16]
    path = _folder / f"vorlage-{name}.docx"
    path.write_bytes(patch_reference(_default, title, edition))
    _cache[key] = path
    return path


# --- the table of contents ---------------------------------------------------------------------------------

_HEADING = re.compile(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"\s*/>\s*<w:p><w:pPr><w:pStyle w:val="Heading([1-9])"\s*/>'
                      r'.*?</w:pPr>(.*?)</w:p>', re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_TOC_EMPTY = re.compile(r'<w:p><w:r>(<w:fldChar w:fldCharType="begin"[^>]*/>'
                        r'<w:instrText xml:space="preserve">TOC \\o &quot;1-(\d)&quot;[^<]*</w:instrText>'
                        r'<w:fldChar w:fldCharType="separate"\s*/>)(<w:fldChar w:fldCharType="end"\s*/>)</w:r></w:p>')


def toc_entries(document_xml: str, depth: int = 2) -> list[tuple[int, str, str]]:
    """(level, bookmark, text) of every heading up to ``depth``, in document order."""
    out = []
    for m in _HEADING.finditer(document_xml):
        level = int(m.group(2))
        if level <= depth:
            text = html.unescape("".join(_TEXT.findall(m.group(3))))
            out.append((level, m.group(1), text))
    return out


def fill_toc_xml(document_xml: str) -> str:
    """The document with the empty TOC field pandoc writes filled with one linked entry per heading."""
    m = _TOC_EMPTY.search(document_xml)
    if not m:
        return document_xml
    depth = int(m.group(2))
    entries = toc_entries(document_xml, depth)
    if not entries:
        return document_xml
    paras = []
    for i, (level, anchor, text) in enumerate(entries):
        start = f"<w:r>{m.group(1)}</w:r>" if i == 0 else ""  # the field begins in the first entry …
        end = f"<w:r>{m.group(3)}</w:r>" if i == len(entries) - 1 else ""  # … and ends after the last
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{start}'
                     f'<w:hyperlink w:anchor="{_esc(anchor)}" w:history="1">{_run(text)}</w:hyperlink>{end}</w:p>')
    return document_xml[:m.start()] + "".join(paras) + document_xml[m.end():]


_PICTURE = re.compile(r'(<wp:docPr [^>]*?descr="([^"]*)"[^>]*>.*?<pic:cNvPr descr=")[^"]*(")', re.S)


def describe_pictures(xml: str) -> str:
    """Give each picture's inner description (``pic:cNvPr``, where pandoc writes the file name) the alternative
    text of its drawing (``wp:docPr``), so that no tool reads "diagramm-….png" as the picture's text."""
    return _PICTURE.sub(lambda m: m.group(1) + m.group(2) + m.group(3), xml)


def fill_toc(path: Path) -> Path:
    """Fill the table of contents of a DOCX that pandoc wrote with ``--toc``, and give its pictures their
    descriptions (:func:`describe_pictures`); in place, deterministic."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.toc.tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = describe_pictures(fill_toc_xml(data.decode("utf-8"))).encode("utf-8")
            dst.writestr(info, data)
    tmp.replace(path)
    return path
