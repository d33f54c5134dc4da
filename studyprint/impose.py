"""Booklet imposition: the A5 handout two-up on A4 landscape in saddle-stitch order, with pikepdf.

Pages are padded with blank ones to a multiple of four. Sheet s (from 0) of a booklet of N pages carries
N-2s | 1+2s on its front and 2+2s | N-1-2s on its back: printed double-sided, flipped on the short edge,
the sheets stacked in order, folded and stapled, the pages read 1, 2, …, N.

Each handout page's content (parsed and written back by pikepdf) is placed on its sheet side, moved to
its half, with its marked-content ids renumbered per sheet: the structure tree is kept with its references
retargeted to the sheets, so the booklet stays tagged and reads in the handout's order whatever the order
of the pages on the sheets. (Form XObjects, the usual way to place a page, would leave the `Do` that paints
them outside any marked content, which PDF/UA checkers flag.)
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

A4_LANDSCAPE = (841.89, 595.28)


class ImposeError(Exception):
    pass


def saddle_stitch(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page numbers (1-based, None for a blank) of each sheet side in printing order."""
    total = -(-pages // 4) * 4

    def page(number: int) -> int | None:
        return number if number <= pages else None

    sides = []
    for sheet in range(total // 4):
        sides.append((page(total - 2 * sheet), page(1 + 2 * sheet)))
        sides.append((page(2 + 2 * sheet), page(total - 1 - 2 * sheet)))
    return sides


def booklet(handout: bytes) -> bytes:
    """The booklet PDF from a finished (tagged) A5 handout PDF."""
    pdf = pikepdf.open(io.BytesIO(handout))
    originals = list(pdf.pages)
    width, height = (float(v) for v in originals[0].mediabox[2:])
    if any(list(p.mediabox) != list(originals[0].mediabox) for p in originals) or 2 * width > A4_LANDSCAPE[0] + 0.5:
        raise ImposeError("a booklet needs pages of one size, at most half an A4 landscape sheet wide (A5)")
    resources = originals[0].obj.Resources
    if any(p.obj.Resources.objgen != resources.objgen for p in originals):
        raise ImposeError("the handout's pages do not share one resource dictionary (as WeasyPrint writes them)")
    contents = [pikepdf.parse_content_stream(page) for page in originals]
    margin = (A4_LANDSCAPE[0] - 2 * width) / 2
    placed: dict[int, tuple[pikepdf.Object, int]] = {}  # handout page index -> (sheet side, MCID offset)
    parents = _parent_arrays(pdf)
    sides = saddle_stitch(len(originals))
    for number, (left, right) in enumerate(sides):
        sheet = pdf.add_blank_page(page_size=A4_LANDSCAPE)
        sheet.obj.Resources = resources
        sheet.obj.Tabs = Name.S
        sheet.obj.StructParents = number
        ops: list = []
        sheet_parents = Array()
        links = Array()
        # the earlier page first: a sheet side painted in reading order (its right half may come first)
        for slot, page in sorted(enumerate((left, right)), key=lambda placed_page: placed_page[1] or 0):
            if page is None:
                continue
            offset = len(sheet_parents)
            placed[page - 1] = (sheet.obj, offset)
            sheet_parents.extend(parents.get(page - 1, []))
            ops.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("q")))
            ops.append(pikepdf.ContentStreamInstruction([1, 0, 0, 1, margin + slot * width, 0],
                                                        pikepdf.Operator("cm")))
            ops.extend(_shifted(contents[page - 1], offset))
            ops.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q")))
            links.extend(_moved_links(originals[page - 1].obj, sheet.obj, margin + slot * width))
        sheet.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        if links:
            sheet.obj.Annots = links
        parents[("sheet", number)] = sheet_parents
    del pdf.pages[:len(originals)]
    _retarget_structure(pdf, [p.obj for p in originals], placed, parents, len(sides))
    for key in ("/Outlines", "/PageMode", "/Names"):  # destinations on the handout's pages, which are gone
        if key in pdf.Root:
            del pdf.Root[key]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, fix_metadata_version=False,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _moved_links(page: pikepdf.Object, sheet: pikepdf.Object, dx: float) -> list[pikepdf.Object]:
    """The page's link annotations, moved with its content to their place on the sheet."""
    moved = []
    for annotation in page.get("/Annots", Array()):
        if annotation.get("/Subtype") != Name.Link:
            raise ImposeError("the handout has an annotation that is not a link")
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        annotation.Rect = Array([x0 + dx, y0, x1 + dx, y1])
        if "/P" in annotation:
            annotation.P = sheet
        moved.append(annotation)
    return moved


def _parent_arrays(pdf: pikepdf.Pdf) -> dict:
    """Page index -> its ParentTree array (MCID -> structure element)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/Nums" not in root.get("/ParentTree", Dictionary()):
        raise ImposeError("the handout is not tagged with a flat ParentTree (pdfpost writes one)")
    keys = {int(page.obj.StructParents): i for i, page in enumerate(pdf.pages) if "/StructParents" in page.obj}
    nums = root.ParentTree.Nums
    return {keys[int(k)]: list(v) for k, v in zip(nums[::2], nums[1::2], strict=True) if int(k) in keys}


def _shifted(ops: list, offset: int) -> list:
    """A page's content with its MCIDs moved up by offset (the sheet numbers the MCIDs of both its pages)."""
    shifted = []
    for op in ops:
        if (str(op.operator) == "BDC" and isinstance(op.operands[1], Dictionary)
                and "/MCID" in op.operands[1]):
            properties = Dictionary(MCID=int(op.operands[1].MCID) + offset)
            op = pikepdf.ContentStreamInstruction([op.operands[0], properties], op.operator)
        shifted.append(op)
    return shifted


def _retarget_structure(pdf: pikepdf.Pdf, originals: list, placed: dict, parents: dict, sheets: int) -> None:
    """Point every structure element and content reference from a handout page to its sheet side."""
    index = {page.objgen: i for i, page in enumerate(originals)}
    root = pdf.Root.StructTreeRoot

    def page_of(reference: pikepdf.Object) -> int:
        if reference.objgen not in index:
            raise ImposeError("a structure element names a page that is not the handout's")
        return index[reference.objgen]

    stack = [root.K]
    while stack:
        element = stack.pop()
        page = page_of(element.Pg) if "/Pg" in element else None
        if page is not None:
            element.Pg = placed[page][0]
        kids = element.get("/K", Array())
        new_kids = Array()
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, int):
                if page is None:
                    raise ImposeError("marked content under an element that names no page")
                new_kids.append(int(kid) + placed[page][1])
            elif kid.get("/Type") == Name.MCR:
                sheet, offset = placed[page_of(kid.Pg)]
                new_kids.append(Dictionary(Type=Name.MCR, Pg=sheet, MCID=int(kid.MCID) + offset))
            else:
                stack.append(kid)
                new_kids.append(kid)
        element.K = new_kids
    # the links' entries (keys past the handout's pages, so past the sheets' too) are kept as they are
    pages = {int(page.StructParents) for page in originals if "/StructParents" in page}
    old = root.ParentTree.Nums
    links = [(int(k), v) for k, v in zip(old[::2], old[1::2], strict=True) if int(k) not in pages]
    nums = Array()
    for number in range(sheets):
        nums.extend([number, pdf.make_indirect(Array(parents[("sheet", number)]))])
    for key, link in links:
        nums.extend([key, link])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = max([sheets, *(key + 1 for key, _ in links)])
