"""The structure tree: WeasyPrint's tags rebuilt as one element per heading, paragraph and section.

WeasyPrint 70 tags every laid-out box: each text run becomes a Span, each forced line break an empty
element, a paragraph crossing a page two P elements (one per page) and its section two Sect elements, and
the page-margin boxes (running head, page number) are marked content whose elements are not reachable from
the tree (WeasyPrint issue #1836). `rebuild` keeps WeasyPrint's marked content and its order, and writes a
new tree: Document > H1, P, Sect > H2, H3, P …; inline elements (spans, lines, <strong>, <br>) are flattened
into the paragraph that holds them; the parts of a paragraph or section split by a page break are joined
(which ones, `continuations` reads from the layout); margin-box content becomes pagination artifacts.

Anything unexpected in WeasyPrint's tree raises TagError: the caller fails the build rather than ship a
half-rebuilt tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import boxes

BLOCKS = frozenset({"P", "H1", "H2", "H3", "H4", "H5", "H6"})
GROUPS = {"Sect": "Sect", "Art": "Sect", "BlockQuote": "BlockQuote", "L": "L"}  # a poster card is a Sect too
# Elements that only group others: dropped, their children taken by their parent.
TRANSPARENT = frozenset({"Div", "NonStruct", "Part", "Span"})
PRINT_FLAG = 4  # an annotation's /F bit: print it


class TagError(Exception):
    pass


@dataclass(frozen=True)
class Content:
    """One marked-content sequence: its page (0-based) and its MCID in WeasyPrint's numbering."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annotation:
    """A link annotation a Link element holds (an OBJR kid): its page and its object."""

    page: int
    ref: tuple[int, int]


@dataclass
class Element:
    role: str
    kids: list[Element | Content | Annotation] = field(default_factory=list)
    alt: str | None = None  # a figure's alternative text
    layout: Dictionary | None = None  # a figure's layout attributes (its bounding box)

    def contents(self) -> Iterator[Content]:
        for kid in self.kids:
            if isinstance(kid, Content):
                yield kid
            elif isinstance(kid, Element):
                yield from kid.contents()

    def elements(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.elements()


# --- from the layout: which boxes a page break split ------------------------------------------------------------

def continuations(document: object) -> list[int]:
    """For each page, how many nested block boxes at its top continue the previous page's last ones
    (the same HTML elements): 0 for the first page and after a break between sections; 2 when a paragraph
    of a section runs on (the section, then the paragraph)."""
    laid_out = boxes.blocks(document)
    children: dict[int | None, list[boxes.Block]] = {}
    for block in laid_out:
        children.setdefault(block.parent, []).append(block)
    flows = [_flow(laid_out, children, page) for page in range(boxes.page_count(document))]
    depths = [0] * len(flows)
    for i in range(1, len(flows)):
        before, after = flows[i - 1], flows[i]
        while before and after and before[-1].element is not None and before[-1].element is after[0].element:
            depths[i] += 1
            before, after = children.get(before[-1].index, []), children.get(after[0].index, [])
    return depths


def _flow(laid_out: list[boxes.Block], children: dict, page: int) -> list[boxes.Block]:
    """The page's block boxes below <html> and <body> (which WeasyPrint does not tag), margin boxes left out."""
    flow = [b for b in children.get(None, []) if b.page == page and not b.margin]
    while len(flow) == 1 and flow[0].tag in ("html", "body"):
        flow = children.get(flow[0].index, [])
    return flow


# --- from WeasyPrint's tree -------------------------------------------------------------------------------------

@dataclass
class Tree:
    """WeasyPrint's tree read back: the Document's children in order, each with its page."""

    top: list[tuple[int, Element]]
    tagged: set[Content]
    marked: set[Content]  # every marked-content sequence the ParentTree lists, reachable or not


def read(pdf: pikepdf.Pdf) -> Tree:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        raise TagError("WeasyPrint wrote no structure tree (was the PDF written with pdf/ua-1 tags?)")
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    kids = root.get("/K")
    document = kids[0] if isinstance(kids, Array) and len(kids) == 1 else kids
    if not isinstance(document, Dictionary) or document.get("/S") != Name.Document:
        raise TagError("WeasyPrint's structure tree has no single Document element at its root")
    tagged: set[Content] = set()
    top = []
    for kid in document.K:
        page = _page_of(kid, pages)
        top.append((page, _mirror(kid, page, pages, tagged)))
    return Tree(top, tagged, _parent_tree_contents(root, pdf))


def _page_of(element: Dictionary, pages: dict) -> int:
    page = element.get("/Pg")
    if page is None or page.objgen not in pages:
        raise TagError(f"a /{_role(element)} element of WeasyPrint's tree names no page")
    return pages[page.objgen]


def _role(element: Dictionary) -> str:
    return str(element.get("/S", "/?"))[1:]


def _mirror(element: Dictionary, page: int, pages: dict, tagged: set[Content]) -> Element:
    if element.get("/Type", Name.StructElem) != Name.StructElem or "/S" not in element:
        raise TagError(f"unexpected object in WeasyPrint's structure tree: {element.get('/Type')}")
    alt = element.get("/Alt")
    mirrored = Element(_role(element), alt=str(alt) if alt is not None else None, layout=element.get("/A"))
    kids = element.get("/K", Array())
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int):
            content = Content(page, int(kid))
            tagged.add(content)
            mirrored.kids.append(content)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
            content = Content(pages[kid.Pg.objgen], int(kid.MCID))
            tagged.add(content)
            mirrored.kids.append(content)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            if mirrored.role not in ("Link", "Span") or kid.Obj.get("/Subtype") != Name.Link:
                raise TagError("WeasyPrint's tree holds an annotation that is not a link (a form field): not "
                               "supported")
            mirrored.role = "Link"  # WeasyPrint tags the part of a link on a line of its own as a Span
            mirrored.kids.append(Annotation(_page_of(kid, pages) if "/Pg" in kid else page, kid.Obj.objgen))
        elif isinstance(kid, Dictionary):
            kid_page = _page_of(kid, pages) if "/Pg" in kid else page
            mirrored.kids.append(_mirror(kid, kid_page, pages, tagged))
        else:
            raise TagError(f"unexpected kid in WeasyPrint's structure tree: {kid!r}")
    return mirrored


def _parent_tree_contents(root: Dictionary, pdf: pikepdf.Pdf) -> set[Content]:
    keys = {int(page.obj.get("/StructParents", -1)): i for i, page in enumerate(pdf.pages)}
    nums = root.ParentTree.get("/Nums")
    if nums is None:
        raise TagError("WeasyPrint's ParentTree is not a flat number tree")
    found = set()
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if int(key) in keys and isinstance(value, Array):
            found.update(Content(keys[int(key)], mcid) for mcid in range(len(value)))
    return found


# --- the new tree -----------------------------------------------------------------------------------------------

def join_pages(tree: Tree, depths: list[int]) -> list[Element]:
    """The Document's children with each page's continued elements joined to the previous page's."""
    joined: list[Element] = []
    previous_page = -1
    for page, element in tree.top:
        if page != previous_page and page > 0 and depths[page] and joined:
            _join(joined[-1], element, depths[page], page)
        else:
            joined.append(element)
        previous_page = page
    return joined


def _join(before: Element, after: Element, depth: int, page: int) -> None:
    if before.role != after.role:
        raise TagError(f"page {page + 1} continues a /{before.role} of page {page} "
                       f"but WeasyPrint's tree starts it with a /{after.role}")
    if depth > 1:
        last = next((k for k in reversed(before.kids) if isinstance(k, Element)), None)
        first = next((k for k in after.kids if isinstance(k, Element)), None)
        if last is None or first is None:
            raise TagError(f"page {page + 1} continues a /{before.role} of page {page} at depth {depth}, "
                           "but WeasyPrint's tree has no element there")
        _join(last, first, depth - 1, page)
        after.kids.remove(first)
    before.kids.extend(after.kids)


def logical(children: list[Element]) -> Element:
    """Document > headings, paragraphs and sections; inline elements flattened into their block."""
    return Element("Document", [x for child in children for x in _convert(child)])


def _text(element: Element) -> list[Element | Content | Annotation]:
    """An inline element's marked content, flattened, with its links kept as Link elements; beside a link, the
    runs of plain text are Spans, so that every element holds one stretch of the text in reading order (a
    checker that reads an element's own content before its children's would read a P's text past its links)."""
    found: list[Element | Content | Annotation] = []
    for kid in element.kids:
        if isinstance(kid, Element) and kid.role == "Link":
            found.append(Element("Link", _link_kids(kid)))
        elif isinstance(kid, Element):
            found.extend(_text(kid))
        else:
            found.append(kid)
    if not any(isinstance(kid, Element) and kid.role == "Link" for kid in found):
        return found
    grouped: list[Element | Content | Annotation] = []
    for kid in found:
        if isinstance(kid, Element):
            grouped.append(kid)
        elif grouped and isinstance(grouped[-1], Element) and grouped[-1].role == "Span":
            grouped[-1].kids.append(kid)
        else:
            grouped.append(Element("Span", [kid]))
    return grouped


def _link_kids(link: Element) -> list[Element | Content | Annotation]:
    """A link's marked content and its annotation, flattened into one Link: WeasyPrint names the annotation in
    the Link and again in a Span inside it, and one annotation has one parent."""
    kids: list[Element | Content | Annotation] = []
    for kid in link.kids:
        for item in _link_kids(kid) if isinstance(kid, Element) else [kid]:
            if item not in kids:
                kids.append(item)
    return kids


def _convert(element: Element) -> list[Element]:
    if element.role in BLOCKS:
        contents = _text(element)
        return [Element(element.role, contents)] if contents else []
    if element.role == "LI":  # a list item: its label (the number or bullet), then its body
        kids = [x for kid in element.kids if isinstance(kid, Element) for x in _convert(kid)]
        label = [k for k in kids if k.role == "Lbl"]
        body = [k for k in kids if k.role != "Lbl"]
        return [Element("LI", [*label, Element("LBody", body)])] if body else []
    if element.role in ("Lbl", "LBody") and _inline(element):
        contents = _text(element)
        return [Element(element.role, contents)] if contents else []
    if element.role == "Figure":  # a drawing (the poster's QR code): kept whole, with its alternative text
        if not element.alt:
            raise TagError("WeasyPrint's tree holds a /Figure with no alternative text (an SVG needs a <title>)")
        return [Element("Figure", list(element.contents()), element.alt, element.layout)]
    if _inline(element):  # a <div> or <footer> holding text is a paragraph
        contents = _text(element)
        kids: list[Element | Content | Annotation] = [Element("P", contents)] if contents else []
    else:
        kids = [x for kid in element.kids if isinstance(kid, Element) for x in _convert(kid)]
    if element.role in GROUPS:
        return [Element(GROUPS[element.role], kids)] if kids else []
    if element.role in TRANSPARENT:
        return kids  # type: ignore[return-value]
    raise TagError(f"WeasyPrint's tree holds a /{element.role} element, which the rebuild does not know")


def _inline(element: Element) -> bool:
    """True if the element's children come from lines of text (CSS: a block holds either blocks or lines;
    WeasyPrint tags a run of text, and an inline box such as <span>, as /Span)."""
    return any(isinstance(kid, Content) or isinstance(kid, Element) and kid.role in ("Span", "Link")
               for kid in element.kids)


@dataclass
class Plan:
    """What the content streams and the new tree need: the new MCID of each tagged sequence, in stream order
    per page, and the sequences that become artifacts."""

    document: Element
    artifacts: set[Content]
    new_mcid: dict[Content, int] = field(default_factory=dict)


def plan(pdf: pikepdf.Pdf, depths: list[int]) -> Plan:
    tree = read(pdf)
    if len(depths) != len(pdf.pages):
        raise TagError(f"the layout has {len(depths)} pages, the PDF {len(pdf.pages)}")
    document = logical(join_pages(tree, depths))
    listed = list(document.contents())
    if len(set(listed)) != len(listed):
        raise TagError("a marked-content sequence is claimed by two elements of WeasyPrint's tree")
    return Plan(document, tree.marked - tree.tagged)


def write(pdf: pikepdf.Pdf, plan: Plan) -> None:
    """Replace the StructTreeRoot with the planned tree. plan.new_mcid must be filled (by the content pass)."""
    pages = [page.obj for page in pdf.pages]
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    parents: list[list[pikepdf.Object | None]] = [[None] * sum(1 for c in plan.new_mcid if c.page == i)
                                                  for i in range(len(pages))]
    linked: list[pikepdf.Object] = []  # the Link element of each annotation, by StructParent key past the pages'

    def build(element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        made = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent))
        if element.alt is not None:
            made.Alt = pikepdf.String(element.alt)
        if element.layout is not None:
            made.A = element.layout
        first = next(element.contents(), None)
        if first is not None:
            made.Pg = pages[first.page]
        kids = Array()
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(build(kid, made))
                continue
            if isinstance(kid, Annotation):
                kids.append(_link_annotation(pdf, kid, pages, len(pages) + len(linked)))
                linked.append(made)
                continue
            mcid = plan.new_mcid.get(kid)
            if mcid is None:
                raise TagError(f"marked content {kid.mcid} of page {kid.page + 1} is not in the page's content")
            parents[kid.page][mcid] = made
            kids.append(mcid if first is not None and kid.page == first.page
                        else Dictionary(Type=Name.MCR, Pg=pages[kid.page], MCID=mcid))
        made.K = kids
        return made

    root.K = build(plan.document, root)
    if any(slot is None for slots in parents for slot in slots):
        raise TagError("a tagged marked-content sequence belongs to no element")
    nums = Array()
    for i, page in enumerate(pages):
        page.StructParents = i
        nums.extend([i, pdf.make_indirect(Array(parents[i]))])
    for key, link in enumerate(linked, len(pages)):
        nums.extend([key, link])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = len(pages) + len(linked)
    pdf.Root.StructTreeRoot = root


def _link_annotation(pdf: pikepdf.Pdf, kid: Annotation, pages: list, key: int) -> Dictionary:
    """The OBJR of a link, its annotation given its key in the ParentTree and, for screen readers (PDF/UA),
    a description: the address it leads to. The page's tab order follows the structure."""
    annotation = pdf.get_object(kid.ref)
    annotation.StructParent = key
    annotation.F = PRINT_FLAG  # printed as shown (its border is none: nothing is drawn either way)
    if "/Contents" not in annotation:
        uri = annotation.get("/A", Dictionary()).get("/URI")
        annotation.Contents = pikepdf.String(str(uri) if uri is not None else "link")
    pages[kid.page].Tabs = Name.S
    return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=pages[kid.page])
