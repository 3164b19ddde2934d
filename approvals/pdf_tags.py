"""What WeasyPrint's tagged PDF leaves short of PDF/UA-1, put right on its bytes.

approvals/pdf_render.py runs finish_tagging on every PDF WeasyPrint gives, in the
rendering process (so this module imports neither Django nor the project: pypdf only).
It reads the PDF's own structure, never the HTML, and changes three things:

- Header cells get a scope. WeasyPrint links each data cell to its header cells
  (/Headers) but gives no header cell a /Scope, so a header cell no data cell names
  (the "Line" heading above the declaration's row headers) is associated with
  nothing (ISO 14289-1 7.5, Matterhorn 15). Each /TH gets /A << /O /Table /Scope >>:
  /Column in a table head, /Row when a data cell of its own row names it (or, named by
  none, when its row has data cells), /Column otherwise.
- The page margins are pagination artifacts. WeasyPrint marks the text of the margin
  boxes (the running header, the DRAFT mark, "Page X of Y") as tagged content that no
  structure element of the document reaches (ISO 14289-1 7.8, Matterhorn 18). Those
  marked-content sequences become /Artifact << /Type /Pagination /Subtype /Header >>
  (or /Footer, by where on the page they are drawn); the page's remaining sequences
  are numbered again from 0 and the parent tree follows.
- A table body with no rows (a draft's declaration without lines) is no row group:
  row groups inside row groups are flattened, and empty ones left out; a table left
  with a head and no body has its head as its body (a THead needs a TBody).

The result is deterministic: the same PDF in gives the same bytes out.
"""

from collections.abc import Iterator
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

ROW_GROUPS = ("/THead", "/TBody", "/TFoot")


def finish_tagging(data: bytes) -> bytes:
    """The PDF `data` (WeasyPrint's PDF/UA-1 rendering) with its tagging completed."""
    reader = PdfReader(BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF 1.7, as WeasyPrint wrote it
    tree = writer.root_object["/StructTreeRoot"].get_object()
    reachable = {element.indirect_reference.idnum: element for element in _elements(tree)}
    _pagination_artifacts(writer, tree, reachable)
    for element in reachable.values():
        if element.get("/S") == "/Table":
            _flatten_row_groups(element)
            _scope_header_cells(element)
    # The margins' structure elements, now referenced by nothing, are not written.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


# --- The structure tree ------------------------------------------------------------------


def _kids(node: DictionaryObject) -> list[PdfObject]:
    kids = node.get("/K", ArrayObject())
    return list(kids) if isinstance(kids, list) else [kids]


def _child_elements(node: DictionaryObject) -> Iterator[DictionaryObject]:
    for kid in _kids(node):
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and kid.get("/Type", "/StructElem") == "/StructElem":
            if "/S" in kid and isinstance(kid.indirect_reference, IndirectObject):
                yield kid


def _elements(node: DictionaryObject) -> Iterator[DictionaryObject]:
    """Every structure element the tree reaches from `node`, depth first."""
    for element in _child_elements(node):
        yield element
        yield from _elements(element)


# --- Header cells ------------------------------------------------------------------------


def _rows(node: DictionaryObject) -> Iterator[DictionaryObject]:
    for element in _child_elements(node):
        if element["/S"] == "/TR":
            yield element
        elif element["/S"] in ROW_GROUPS:
            yield from _rows(element)


def _table_attributes(cell: DictionaryObject) -> DictionaryObject:
    """The cell's attribute dictionary of the Table owner, added if it has none."""
    attributes = cell.get("/A")
    candidates = attributes if isinstance(attributes, list) else [attributes]
    for candidate in candidates:
        candidate = candidate.get_object() if candidate is not None else None
        if isinstance(candidate, DictionaryObject) and candidate.get("/O") == "/Table":
            return candidate
    table = DictionaryObject({NameObject("/O"): NameObject("/Table")})
    if attributes is None:
        cell[NameObject("/A")] = table
    elif isinstance(attributes, list):
        attributes.append(table)
    else:
        cell[NameObject("/A")] = ArrayObject([attributes, table])
    return table


def _scope_header_cells(table: DictionaryObject) -> None:
    rows = [(row, [*_child_elements(row)]) for row in _rows(table)]
    # Which rows' data cells name each header cell (by its /ID) among their /Headers.
    named_from: dict[str, set[int]] = {}
    for index, (_, cells) in enumerate(rows):
        for cell in cells:
            if cell["/S"] == "/TD":
                for header in _table_attributes(cell).get("/Headers", []):
                    named_from.setdefault(str(header), set()).add(index)
    for index, (row, cells) in enumerate(rows):
        in_head = row.get("/P") is not None and row["/P"].get_object().get("/S") == "/THead"
        has_data = any(cell["/S"] == "/TD" for cell in cells)
        for cell in cells:
            if cell["/S"] != "/TH":
                continue
            attributes = _table_attributes(cell)
            if "/Scope" in attributes:
                continue
            naming = named_from.get(str(cell.get("/ID", "")), set())
            if in_head:
                scope = "/Column"
            elif naming:
                scope = "/Row" if index in naming else "/Column"
            else:
                scope = "/Row" if has_data else "/Column"
            attributes[NameObject("/Scope")] = NameObject(scope)


def _flatten_row_groups(table: DictionaryObject) -> None:
    """Row groups hold rows only: nested row groups are flattened, empty ones dropped."""
    for group in _child_elements(table):
        if group["/S"] in ROW_GROUPS:
            _flatten_row_groups_in(group)
    kept = ArrayObject()
    for kid in _kids(table):
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and element.get("/S") in ROW_GROUPS:
            if not _kids(element):
                continue
        kept.append(kid)
    table[NameObject("/K")] = kept
    groups = [element["/S"] for element in _child_elements(table) if element["/S"] in ROW_GROUPS]
    if "/TBody" not in groups and "/TR" not in [
        element["/S"] for element in _child_elements(table)
    ]:
        # A head and no body (a declaration without lines): its rows are the table's.
        for element in _child_elements(table):
            if element["/S"] in ROW_GROUPS:
                element[NameObject("/S")] = NameObject("/TBody")


def _flatten_row_groups_in(group: DictionaryObject) -> None:
    kept = ArrayObject()
    for kid in _kids(group):
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and element.get("/S") in ROW_GROUPS:
            _flatten_row_groups_in(element)
            for grandchild in _kids(element):
                grandchild.get_object()[NameObject("/P")] = group.indirect_reference
                kept.append(grandchild)
        else:
            kept.append(kid)
    group[NameObject("/K")] = kept


# --- Pagination artifacts ----------------------------------------------------------------


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The matrix product a × b of two PDF matrices [a b c d e f]."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _text_heights(operations: list) -> dict[int, float]:
    """For each text-positioning operator (by index), its height above the page's foot."""
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    ctm, saved, heights = identity, [], {}
    for index, (operands, operator) in enumerate(operations):
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q" and saved:
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = _multiply([float(value) for value in operands], ctm)
        elif operator == b"Tm":
            heights[index] = _multiply([float(value) for value in operands], ctm)[5]
    return heights


def _pagination_artifacts(
    writer: PdfWriter, tree: DictionaryObject, reachable: dict[int, DictionaryObject]
) -> None:
    parent_tree = tree["/ParentTree"].get_object()
    nums = parent_tree["/Nums"]
    by_key = {int(nums[index]): index + 1 for index in range(0, len(nums), 2)}
    renumbered: dict[int, dict[int, int]] = {}  # page object number → old MCID → new
    for page in writer.pages:
        if "/StructParents" not in page or int(page["/StructParents"]) not in by_key:
            continue
        position = by_key[int(page["/StructParents"])]
        parents = nums[position].get_object()
        owners = [ref.get_object() if ref is not None else None for ref in parents]
        margins = {
            mcid
            for mcid, owner in enumerate(owners)
            if not isinstance(owner, DictionaryObject)
            or owner.indirect_reference.idnum not in reachable
        }
        if not margins:
            continue
        kept = [mcid for mcid in range(len(owners)) if mcid not in margins]
        mapping = {old: new for new, old in enumerate(kept)}
        found = _mark_artifacts(writer, page, margins, mapping)
        if found != set(range(len(owners))):
            # The parent tree and the page disagree: renumbering would break the tags.
            raise ValueError(
                f"page {page.page_number + 1}: marked content {sorted(found)} does not "
                f"match the parent tree's {len(owners)} entries"
            )
        renumbered[page.indirect_reference.idnum] = mapping
        nums[position] = ArrayObject(parents[mcid] for mcid in kept)
    for element in reachable.values():
        _renumber_kids(element, renumbered)


def _form_xobjects(resources, seen: set[int]) -> Iterator:
    """The Form XObjects drawn from these resources (a transparency group…), nested too."""
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return
    for reference in resources.get("/XObject", DictionaryObject()).values():
        xobject = reference.get_object()
        if xobject.get("/Subtype") != "/Form":
            continue
        if reference.idnum in seen:
            raise ValueError("a form XObject drawn twice: its marked content cannot be renumbered")
        seen.add(reference.idnum)
        yield xobject
        yield from _form_xobjects(xobject.get("/Resources"), seen)


def _mark_artifacts(writer, page, margins: set[int], mapping: dict[int, int]) -> set[int]:
    """The page's margins made artifacts, its other sequences renumbered, in its content
    stream and the Form XObjects it draws (WeasyPrint draws a translucent box in one);
    the MCIDs found."""
    found: set[int] = set()
    content = ContentStream(page.get_contents(), writer)
    middle = float(page.mediabox.bottom) + float(page.mediabox.height) / 2
    _rewrite(content.operations, margins, mapping, found, _text_heights(content.operations), middle)
    page.replace_contents(content)
    page.compress_content_streams()
    for xobject in _form_xobjects(page.get("/Resources"), set()):
        inner = ContentStream(xobject, writer)
        before = len(found)
        # Where the XObject is drawn is not followed: a margin in it is a pagination
        # artifact without its subtype.
        _rewrite(inner.operations, margins, mapping, found, {}, middle)
        if len(found) != before:
            xobject.set_data(inner.get_data())
    return found


def _rewrite(
    operations: list,
    margins: set[int],
    mapping: dict[int, int],
    found: set[int],
    heights: dict[int, float],
    middle: float,
) -> None:
    for index, (operands, operator) in enumerate(operations):
        if operator != b"BDC" or len(operands) != 2:
            continue
        properties = operands[1]
        if not isinstance(properties, DictionaryObject) or "/MCID" not in properties:
            continue
        mcid = int(properties["/MCID"])
        found.add(mcid)
        if mcid not in margins:
            properties[NameObject("/MCID")] = NumberObject(mapping[mcid])
            continue
        height = next(
            (heights[at] for at in range(index + 1, len(operations)) if at in heights), None
        )
        artifact = DictionaryObject({NameObject("/Type"): NameObject("/Pagination")})
        if height is not None:
            subtype = "/Header" if height > middle else "/Footer"
            artifact[NameObject("/Subtype")] = NameObject(subtype)
        operations[index] = ([NameObject("/Artifact"), artifact], b"BDC")


def _renumber_kids(element: DictionaryObject, renumbered: dict[int, dict[int, int]]) -> None:
    page = element.raw_get("/Pg") if "/Pg" in element else None
    default = renumbered.get(page.idnum) if isinstance(page, IndirectObject) else None
    kids = element.get("/K")
    if kids is None:
        return
    as_list = kids if isinstance(kids, list) else None
    items = list(kids) if as_list is not None else [kids]
    changed = False
    for position, kid in enumerate(items):
        if isinstance(kid, NumberObject) and not isinstance(kid, bool):
            if default is not None and int(kid) in default:
                items[position] = NumberObject(default[int(kid)])
                changed = True
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
            mcr_page = kid.raw_get("/Pg") if "/Pg" in kid else page
            mapping = (
                renumbered.get(mcr_page.idnum) if isinstance(mcr_page, IndirectObject) else None
            )
            if mapping is not None and int(kid["/MCID"]) in mapping:
                kid[NameObject("/MCID")] = NumberObject(mapping[int(kid["/MCID"])])
    if changed:
        element[NameObject("/K")] = ArrayObject(items) if as_list is not None else items[0]
