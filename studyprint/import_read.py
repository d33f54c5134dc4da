"""Reading an article as the clerk has it -- text copied from a web page, a Word document, a saved web page --
into blocks: one per line or paragraph, with its number in the input and what its markup says about it.

What the blocks mean (title, author, sections...) is found by `import_find`; this module only reads.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
import lxml.etree
import lxml.html
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from readability import Document
from readability.readability import Unparseable

from .errors import fail
from .load import MAX_SOURCE_BYTES, read_regular

# A Word document holds its pictures too: it may be larger than a source, but its text part may not be huge.
MAX_DOCX_BYTES = 20 * MAX_SOURCE_BYTES
MIN_ARTICLE_CHARS = 20  # a page whose main text has no block this long has no article
LONG = 50  # characters: a block this long is a paragraph of text, not a menu item or a heading
MIN_EXTRACTED = 0.5  # of the page's paragraphs' text: less in the main text means the extraction failed
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word .doc, or a password-protected .docx
ZIP_MAGIC = b"PK\x03\x04"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # copied from web pages, never meant
BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
RIGHT_STYLE = re.compile(r"text-align\s*:\s*right", re.I)
HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])$", re.I)


@dataclass(frozen=True)
class Block:
    number: int  # the line of a text or HTML file, the paragraph of a Word document (from 1)
    text: str  # whitespace tidied; bold runs inside it as **...**
    heading: int | None = None  # the markup's heading level: 0 the title, 1-6 (h1-h6, Heading 1-6)
    role: str | None = None  # "subtitle", "quote", "bullet", "numbered" (list items), "right" (right-aligned)
    bold: bool = False  # the whole block is bold (and its text has no ** of its own)
    outside: bool = False  # in a web page: outside the main text the extraction library found


@dataclass(frozen=True)
class Input:
    kind: str  # what the file is, for messages: "plain text", "Word document", "web page"
    unit: str  # what Block.number counts: "line" or "paragraph"
    blocks: list[Block]
    title: str | None = None  # the page's or the document's own title, if it has one
    left_out: list[tuple[int, str]] = field(default_factory=list)  # (number, what) the reader could not import
    guess: str | None = None  # how the reader guessed where the article is, if it did


def read(path: Path, shown: str) -> Input:
    """The blocks of an article file, by its extension; UserError with one clear message if it is not one."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise fail(shown, "this is an old Word document (.doc); open it in Word or WPS and save it as .docx")
    reader = READERS.get(suffix)
    if reader is None:
        raise fail(shown, f"cannot import a '{suffix or 'file without an extension'}' file; give a .txt "
                          "(text copied from a web page), a .docx (Word) or an .html (a saved web page)")
    limit = MAX_DOCX_BYTES if suffix == ".docx" else MAX_SOURCE_BYTES
    found = reader(read_bytes(path, shown, limit), shown)
    if not any(b.text for b in found.blocks):
        raise fail(shown, "the file has no text; there is no article to import")
    return found


def read_bytes(path: Path, shown: str, limit: int) -> bytes:
    """The file's bytes: a regular, non-empty file of at most `limit` bytes (a bigger one is not read)."""
    data, size = read_regular(path, shown, limit, what="file")
    if len(data) > limit:
        raise fail(shown, f"the file is {size:,} bytes; import reads at most {limit:,} bytes (a study article is "
                          "10-50 KB)")
    if not data:
        raise fail(shown, "the file is empty; there is no article to import")
    return data


# ---- text ---------------------------------------------------------------------------------------------------

def read_text(data: bytes, shown: str) -> Input:
    """Plain text: one block per line, numbered as an editor numbers lines."""
    lines = re.split(r"\r\n|\r|\n", decode(data, shown))
    return Input("plain text", "line", [Block(n, tidy(line)) for n, line in enumerate(lines, 1) if tidy(line)])


def decode(data: bytes, shown: str) -> str:
    """Text saved as UTF-8 (with or without a BOM), UTF-16 with a BOM (Notepad's "Unicode"), or GB18030 (GBK,
    GB2312: Notepad's "ANSI" on Chinese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise fail(shown, "the file starts as UTF-16 text but is damaged; save it again as UTF-8") from None
    if b"\0" in data:
        at = data.index(b"\0")
        raise fail(shown, f"the file is not text (a NUL byte at byte offset {at}); import reads text saved as "
                          "UTF-8 or GB18030, .docx and .html")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _mostly_chinese(text):
        return text
    raise fail(shown, f"the text is neither UTF-8 nor GB18030 (byte 0x{data[utf8_error]:02x} at offset "
                      f"{utf8_error}); save it as UTF-8")


def _mostly_chinese(text: str) -> bool:
    """Bytes of another encoding read as GB18030 give rare characters and symbols; Chinese text gives mostly
    common wide characters."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    chinese = sum(1 for ch in wide if unicodedata.east_asian_width(ch) in ("W", "F"))
    return chinese >= 0.8 * len(wide)


def tidy(text: str) -> str:
    """One line of text as a source should have it: no invisible characters or controls, one blank where there
    were several, no indentation (the full-width spaces and no-break spaces web pages indent with). A single
    no-break space ("第\xa06.1\xa0节") and a full-width space inside the text are meant, and stay."""
    text = text.translate(INVISIBLE)
    text = "".join(" " if _is_blank(ch) else ch for ch in text if ch == "\t" or unicodedata.category(ch) != "Cc")
    return re.sub("[ \xa0]{2,}", " ", text.replace("\t", " ")).strip(" \u3000\xa0")


def _is_blank(ch: str) -> bool:
    return ch not in "\u3000\xa0" and unicodedata.category(ch) == "Zs"


# ---- bold runs ----------------------------------------------------------------------------------------------

def marked(runs: list[tuple[str, bool]]) -> tuple[str, bool]:
    """Text runs (text, bold) as one text with **...** around bold runs, and whether all of it is bold (then it
    has no ** of its own: the reader decides). Blanks at a run's ends stay outside its marks."""
    merged: list[list] = []
    for text, bold in runs:
        text = text.translate(INVISIBLE)
        if not text:
            continue
        bold = bold and bool(text.strip(" \t\u3000\xa0"))  # a bold blank is no emphasis
        if merged and (merged[-1][1] == bold or not text.strip(" \t\u3000\xa0")):
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    words = [(t, b) for t, b in merged if t.strip(" \t\u3000\xa0")]
    if words and all(b for _, b in words):
        return tidy("".join(t for t, _ in merged)), True
    out = []
    for text, bold in merged:
        core = text.strip(" \t\u3000\xa0")
        if bold and core:
            start = text.index(core[0])
            out.append(f"{text[:start]}**{core}**{text[start + len(core):]}")
        else:
            out.append(text)
    return tidy("".join(out)), False


# ---- Word ---------------------------------------------------------------------------------------------------

def read_docx(data: bytes, shown: str) -> Input:
    """A Word document: one block per paragraph (a line break inside one makes another block with the same
    number), with its heading style, list numbering, alignment and bold runs. Tables and pictures are left out."""
    document = _open_docx(data, shown)
    blocks: list[Block] = []
    left_out: list[tuple[int, str]] = []
    number = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            number += 1
            blocks.extend(_docx_blocks(Paragraph(child, document._body), number))
        elif child.tag == qn("w:tbl"):
            left_out.append((number, f"a table after paragraph {number}: tables are not imported"))
    title = document.core_properties.title
    return Input("Word document", "paragraph", blocks, tidy(title) if title else None, left_out)


def _open_docx(data: bytes, shown: str) -> docx.document.Document:
    if data.startswith(OLE_MAGIC):
        raise fail(shown, "this is an old Word document (.doc) or a password-protected one; open it in Word or "
                          "WPS and save it as .docx without a password")
    if not data.startswith(ZIP_MAGIC):
        raise fail(shown, "is not a Word document: a .docx file is a zip archive, and this is not one")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError):
        raise fail(shown, "is not a Word document: the archive is damaged or has no word/document.xml") from None
    if size > MAX_DOCX_BYTES:
        raise fail(shown, f"the document's text part is {size:,} bytes; import reads at most {MAX_DOCX_BYTES:,}")
    try:
        return docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile, lxml.etree.LxmlError) as e:
        raise fail(shown, f"is not a Word document python-docx can read: {e}") from None


def _docx_blocks(paragraph: Paragraph, number: int) -> Iterator[Block]:
    runs = []
    for item in paragraph.iter_inner_content():
        for run in getattr(item, "runs", [item]):  # a hyperlink holds runs
            runs.append((run.text, _is_bold(run, paragraph)))
    heading, role = _docx_kind(paragraph)
    for line in _split_runs(runs):
        text, bold = marked(line)
        if text:
            yield Block(number, text, heading, role, bold)


def _split_runs(runs: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Runs cut at line breaks (Shift+Enter in Word, <br> in a page): one list of runs per line."""
    lines: list[list[tuple[str, bool]]] = [[]]
    for text, bold in runs:
        for k, piece in enumerate(text.split("\n")):
            if k:
                lines.append([])
            lines[-1].append((piece, bold))
    return lines


def _is_bold(run, paragraph: Paragraph) -> bool:
    """A run's bold as Word shows it: its own setting, else its character style's, else the paragraph style's."""
    if run.bold is not None:
        return run.bold
    for style in (run.style, paragraph.style):
        while style is not None:
            if style.font.bold is not None:
                return style.font.bold
            style = style.base_style
    return False


def _docx_kind(paragraph: Paragraph) -> tuple[int | None, str | None]:
    """The heading level and role a paragraph's style, outline level, numbering and alignment give it."""
    style = paragraph.style
    names = []
    while style is not None:
        names.append(style.name or "")
        style = style.base_style
    heading = None
    for name in names:
        match = HEADING_STYLE.search(name)
        if name.lower() == "title" or name == "标题":
            heading = 0
        elif match:
            heading = int(match.group(1))
        if heading is not None:
            break
    outline = _docx_property(paragraph, "w:outlineLvl")
    if heading is None and outline is not None and outline.get(qn("w:val"), "9").isdigit():
        level = int(outline.get(qn("w:val"))) + 1
        heading = level if level <= 6 else None
    role = None
    if any(n.lower() == "subtitle" or n == "副标题" for n in names):
        role = "subtitle"
    elif any("quote" in n.lower() or "引用" in n for n in names):
        role = "quote"
    else:
        role = _docx_list(paragraph) or _docx_alignment(paragraph)
    return heading, role


def _docx_property(paragraph: Paragraph, tag: str) -> lxml.etree._Element | None:
    """A paragraph property (w:pPr child) set on the paragraph or by its style or the styles it is based on."""
    found = paragraph._p.find(f"{qn('w:pPr')}/{qn(tag)}")
    style = paragraph.style
    while found is None and style is not None:
        found = style.element.find(f"{qn('w:pPr')}/{qn(tag)}")
        style = style.base_style
    return found


def _docx_list(paragraph: Paragraph) -> str | None:
    """"bullet" or "numbered" for a paragraph in one of Word's lists, from its numbering's format."""
    numbering = _docx_property(paragraph, "w:numPr")
    if numbering is None:
        return None
    num_id = numbering.find(qn("w:numId"))
    level = numbering.find(qn("w:ilvl"))
    if num_id is None or num_id.get(qn("w:val")) == "0":
        return None
    try:
        part = paragraph.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return "numbered"
    ilvl = level.get(qn("w:val")) if level is not None else "0"
    abstract = part.xpath(f"w:num[@w:numId='{num_id.get(qn('w:val'))}']/w:abstractNumId/@w:val")
    formats = part.xpath(f"w:abstractNum[@w:abstractNumId='{abstract[0]}']/w:lvl[@w:ilvl='{ilvl}']/w:numFmt/@w:val"
                         ) if abstract else []
    if formats and formats[0] == "none":
        return None
    return "bullet" if formats and formats[0] == "bullet" else "numbered"


def _docx_alignment(paragraph: Paragraph) -> str | None:
    align = _docx_property(paragraph, "w:jc")
    value = align.get(qn("w:val")) if align is not None else None
    return "right" if value in ("right", "end") else None


# ---- web page -----------------------------------------------------------------------------------------------

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul"})
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "svg", "select", "button",
                          "input", "textarea", "object", "embed", "canvas", "map"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html(data: bytes, shown: str) -> Input:
    """A saved web page: every block of the page, each marked inside or outside the main text that
    readability-lxml (the extraction library) finds; the page's title as readability reads it."""
    text = XML_DECLARATION.sub("", decode_html(data, shown), count=1)  # lxml refuses one in decoded text
    try:
        page = lxml.html.document_fromstring(text)
        extracted = Document(text)
        main = html_blocks(lxml.html.fragment_fromstring(extracted.summary(html_partial=True)))
        title = tidy(extracted.short_title() or "") or None
    except (lxml.etree.LxmlError, Unparseable, ValueError) as e:
        raise fail(shown, f"cannot read the web page: {e}") from None
    body = page.body if page.find("body") is not None else page
    blocks, guess = _main_text(mark_main(html_blocks(body), main))
    if not any(len(b.text) >= MIN_ARTICLE_CHARS for b in blocks if not b.outside):
        raise fail(shown, "no article text found in the page (only navigation and short lines); save the "
                          "article's own page, or copy its text into a .txt file")
    return Input("web page", "line", blocks, title, guess=guess)


def _main_text(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """The blocks with the main text marked, and the guess made if the extraction library failed: a page whose
    main text holds less than half the text of its paragraphs (readability drops link-rich lists and pages it
    cannot score) is taken whole from its title (its first <h1>) to its last paragraph."""
    paragraphs = [b for b in blocks if len(b.text) >= LONG]
    total = sum(len(b.text) for b in paragraphs)
    kept = sum(len(b.text) for b in paragraphs if not b.outside)
    if not total or kept >= MIN_EXTRACTED * total:
        return blocks, None
    first = next((k for k, b in enumerate(blocks) if b.heading == 1), 0)
    last = max(k for k, b in enumerate(blocks) if len(b.text) >= LONG)
    guess = (f"guessed: the extraction library found only {kept / total:.0%} of the page's paragraphs, so the "
             f"page's text from its title to its last paragraph (lines {blocks[first].number}-"
             f"{blocks[last].number}) was taken")
    return [replace(b, outside=not first <= k <= last) for k, b in enumerate(blocks)], guess


def decode_html(data: bytes, shown: str) -> str:
    """A page's text in the encoding it declares (<meta charset>), else as a text file is read. lxml is given
    text, not bytes, so that a declaration it does not know (gb2312 for GB18030 text) does not garble it."""
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
    name = declared.group(1).decode("ascii").lower() if declared else ""
    if name in ("gb2312", "gbk", "gb18030", "x-gbk") and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return decode(data, shown)


@dataclass
class _Walk:
    """The state of walking a page's tree into blocks."""
    blocks: list[Block] = field(default_factory=list)
    runs: list[tuple[str, bool]] = field(default_factory=list)
    line: int = 0
    context: Block = field(default_factory=lambda: Block(0, ""))

    def flush(self) -> None:
        text, bold = marked(self.runs)
        if text:
            self.blocks.append(replace(self.context, number=self.line or self.context.number, text=text, bold=bold))
        self.runs, self.line = [], 0

    def add(self, text: str | None, bold: bool, line: int | None) -> None:
        if text and text.strip():
            self.line = self.line or line or 0
        if text:
            self.runs.append((re.sub(r"[ \t\r\n]+", " ", text), bold))


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """The text of a page's tree, one block per block element or line (<br>), with headings, list items, quotes,
    alignment and bold runs (<b>, <strong>, font-weight) kept."""
    walk = _Walk()
    _walk(root, walk, Block(root.sourceline or 0, ""), bold=False)
    walk.flush()
    return walk.blocks


def _walk(element: lxml.html.HtmlElement, walk: _Walk, context: Block, bold: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in SKIPPED_TAGS or not tag:  # a comment or a processing instruction: only its tail is text
        walk.add(element.tail, bold, element.sourceline)
        return
    style = element.get("style", "")
    inner_bold = bold or tag in ("b", "strong") or bool(BOLD_STYLE.search(style))
    block = tag in BLOCK_TAGS
    inner = _html_context(element, tag, style, context) if block else context
    if block or tag == "br":
        walk.flush()
        walk.context = inner
    walk.add(element.text, inner_bold, element.sourceline)
    for child in element:
        _walk(child, walk, inner, inner_bold)
    if block:
        walk.flush()
        walk.context = context
    walk.add(element.tail, bold, element.sourceline)


def _html_context(element: lxml.html.HtmlElement, tag: str, style: str, outer: Block) -> Block:
    """What a block element says about the text inside it, on top of what its ancestors said."""
    heading = HEADINGS.get(tag, outer.heading)
    role = outer.role
    if tag == "blockquote":
        role = "quote"
    elif tag == "li":
        role = "numbered" if element.getparent() is not None and element.getparent().tag == "ol" else "bullet"
    elif RIGHT_STYLE.search(style) or (element.get("align") or "").lower() == "right":
        role = "right"
    return Block(element.sourceline or outer.number, "", heading, role)


def mark_main(page: list[Block], main: list[Block]) -> list[Block]:
    """The page's blocks, those that are not part of the main text marked outside. The extraction library
    rebuilds the main text's tree, so its blocks are found in the page's by their text, in order."""
    inside = set()
    at = 0
    for block in main:
        key = _key(block.text)
        for k in range(at, len(page)):
            if _key(page[k].text) == key:
                inside.add(k)
                at = k + 1
                break
    return [b if k in inside else replace(b, outside=True) for k, b in enumerate(page)]


def _key(text: str) -> str:
    return re.sub(r"[\s*]+", "", text)


READERS = {".txt": read_text, ".text": read_text, ".docx": read_docx, ".html": read_html, ".htm": read_html}
