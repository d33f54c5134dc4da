"""Stage 5: WeasyPrint's PDF -> the PDF we ship, with pikepdf: what WeasyPrint 70 cannot do by itself.

1. Structure (`tagging`): one element per heading, paragraph and section; running heads and page numbers
   become pagination artifacts (/Header, /Footer).
2. Print colour: a neutral grey or black in DeviceRGB (r = g = b) becomes DeviceGray, which a CMYK
   conversion prints with black ink only; sRGB #1a1a1a would become four-colour rich black.
3. Compact fonts (`fontsubset`).
4. Metadata: XMP mirroring the document information dictionary, PDF/UA-1 (and PDF/A-3b) identification,
   bookmarks panel open, the bleed box at the real bleed.

Every step checks what it finds; anything unexpected raises PostError with what was expected, so that a
strict build fails instead of shipping a half-processed file.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
from pikepdf import Dictionary, Name

from . import fontsubset, tagging

MM = 72 / 25.4
Ops = list[pikepdf.ContentStreamInstruction]
Matrix = tuple[float, float, float, float, float, float]


class PostError(Exception):
    pass


@dataclass(frozen=True)
class Finish:
    variant: str = "pdf/ua-1"
    bleed_mm: float = 0.0  # the real bleed: the BleedBox is set to it


def finish(data: bytes, document: object, options: Finish) -> bytes:
    """The shipped PDF from WeasyPrint's (written with tags) and the layout it was written from."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
        plan = tagging.plan(pdf, tagging.continuations(document))
        streams = list(_streams(pdf))
        for i, page in enumerate(pdf.pages):
            _mark(i, streams[i][1], plan, page)
        for _, ops, _ in streams:
            _grey(ops)
        fontsubset.compact(pdf, ((resources, ops) for resources, ops, _ in streams))
        for _, ops, owner in streams:
            owner.write(pikepdf.unparse_content_stream(ops))
        tagging.write(pdf, plan)
        _metadata(pdf, options.variant)
        _boxes(pdf, options.bleed_mm)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    except (tagging.TagError, fontsubset.FontError) as e:
        raise PostError(f"post-processing WeasyPrint's PDF: {e}") from None
    except pikepdf.PdfError as e:
        raise PostError(f"post-processing WeasyPrint's PDF: pikepdf: {e}") from None
    return out.getvalue()


def _streams(pdf: pikepdf.Pdf) -> Iterator[tuple[Dictionary, Ops, pikepdf.Stream]]:
    """(resources, parsed content, stream) of every page (in page order, first) and every form XObject."""
    forms = []
    for page in pdf.pages:
        page.contents_coalesce()
        yield page.Resources, pikepdf.parse_content_stream(page), page.Contents
        forms.extend(_forms(page.Resources))
    seen = set()
    while forms:
        form = forms.pop()
        if form.objgen in seen:
            continue
        seen.add(form.objgen)
        resources = form.get("/Resources", Dictionary())
        forms.extend(_forms(resources))
        yield resources, pikepdf.parse_content_stream(form), form


def _forms(resources: Dictionary) -> list[pikepdf.Stream]:
    xobjects = resources.get("/XObject", Dictionary())
    return [x for _, x in xobjects.items() if x.get("/Subtype") == Name.Form]


# --- marked content: new MCIDs, artifacts ----------------------------------------------------------------------

def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n  # noqa: N806
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _mark(page_index: int, ops: Ops, plan: tagging.Plan, page: pikepdf.Page) -> None:
    """Renumber the tagged sequences of a page in stream order (filling plan.new_mcid), tag each with its
    element's role, and turn the margin boxes' sequences into /Header or /Footer artifacts (by where their
    text starts on the page)."""
    roles = {content: element.role for element in plan.document.elements()
             for content in element.kids if isinstance(content, tagging.Content)}
    middle = (float(page.mediabox[1]) + float(page.mediabox[3])) / 2
    ctm: Matrix = (1, 0, 0, 1, 0, 0)
    saved: list[Matrix] = []
    artifact: int | None = None  # index of the open artifact's BDC, until its position is known
    next_mcid = 0
    for index, op in enumerate(ops):
        name = str(op.operator)
        if name == "q":
            saved.append(ctm)
        elif name == "Q":
            ctm = saved.pop()
        elif name == "cm":
            ctm = _multiply(tuple(float(v) for v in op.operands), ctm)  # type: ignore[arg-type]
        elif name == "BDC" and isinstance(op.operands[1], Dictionary) and "/MCID" in op.operands[1]:
            content = tagging.Content(page_index, int(op.operands[1].MCID))
            if content in plan.artifacts:
                artifact = index
                ops[index] = _artifact(None)
            elif content in roles:
                plan.new_mcid[content] = next_mcid
                ops[index] = pikepdf.ContentStreamInstruction(
                    [Name("/" + roles[content]), Dictionary(MCID=next_mcid)], op.operator)
                next_mcid += 1
            else:
                raise tagging.TagError(f"page {page_index + 1}: marked content {content.mcid} is neither "
                                       "in the structure tree nor a page-margin box")
        elif name == "Tm" and artifact is not None:
            e, f = float(op.operands[4]), float(op.operands[5])
            y = ctm[1] * e + ctm[3] * f + ctm[5]
            ops[artifact] = _artifact("/Header" if y > middle else "/Footer")
            artifact = None
        elif name == "EMC":
            artifact = None


def _artifact(subtype: str | None) -> pikepdf.ContentStreamInstruction:
    properties = Dictionary(Type=Name.Pagination)
    if subtype:
        properties.Subtype = Name(subtype)
    return pikepdf.ContentStreamInstruction([Name.Artifact, properties], pikepdf.Operator("BDC"))


# --- print colour ----------------------------------------------------------------------------------------------

def _grey(ops: Ops) -> None:
    """r g b rg with r = g = b -> r g (DeviceGray), and RG -> G likewise."""
    for index, op in enumerate(ops):
        name = str(op.operator)
        if name in ("rg", "RG") and len({float(v) for v in op.operands}) == 1:
            ops[index] = pikepdf.ContentStreamInstruction([op.operands[0]],
                                                          pikepdf.Operator("g" if name == "rg" else "G"))


# --- metadata ---------------------------------------------------------------------------------------------------

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def xmp_date(pdf_date: str) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' (any tail omitted) -> the same instant in ISO 8601, to the same precision."""
    m = re.fullmatch(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:(Z)|([+-])(\d\d)'?(\d\d)?'?)?", pdf_date)
    if not m:
        raise PostError(f"post-processing WeasyPrint's PDF: unexpected date {pdf_date!r} in its metadata")
    year, month, day, hour, minute, second, zulu, sign, tz_hour, tz_minute = m.groups()
    text = "-".join(p for p in (year, month, day) if p)
    if hour:
        text += f"T{hour}:{minute or '00'}" + (f":{second}" if second else "")
        text += "Z" if zulu else f"{sign}{tz_hour}:{tz_minute or '00'}" if sign else ""
    return text


def _metadata(pdf: pikepdf.Pdf, variant: str) -> None:
    """XMP from the document information dictionary (the two must agree for PDF/A), plus the PDF/UA-1 and,
    for pdf/a-3b, PDF/A-3 identification; the window shows the title; the bookmarks panel opens."""
    info = {key[1:]: str(value) for key, value in pdf.docinfo.items()}
    if "Title" not in info:
        raise PostError("post-processing WeasyPrint's PDF: it has no title")
    rdf = ET.Element(_q("rdf:RDF"))
    d = ET.SubElement(rdf, _q("rdf:Description"), {_q("rdf:about"): ""})

    def add(name: str, text: str, container: str | None = None, lang: bool = False) -> None:
        element = ET.SubElement(d, _q(name))
        if container is None:
            element.text = text
            return
        item = ET.SubElement(ET.SubElement(element, _q(container)), _q("rdf:li"))
        if lang:
            item.set("xml:lang", "x-default")
        item.text = text

    add("dc:format", "application/pdf")
    add("dc:title", info["Title"], "rdf:Alt", lang=True)
    if "Author" in info:
        add("dc:creator", info["Author"], "rdf:Seq")
    if "Subject" in info:
        add("dc:description", info["Subject"], "rdf:Alt", lang=True)
    if "/Lang" in pdf.Root:
        add("dc:language", str(pdf.Root.Lang), "rdf:Bag")
    if "Keywords" in info:
        add("pdf:Keywords", info["Keywords"])
    add("pdf:Producer", info.get("Producer", ""))
    if "Creator" in info:
        add("xmp:CreatorTool", info["Creator"])
    if "CreationDate" in info:
        add("xmp:CreateDate", xmp_date(info["CreationDate"]))
        add("xmp:MetadataDate", xmp_date(info["CreationDate"]))
    if "ModDate" in info:
        add("xmp:ModifyDate", xmp_date(info["ModDate"]))
    add("pdfuaid:part", "1")
    if variant == "pdf/a-3b":
        add("pdfaid:part", "3")
        add("pdfaid:conformance", "B")
        _pdfua_extension_schema(d)
    packet = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
              + b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + ET.tostring(rdf, encoding="utf-8")
              + b"</x:xmpmeta>\n<?xpacket end=\"w\"?>")
    pdf.Root.Metadata = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    outlines = pdf.Root.get("/Outlines")
    if outlines is not None and "/First" in outlines:
        pdf.Root.PageMode = Name.UseOutlines


def _pdfua_extension_schema(description: ET.Element) -> None:
    """PDF/A wants every XMP property outside its predefined schemas described: pdfuaid:part is one."""
    schemas = ET.SubElement(ET.SubElement(description, _q("pdfaExtension:schemas")), _q("rdf:Bag"))
    schema = ET.SubElement(schemas, _q("rdf:li"), {_q("rdf:parseType"): "Resource"})
    for name, text in (("pdfaSchema:schema", "PDF/UA Universal Accessibility Schema"),
                       ("pdfaSchema:namespaceURI", NS["pdfuaid"]), ("pdfaSchema:prefix", "pdfuaid")):
        ET.SubElement(schema, _q(name)).text = text
    properties = ET.SubElement(ET.SubElement(schema, _q("pdfaSchema:property")), _q("rdf:Seq"))
    prop = ET.SubElement(properties, _q("rdf:li"), {_q("rdf:parseType"): "Resource"})
    for name, text in (("pdfaProperty:name", "part"), ("pdfaProperty:valueType", "Integer"),
                       ("pdfaProperty:category", "internal"),
                       ("pdfaProperty:description", "Indicates, which part of ISO 14289 standard is followed")):
        ET.SubElement(prop, _q(name)).text = text


def _boxes(pdf: pikepdf.Pdf, bleed_mm: float) -> None:
    """WeasyPrint puts the BleedBox at most 10 pt outside the trim; a print shop reads it as the bleed."""
    if not bleed_mm:
        return
    for page in pdf.pages:
        x0, y0, x1, y1 = (float(v) for v in page.trimbox)
        b = bleed_mm * MM
        page.obj.BleedBox = pikepdf.Array([x0 - b, y0 - b, x1 + b, y1 + b])
