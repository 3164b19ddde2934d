"""The Part 1 PDFs keep PDF/UA-1 as a checker reads them (issue 10 item 8).

Every demo record is rendered, as published or as the DRAFT preview, and its bytes
parsed back: tests/pdf_ua.assert_pdf_ua asserts the rules on the structure tree and the
content streams, and, where it is installed, the independent checker outloud (PyPI)
must find nothing. approvals/pdf_tags.py (what completes WeasyPrint's tagging) is
tested on small documents rendered through the real rendering process.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import pytest
import weasyprint
from django.db import transaction
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from approvals import pdf, pdf_tags
from approvals.pdf_tags import finish_tagging
from approvals.selectors import decision_with_parts
from decisions.models import Decision
from demo import northbridge
from demo import records as policing
from demo.loader import demo_load
from tests.pdf_ua import assert_pdf_ua, runs, structure

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Record:
    name: str  # "PCD 1069 (published)", "PCD 1073 (draft preview)"
    form_type: str
    running_header: str | None
    data: bytes


@pytest.fixture(scope="module")
def demo_pdfs(django_db_setup, django_db_blocker) -> list[Record]:
    """Each demo record's PDF: its published rendering, or the preview a drafter sees."""
    records = []
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        for pk in Decision.objects.order_by("pk").values_list("pk", flat=True):
            decision = decision_with_parts(pk=pk)
            draft = decision.published_at is None
            reference = decision.reference or f"{decision.series.prefix} (unnumbered)"
            records.append(
                Record(
                    name=f"{reference} ({'draft preview' if draft else 'published'})",
                    form_type=decision.form_type.name,
                    running_header=decision.reference or None,
                    data=pdf.render_part_one_pdf(decision=decision, draft=draft),
                )
            )
        transaction.set_rollback(True)
    return records


def test_every_demo_record_keeps_pdf_ua(demo_pdfs):
    failures = {}
    for record in demo_pdfs:
        try:
            assert_pdf_ua(record.data, running_header=record.running_header)
        except AssertionError as error:
            failures[record.name] = str(error).splitlines()[0]
    assert failures == {}
    # Published and draft, numbered and not: the demo's variety is what this covers.
    names = " ".join(record.name for record in demo_pdfs)
    assert "(published)" in names
    assert "(draft preview)" in names
    # One PDF of each form type of both demo bodies, at least.
    assert {record.form_type for record in demo_pdfs} == {
        name for name, *_ in (*policing.FORM_TYPES, *northbridge.FORM_TYPES)
    }


# --- The independent checker -------------------------------------------------------------


def outloud() -> str | None:
    """The outloud command: $OUTLOUD, or on the PATH. It is not a requirement of the
    project (it brings onnxruntime and PyMuPDF): install it in a virtualenv of its own,
    python3 -m venv /tmp/outloud && /tmp/outloud/bin/pip install outloud==0.2.1, and set
    OUTLOUD=/tmp/outloud/bin/outloud."""
    return os.environ.get("OUTLOUD") or shutil.which("outloud")


@pytest.mark.skipif(
    outloud() is None,
    reason="outloud (PyPI) is not installed: set OUTLOUD to its command (see outloud())",
)
def test_outloud_finds_no_error_and_no_warning(demo_pdfs, tmp_path):
    paths = {}
    for number, record in enumerate(demo_pdfs):
        path = tmp_path / f"record-{number}.pdf"
        path.write_bytes(record.data)
        paths[str(path)] = record.name
    result = subprocess.run(  # noqa: S603 - the checker's own command, our own files
        [outloud(), "--json", "-", "--fail-on", "never", *paths],
        capture_output=True,
        check=True,
        text=True,
        timeout=300,
    )
    findings = {
        paths[str(Path(report["path"]))]: [
            f"{finding['rule']} p.{finding.get('page')}: {finding['message']}"
            for finding in report["findings"]
            if finding["severity"] in ("error", "warning")
        ]
        or report.get("error")
        for report in json.loads(result.stdout)["results"]
    }
    assert set(findings) == set(paths.values())
    assert {name: found for name, found in findings.items() if found} == {}


# --- approvals/pdf_tags.py on small documents ---------------------------------------------

TABLES = """
<h1>Tables</h1>
<table>
  <caption>Head and row headers</caption>
  <thead><tr><th scope="col">Line</th><th scope="col">Statement</th></tr></thead>
  <tbody>
    <tr><th scope="row">Legal</th><td>Advice taken.</td></tr>
    <tr><th scope="row">Finance</th><td>Costed.</td></tr>
  </tbody>
</table>
<table>
  <caption>Column headers in the body</caption>
  <tr><th>Year</th><th>Amount</th></tr>
  <tr><td>2021</td><td>£1</td></tr>
</table>
<table>
  <caption>A head and no rows</caption>
  <thead><tr><th scope="col">Line</th><th scope="col">Statement</th></tr></thead>
  <tbody></tbody>
</table>
"""


def stylesheet() -> str:
    return f'<link rel="stylesheet" href="{urljoin(pdf.static_base_url(), pdf.STYLESHEET)}">'


def html(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Tables</title>'
        f'{stylesheet()}</head><body><div class="app-pdf-reference">REF 1</div>'
        f"{body}</body></html>"
    )


def weasyprint_alone(document: str) -> bytes:
    """What WeasyPrint gives before approvals/pdf_tags.py: the stylesheet read from disk."""
    style = pdf.read_static_file(urljoin(pdf.static_base_url(), pdf.STYLESHEET))[0].decode()
    inline = document.replace(stylesheet(), f"<style>{style}</style>")
    return weasyprint.HTML(string=inline).write_pdf(pdf_variant="pdf/ua-1")


def scopes(data: bytes) -> list[str]:
    """Each header cell's /Scope, in document order ("none" where it has none)."""
    found = []
    for element in structure(PdfReader(BytesIO(data))):
        if element.tag == "/TH":
            scope = [str(a["/Scope"]) for a in element.table_attributes() if "/Scope" in a]
            found.append(scope[0] if scope else "none")
    return found


def test_weasyprint_alone_leaves_the_margins_tagged_and_header_cells_without_scope():
    raw = weasyprint_alone(html(TABLES))
    with pytest.raises(AssertionError, match="no element of the structure tree owns"):
        assert_pdf_ua(raw)
    assert set(scopes(raw)) == {"none"}


def test_header_cells_get_their_scope():
    data = pdf.html_to_pdf(html(TABLES))
    assert scopes(data) == [
        *["/Column", "/Column"],  # the head
        *["/Row", "/Row"],  # the body's row headers
        *["/Column", "/Column"],  # a first row of header cells, in the body
        *["/Column", "/Column"],  # a head without rows: its row is the body
    ]
    assert_pdf_ua(data, running_header="REF 1")


def test_a_table_without_rows_has_a_body_and_no_empty_row_group():
    data = pdf.html_to_pdf(html(TABLES))
    tables = [e for e in structure(PdfReader(BytesIO(data))) if e.tag == "/Table"]
    assert [[kid.tag for kid in table.kids] for table in tables] == [
        ["/Caption", "/THead", "/TBody"],
        ["/Caption", "/TBody"],
        ["/Caption", "/TBody"],
    ]


def test_the_margins_are_pagination_artifacts_and_the_rest_is_renumbered():
    long = html("<h1>Long</h1>" + "<p>A paragraph of the record.</p>" * 120)
    data = pdf.html_to_pdf(long)
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) > 1
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    for page in reader.pages:
        mcids = [
            int(operands[1]["/MCID"])
            for operands, operator in ContentStream(page.get_contents(), reader).operations
            if operator == b"BDC"
            and isinstance(operands[1], DictionaryObject)
            and "/MCID" in operands[1]
        ]
        # Numbered from 0 without a gap, one parent each.
        assert mcids == list(range(len(mcids)))
        assert len(parents[int(page["/StructParents"])]) == len(mcids)
        artifacts = {
            run.text.strip(): dict(run.artifact) for run in runs(page) if run.artifact is not None
        }
        assert artifacts["REF 1"] == {"/Type": "/Pagination", "/Subtype": "/Header"}
        footer = next(text for text in artifacts if text.startswith("Page "))
        assert artifacts[footer] == {"/Type": "/Pagination", "/Subtype": "/Footer"}
    assert_pdf_ua(data, running_header="REF 1")


def test_finishing_changes_no_text_and_gives_the_same_bytes_each_time():
    raw = weasyprint_alone(html(TABLES))
    finished = finish_tagging(raw)
    assert finished == finish_tagging(raw)
    assert finished.startswith(b"%PDF-1.7")

    def text(data: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]

    assert text(finished) == text(raw)
    assert PdfReader(BytesIO(finished)).metadata == PdfReader(BytesIO(raw)).metadata


def test_content_drawn_in_a_transparency_group_keeps_its_tags():
    # WeasyPrint draws a translucent box in a form XObject, its marked content in it.
    data = pdf.html_to_pdf(html('<h1>Faint</h1><p style="opacity: 0.5">Faint <b>text</b></p>'))
    page = PdfReader(BytesIO(data)).pages[0]
    assert "/XObject" in page["/Resources"]
    assert_pdf_ua(data, running_header="REF 1")


def test_a_margin_drawn_before_the_body_leaves_the_body_numbered_from_0():
    # WeasyPrint draws the margins last; were it to draw one first, the sequences after
    # it and the elements that own them are numbered again, together.
    def mark(mcid):
        return (
            [NameObject("/Span"), DictionaryObject({NameObject("/MCID"): NumberObject(mcid)})],
            b"BDC",
        )

    operations = [mark(0), ([], b"EMC"), mark(1), ([], b"EMC"), mark(2), ([], b"EMC")]
    found = set()
    pdf_tags._rewrite(operations, {0}, {1: 0, 2: 1}, found, {}, 0.0)
    assert found == {0, 1, 2}
    assert operations[0][0][0] == "/Artifact"
    assert operations[0][0][1] == {"/Type": "/Pagination"}
    assert [operations[i][0][1]["/MCID"] for i in (2, 4)] == [0, 1]

    page = IndirectObject(7, 0, None)
    element = DictionaryObject(
        {NameObject("/Pg"): page, NameObject("/K"): ArrayObject([NumberObject(2)])}
    )
    pdf_tags._renumber_kids(element, {7: {1: 0, 2: 1}})
    assert element["/K"] == [1]
