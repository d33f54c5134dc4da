"""Read a tagged PDF back with pikepdf: its structure tree, the text each element tags, what is left untagged."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "Do", "BI"}


@dataclass
class Node:
    role: str
    ref: tuple[int, int] = (0, 0)  # the element's object number and generation
    kids: list[Node] = field(default_factory=list)
    contents: list[tuple[int, int]] = field(default_factory=list)  # (page, mcid), in order
    text: str = ""

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()


@dataclass
class Tagged:
    document: Node
    root_kids: int
    marked: dict[tuple[int, int], str]  # (page, mcid) -> text, every MCID in the content streams
    artifacts: list[tuple[int, str, str]]  # (page, subtype, text) of each /Artifact sequence with text
    untagged: list[tuple[int, str]]  # (page, operator) painted outside any marked content
    parent_tree: dict[tuple[int, int], tuple[int, int]]  # (page, mcid) -> objgen of its element

    def owner(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(page, mcid) -> the element that lists it."""
        return {c: node.ref for node in self.document.walk() for c in node.contents}

    def counts(self) -> Counter:
        return Counter(node.role for node in self.document.walk())

    def blocks(self) -> list[tuple[str, str]]:
        return [(n.role, n.text) for n in self.document.walk() if n.contents]


def _unicode_map(font: Dictionary) -> dict[int, str]:
    text = font.ToUnicode.read_bytes().decode("latin-1")
    found = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = bytes.fromhex(value).decode("utf-16-be")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = start[:-1] + chr(ord(start[-1]) + offset)
    return found


def _decode(data: bytes, mapping: dict[int, str]) -> str:
    return "".join(mapping[int.from_bytes(data[i:i + 2], "big")] for i in range(0, len(data), 2))


def _read_page(index: int, page: pikepdf.Page, marked, artifacts, untagged) -> None:
    fonts = {name: _unicode_map(font) for name, font in page.Resources.get("/Font", {}).items()}
    stack: list[tuple[str, int | None, list[str], str]] = []  # (tag, mcid, texts, artifact subtype)
    font = None
    for op in pikepdf.parse_content_stream(page):
        name = str(op.operator)
        if name in ("BDC", "BMC"):
            props = op.operands[1] if name == "BDC" else Dictionary()
            mcid = int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None
            subtype = str(props.get("/Subtype", "")) if isinstance(props, Dictionary) else ""
            stack.append((str(op.operands[0]), mcid, [], subtype))
        elif name == "EMC":
            tag, mcid, texts, subtype = stack.pop()
            if mcid is not None:
                assert (index, mcid) not in marked, f"MCID {mcid} used twice on page {index + 1}"
                marked[(index, mcid)] = "".join(texts)
            elif tag == "/Artifact" and texts:
                artifacts.append((index, subtype, "".join(texts)))
            if stack:
                stack[-1][2].extend(texts)
        elif name == "Tf":
            font = fonts[str(op.operands[0])]
        elif name in PAINTING:
            if not any(mcid is not None or tag == "/Artifact" for tag, mcid, _, _ in stack):
                untagged.append((index, name))
            if name in ("Tj", "TJ", "'", '"') and stack:
                last = op.operands[-1]
                parts = list(last) if name == "TJ" else [last]
                stack[-1][2].extend(_decode(bytes(p), font) for p in parts if isinstance(p, pikepdf.String))
    assert not stack, f"page {index + 1}: unbalanced marked content"


def read(path: Path) -> Tagged:
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    marked: dict[tuple[int, int], str] = {}
    artifacts: list = []
    untagged: list = []
    for i, page in enumerate(pdf.pages):
        _read_page(i, page, marked, artifacts, untagged)
    root = pdf.Root.StructTreeRoot
    kids = root.K if isinstance(root.K, Array) else Array([root.K])

    def build(element: Dictionary, page: int | None) -> Node:
        page = pages[element.Pg.objgen] if "/Pg" in element else page
        node = Node(str(element.S)[1:], element.objgen)
        k = element.get("/K", Array())
        for kid in k if isinstance(k, Array) else [k]:
            if isinstance(kid, int):
                node.contents.append((page, int(kid)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                node.contents.append((pages[kid.Pg.objgen], int(kid.MCID)))
            else:
                assert kid.P.objgen == element.objgen, "a kid's /P is not its parent"
                node.kids.append(build(kid, page))
        node.text = "".join(marked[c] for c in node.contents)
        return node

    document = build(kids[0], None)
    parent_tree = {}
    page_keys = {int(page.obj.StructParents): i for i, page in enumerate(pdf.pages) if "/StructParents" in page.obj}
    nums = root.ParentTree.Nums
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if int(key) in page_keys:
            for mcid, element in enumerate(value):
                parent_tree[(page_keys[int(key)], mcid)] = element.objgen
    return Tagged(document, len(kids), marked, artifacts, untagged, parent_tree)


def reachable_contents(tagged: Tagged) -> list[tuple[int, int]]:
    return [c for node in tagged.document.walk() for c in node.contents]
