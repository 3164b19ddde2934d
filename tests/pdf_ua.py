"""PDF/UA-1 rules asserted on a PDF's bytes, parsed with pypdf: assert_pdf_ua(data).

The rules an independent checker (outloud, tests/approvals/test_pdf_ua.py) reads, and
that a rendering of any form type must keep (ISO 14289-1 clause, Matterhorn checkpoint):

- the document: tagged (/MarkInfo /Marked true), its language set, its title shown
  (DisplayDocTitle), in the XMP too, identified as PDF/UA-1 (7.1, 7.2; 01, 06, 07, 11);
- the content: every piece of text is either tagged content that exactly one structure
  element of the tree owns, or an artifact; each element's marked content exists on its
  page (7.1; 01);
- pagination: "Page X of Y" (and, if given, the running header) is a pagination
  artifact on every page, never content (7.8; 18);
- headings: the first is H1 and none skips a level (7.4; 14);
- tables: cells in rows, rows in the table or its row groups, a head only with a body,
  and every header cell has a /Scope in its Table attributes (7.5; 15);
- lists: list items in lists (7.6; 16); figures with alternative text (7.3; 13);
- fonts: every font embedded (7.21.3.1; 31).

Each failure names the rule and the page or element, so that a failing test says what
to put right.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
ROW_GROUPS = {"/THead", "/TBody", "/TFoot"}
SCOPES = {"/Row", "/Column", "/Both"}


@dataclass
class Run:
    """A piece of text as painted, with the marked-content sequences around it."""

    text: str
    marks: list[tuple[str, DictionaryObject | None]]

    @property
    def mcid(self) -> int | None:
        for tag, properties in reversed(self.marks):
            if tag != "/Artifact" and properties is not None and "/MCID" in properties:
                return int(properties["/MCID"])
        return None

    @property
    def artifact(self) -> DictionaryObject | None:
        for tag, properties in self.marks:
            if tag == "/Artifact":
                return properties if properties is not None else DictionaryObject()
        return None


@dataclass
class Element:
    node: DictionaryObject
    parent: "Element | None"
    kids: list["Element"] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return str(self.node["/S"])

    def table_attributes(self) -> list[DictionaryObject]:
        attributes = self.node.get("/A")
        if attributes is None:
            return []
        items = attributes if isinstance(attributes, list) else [attributes]
        found = []
        for item in items:
            item = item.get_object()
            if isinstance(item, DictionaryObject) and item.get("/O") == "/Table":
                found.append(item)
        return found


def runs(page) -> list[Run]:
    """The page's text, piece by piece, each with its marked-content sequences."""
    stack: list[tuple[str, DictionaryObject | None]] = []
    found: list[Run] = []

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            properties = operands[1] if len(operands) > 1 else None
            if isinstance(properties, IndirectObject):
                properties = properties.get_object()
            if not isinstance(properties, DictionaryObject):
                properties = None
            stack.append((str(operands[0]), properties))
        elif operator == b"BMC":
            stack.append((str(operands[0]), None))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value, cm, tm, font, size):
        if value.strip():
            found.append(Run(value, list(stack)))

    page.extract_text(visitor_text=text, visitor_operand_before=before)
    return found


def structure(reader: PdfReader) -> list[Element]:
    """The structure tree's elements, depth first, each with its parent."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    elements: list[Element] = []

    def walk(node: DictionaryObject, parent: Element | None) -> None:
        kids = node.get("/K", ArrayObject())
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                element = Element(kid, parent)
                if parent is not None:
                    parent.kids.append(element)
                elements.append(element)
                walk(kid, element)

    walk(root, None)
    return elements


def marked_content(element: Element) -> Iterator[tuple[int, int]]:
    """The (page object number, MCID) of each marked-content sequence the element owns."""
    node = element.node
    page = node.raw_get("/Pg") if "/Pg" in node else None
    kids = node.get("/K", ArrayObject())
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid, int) and not isinstance(kid, bool):
            assert page is not None, f"{element.tag} has marked content and no /Pg"
            yield page.idnum, int(kid)
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
            kid_page = kid.raw_get("/Pg") if "/Pg" in kid else page
            yield kid_page.idnum, int(kid["/MCID"])


def assert_document(reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert catalog.get("/MarkInfo", {}).get("/Marked") == BooleanObject(True), "not /Marked"
    assert str(catalog.get("/Lang", "")).strip(), "no /Lang"
    preferences = catalog.get("/ViewerPreferences", {})
    assert preferences.get("/DisplayDocTitle") == BooleanObject(True), "title not displayed"
    assert "/StructTreeRoot" in catalog, "no structure tree"
    assert reader.metadata and (reader.metadata.title or "").strip(), "no title"
    xmp = ET.fromstring(catalog["/Metadata"].get_object().get_data())  # noqa: S314 - our own PDF
    parts = [
        element.get(f"{{{XMP['pdfuaid']}}}part")
        for element in xmp.iter(f"{{{XMP['rdf']}}}Description")
    ]
    parts += [element.text for element in xmp.iter(f"{{{XMP['pdfuaid']}}}part")]
    assert "1" in parts, "not identified as PDF/UA-1 in the XMP metadata"
    title = xmp.find(f".//{{{XMP['dc']}}}title//{{{XMP['rdf']}}}li")
    assert title is not None and title.text == reader.metadata.title, "XMP title differs"


def assert_content_is_tagged_or_artifact(reader: PdfReader, elements: list[Element]) -> None:
    owned: dict[tuple[int, int], str] = {}
    for element in elements:
        for key in marked_content(element):
            assert key not in owned, f"MCID {key} owned by {owned[key]} and {element.tag}"
            owned[key] = element.tag
    painted: set[tuple[int, int]] = set()
    for number, page in enumerate(reader.pages, start=1):
        page_id = page.indirect_reference.idnum
        for run in runs(page):
            if run.artifact is not None:
                continue
            assert run.mcid is not None, f"page {number}: {run.text!r} neither tagged nor artifact"
            key = (page_id, run.mcid)
            assert key in owned, (
                f"page {number}: {run.text!r} (MCID {run.mcid}) is tagged content that "
                "no element of the structure tree owns"
            )
            painted.add(key)
    # The parent tree names, for each page's MCID, the element that owns it.
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"].get_object().get("/Nums", [])
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    reachable = {element.node.indirect_reference.idnum for element in elements}
    for number, page in enumerate(reader.pages, start=1):
        if "/StructParents" not in page:
            continue
        entries = parents.get(int(page["/StructParents"]))
        assert isinstance(entries, list), f"page {number}: no entry in the parent tree"
        for mcid, entry in enumerate(entries):
            assert isinstance(entry, IndirectObject) and entry.idnum in reachable, (
                f"page {number}: MCID {mcid}'s parent is not in the structure tree"
            )


def assert_pagination_artifacts(reader: PdfReader, running_header: str | None) -> None:
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        page_runs = runs(page)
        footer = f"Page {number} of {count}"
        matching = [run for run in page_runs if run.text.strip() == footer]
        assert matching, f"page {number}: {footer!r} is not printed as one piece"
        assert all(is_pagination(run) for run in matching), (
            f"page {number}: {footer!r} is not a pagination artifact"
        )
        if running_header:
            # The body may print the same words (a heading): one of them is the header.
            assert any(
                is_pagination(run) for run in page_runs if run.text.strip() == running_header
            ), f"page {number}: {running_header!r} is not a pagination artifact"
        tagged = " ".join(run.text for run in page_runs if run.artifact is None)
        assert not re.search(r"\bPage \d+ of \d+\b", tagged), f"page {number}: page number tagged"


def is_pagination(run: Run) -> bool:
    artifact = run.artifact
    return artifact is not None and artifact.get("/Type") == "/Pagination" and run.mcid is None


def assert_headings(elements: list[Element]) -> None:
    levels = [int(e.tag[2:]) for e in elements if re.fullmatch(r"/H[1-6]", e.tag)]
    assert levels and levels[0] == 1, f"first heading is not H1: {levels[:1]}"
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skips == [], f"heading levels skipped: {skips}"
    assert "/H" not in {e.tag for e in elements}, "unnumbered H mixed with H1–H6"


def assert_tables(elements: list[Element]) -> None:
    for element in elements:
        tag, parent = element.tag, element.parent
        parent_tag = parent.tag if parent else None
        if tag in ("/TH", "/TD"):
            assert parent_tag == "/TR", f"{tag} outside a row (in {parent_tag})"
        if tag == "/TR":
            assert parent_tag in {"/Table"} | ROW_GROUPS, f"row in {parent_tag}"
            assert {kid.tag for kid in element.kids} <= {"/TH", "/TD"}, "row holds non-cells"
        if tag in ROW_GROUPS:
            assert parent_tag == "/Table", f"{tag} in {parent_tag}"
            kids = {kid.tag for kid in element.kids}
            assert kids and kids <= {"/TR"}, f"{tag} holds {sorted(kids) or 'nothing'}"
        if tag == "/Table":
            kids = [kid.tag for kid in element.kids]
            assert set(kids) <= {"/TR", "/Caption"} | ROW_GROUPS, f"table holds {kids}"
            if "/THead" in kids or "/TFoot" in kids:
                assert "/TBody" in kids, "a table head or foot without a body"
        if tag == "/TH":
            scopes = [str(a["/Scope"]) for a in element.table_attributes() if "/Scope" in a]
            assert scopes and set(scopes) <= SCOPES, (
                f"header cell {header_text(element)!r} has no /Scope"
            )


def header_text(element: Element) -> str:
    return str(element.node.get("/ID", "")) or element.tag


def assert_lists_and_figures(elements: list[Element]) -> None:
    for element in elements:
        if element.tag == "/LI":
            assert element.parent and element.parent.tag == "/L", "list item outside a list"
        if element.tag == "/Figure":
            assert str(element.node.get("/Alt", "")).strip(), "figure without /Alt"


def assert_fonts_embedded(reader: PdfReader) -> None:
    for number, page in enumerate(reader.pages, start=1):
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (
                f"page {number}: {font['/BaseFont']} not embedded"
            )


def assert_pdf_ua(data: bytes, *, running_header: str | None = None) -> None:
    """Fails unless the PDF `data` keeps the PDF/UA-1 rules above.

    `running_header`: the text printed at the top of every page (the record's
    reference), which must be a pagination artifact like "Page X of Y".
    """
    reader = PdfReader(BytesIO(data))
    elements = structure(reader)
    assert elements, "empty structure tree"
    assert_document(reader)
    assert_content_is_tagged_or_artifact(reader, elements)
    assert_pagination_artifacts(reader, running_header)
    assert_headings(elements)
    assert_tables(elements)
    assert_lists_and_figures(elements)
    assert_fonts_embedded(reader)
