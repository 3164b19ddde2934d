"""The Part 1 PDF (approvals/pdf.py), parsed with pypdf as a reader would get it.

PCD 1069 is loaded and rendered once for the module: its stored PDF (published by the
demo loader through approvals.publication), a direct rendering and a DRAFT preview. Its
rows are rolled back at once; only the PDF bytes are kept. The published text is
tests/data/pcd-1069.txt, read as tests/demo/test_demo_data.py reads it.
"""

import functools
import html
import logging
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PageObject, PdfReader
from pypdf.generic import BooleanObject, DictionaryObject

from approvals import pdf
from approvals.presenters import part_one_context
from approvals.selectors import decision_with_parts
from core.roles import Role
from decisions.models import Decision
from demo.loader import demo_load
from tests.demo.test_demo_data import as_paragraph, reference_documents
from tests.factories import (
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    PartTwoFactory,
    RecommendationFactory,
    SupportingReportFactory,
)
from tests.pdf_ua import assert_pdf_ua

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-PART-TWO-c41d"
CONFIDENTIAL_AMOUNT = "987654.32"

# Where the PDF prints a reference line differently, and why.
PRINTED_DIFFERENTLY = {
    # The paper form wrote its two dates two ways (5/11/2021 and 22/10/21): one format here.
    "Date 22/10/21": "Date 22/10/2021",
}

MM = 72 / 25.4  # points

# pdfuaid:part in the XMP metadata, and dc:title.
XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


@pytest.fixture(autouse=True)
def weasyprint_stays_quiet(caplog):
    """Fails any test during which WeasyPrint logged a warning or an error."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    logged = [r.getMessage() for r in records if r.name.startswith("weasyprint")]
    assert logged == [], "WeasyPrint logged warnings or errors"


# --- Reading a PDF -----------------------------------------------------------------------


def reader(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def regions(page: PageObject) -> tuple[str, str]:
    """The text inside the page's margins, and the text in them (header and footer)."""
    top = float(page.mediabox.top)
    body, margins = [], []

    def visit(text, cm, tm, font, size):
        # The baseline in page space (points from the bottom edge). The stylesheet's page
        # margins are 25 mm at the top and 22 mm at the bottom; the footer's baseline is
        # lower than 20 mm, the header's higher than 25 mm from the top.
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if not text.strip() or 20 * MM < y < top - 25 * MM:
            body.append(text)
        else:
            margins.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(body), " ".join(margins)


def normalise(text: str) -> str:
    """Whitespace collapsed, and a word broken across lines after its hyphen joined again."""
    return " ".join(re.sub(r"(?<=\w-)\n(?=\w)", "", text).split())


@functools.cache
def body_text(data: bytes) -> str:
    """The text of the document, page after page, without running header and footer."""
    return normalise("\n".join(regions(page)[0] for page in reader(data).pages))


@functools.cache
def full_text(data: bytes) -> str:
    return normalise("\n".join(page.extract_text() for page in reader(data).pages))


def structure_tags(data: bytes) -> list[str]:
    """The structure tree's element types, depth first in document order."""
    root = reader(data).trailer["/Root"]["/StructTreeRoot"].get_object()

    def walk(node) -> Iterator[str]:
        node = node.get_object()
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                yield str(node["/S"])
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                yield from walk(kid)

    return list(walk(root))


def fonts(data: bytes) -> dict[str, DictionaryObject]:
    """Every font the pages use, by name, with the descriptor that embeds it."""
    found = {}
    for page in reader(data).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            found[str(font["/BaseFont"])] = descendant["/FontDescriptor"].get_object()
    return found


def xmp_root(data: bytes) -> ET.Element:
    metadata = reader(data).trailer["/Root"]["/Metadata"].get_object()
    return ET.fromstring(metadata.get_data())  # noqa: S314 - WeasyPrint's XMP, made by this test


def assert_in_order(text: str, expected: list[str]) -> None:
    cursor, missing = 0, []
    for line in expected:
        found = text.find(line, cursor)
        if found < 0:
            where = "out of order" if line in text else "missing"
            missing.append(f"{where}: {line}")
        else:
            cursor = found + len(line)
    assert missing == []


def page_text(decision: Decision) -> str:
    """Part 1 as the public page prints it (its include), as text."""
    context = {
        **part_one_context(decision=decision),
        "organisation_short_name": settings.ORGANISATION_SHORT_NAME,
    }
    # Every tag ends a word, as the browser lays it out ("</li><li>" too).
    markup = render_to_string("decisions/part_one.html", context)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


# --- PCD 1069, rendered once -------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    stored: bytes
    direct: bytes
    draft: bytes
    html_text: str  # Part 1 as the public page prints it, tags stripped
    title: str
    logged: list[str]  # WeasyPrint's warnings and errors while loading and rendering


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@pytest.fixture(scope="module")
def pcd1069(django_db_setup, django_db_blocker) -> Rendered:
    collect = Collect()
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(collect)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            demo_load()
            pk = Decision.objects.get(series__prefix="PCD", number=1069).pk
            decision = decision_with_parts(pk=pk)
            with decision.published_pdf.open("rb") as stored:
                rendered = Rendered(
                    stored=stored.read(),
                    direct=pdf.render_part_one_pdf(decision=decision),
                    draft=pdf.render_part_one_pdf(decision=decision, draft=True),
                    html_text=page_text(decision),
                    title=f"DMPC Decision – PCD 1069: {decision.title}",
                    logged=collect.messages,
                )
            # Only the bytes are kept: the module's other tests start from an empty database.
            transaction.set_rollback(True)
    finally:
        weasyprint_logger.removeHandler(collect)
    return rendered


PUBLISHED = ["stored", "direct"]


def test_weasyprint_logged_no_warning_or_error(pcd1069):
    assert pcd1069.logged == []


@pytest.mark.parametrize("which", PUBLISHED)
def test_every_line_of_the_reference_is_printed_in_order(pcd1069, which):
    text = body_text(getattr(pcd1069, which))
    form, report = reference_documents()
    expected = [PRINTED_DIFFERENTLY.get(line, line) for line in form + report]
    assert_in_order(text, [as_paragraph(line) for line in expected])


def test_the_paragraphs_of_part_i_are_numbered(pcd1069):
    text = body_text(pcd1069.direct)
    for number, start in [
        ("1.1.", "MPS are committed"),
        ("2.5.", "Senior leadership"),
        ("6.4.", "A DPIA has been completed"),
        ("8.1.", "Report."),
    ]:
        assert f"{number} {start}" in text


def test_the_pdf_has_the_content_of_the_public_page(pcd1069):
    # The same include, so the same words in the same order. Numbers and bullets are left
    # out: the PDF draws list markers the page leaves to the browser.
    def words(text: str) -> list[str]:
        return [word for word in text.split() if not re.fullmatch(r"\d+\.|•", word)]

    assert words(body_text(pcd1069.direct)) == words(pcd1069.html_text)


def test_the_stored_pdf_is_the_published_rendering(pcd1069):
    assert body_text(pcd1069.stored) == body_text(pcd1069.direct)
    assert pcd1069.stored.startswith(b"%PDF-1.7")


@pytest.mark.parametrize("which", PUBLISHED)
def test_the_pdf_declares_pdf_ua_1_with_a_structure_tree(pcd1069, which):
    data = getattr(pcd1069, which)
    catalog = reader(data).trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    parts = [
        element.get(f"{{{XMP['pdfuaid']}}}part")
        for element in xmp_root(data).iter(f"{{{XMP['rdf']}}}Description")
    ]
    assert "1" in parts
    title = xmp_root(data).find(f".//{{{XMP['dc']}}}title//{{{XMP['rdf']}}}li")
    assert title.text == pcd1069.title


def test_the_structure_tree_starts_at_h1_and_skips_no_level(pcd1069):
    tags = structure_tags(pcd1069.direct)
    levels = [int(tag[2:]) for tag in tags if re.fullmatch(r"/H\d", tag)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    # The declaration is a table with header cells, the recommendations a list.
    assert {"/Table", "/TH", "/TD", "/Caption", "/L", "/LI", "/P"} <= set(tags)


@pytest.mark.parametrize("which", [*PUBLISHED, "draft"])
def test_the_pdf_keeps_pdf_ua_1_as_a_checker_reads_it(pcd1069, which):
    # The running header and "Page X of Y" are pagination artifacts; header cells have
    # their scope (tests/pdf_ua.py; outloud in tests/approvals/test_pdf_ua.py).
    assert_pdf_ua(getattr(pcd1069, which), running_header="PCD 1069")


@pytest.mark.parametrize("which", PUBLISHED)
def test_the_metadata_names_the_record(pcd1069, which):
    info = reader(getattr(pcd1069, which)).metadata
    assert info.title == pcd1069.title
    assert info["/Author"] == "Mayor's Office for Policing and Crime"
    assert info["/organisation"] == "Mayor's Office for Policing and Crime"
    assert info["/reference"] == "PCD 1069"
    # Signed at noon on 5/11/2021, published the next day (demo.loader).
    assert info["/datesigned"] == "2021-11-05T12:00:00+00:00"
    assert info["/CreationDate"] == "D:20211105120000+00'00"
    assert info["/datepublished"] == "2021-11-06T12:00:00+00:00"
    assert info["/ModDate"] == "D:20211106120000+00'00"
    assert "PCD 1069" in info["/Keywords"]


def test_every_page_has_the_reference_above_and_page_x_of_y_below(pcd1069):
    pages = reader(pcd1069.direct).pages
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        margins = regions(page)[1]
        assert margins == f"PCD 1069 Page {number} of {len(pages)}"


@pytest.mark.parametrize("which", [*PUBLISHED, "draft"])
def test_every_font_is_embedded(pcd1069, which):
    used = fonts(getattr(pcd1069, which))
    assert used
    for name, descriptor in used.items():
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), name
        assert "DejaVu-Sans" in name


def test_a_preview_is_marked_draft_on_every_page(pcd1069):
    pages = reader(pcd1069.draft).pages
    assert len(pages) > 2
    for page in pages:
        assert "DRAFT" in regions(page)[1]
    assert reader(pcd1069.draft).metadata.title == f"DRAFT – {pcd1069.title}"
    assert "/datepublished" not in reader(pcd1069.draft).metadata
    # The mark is all that differs.
    assert body_text(pcd1069.draft) == body_text(pcd1069.direct)


@pytest.mark.parametrize("which", PUBLISHED)
def test_a_published_pdf_is_not_marked_draft(pcd1069, which):
    assert "DRAFT" not in full_text(getattr(pcd1069, which))


def test_rendering_queries_nothing_once_the_parts_are_loaded(django_assert_num_queries):
    decision = DecisionFactory()
    SupportingReportFactory(decision=decision)
    full = decision_with_parts(pk=decision.pk)
    with django_assert_num_queries(0):
        pdf.part_one_pdf_html(decision=full)


# --- Part 2 never printed ----------------------------------------------------------------


@pytest.fixture
def record_with_part_two(officer):
    decision = DecisionFactory(
        drafting_officer=officer,
        # Submitted, so that its reviewers (Finance) may read it.
        submitted=True,
        title="Custody suite refit",
        has_part_two=True,
        financial_comments="The public part of the cost is £1,000.",
    )
    PartTwoFactory(
        decision=decision,
        content=f"The preferred bidder is {SENTINEL}.",
        rationale=f"Commercially sensitive: {SENTINEL}.",
    )
    ExpenditureLineFactory(decision=decision, amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount=CONFIDENTIAL_AMOUNT, is_confidential=True)
    RecommendationFactory(decision=decision, text="Approve the refit.")
    SupportingReportFactory(decision=decision, executive_summary="The cells need refitting.")
    DeclarationLineFactory(decision=decision, ticked=True)
    return decision


def assert_no_part_two(data: bytes) -> None:
    text = full_text(data)
    assert "Is there a Part 2 form – YES" in text
    assert SENTINEL not in text
    assert CONFIDENTIAL_AMOUNT not in text
    assert "987,654" not in text
    # Nor in the metadata, which is not compressed.
    assert SENTINEL.encode() not in data


@pytest.mark.parametrize("draft", [True, False])
def test_part_two_is_never_in_the_pdf(record_with_part_two, draft):
    data = pdf.render_part_one_pdf(
        decision=decision_with_parts(pk=record_with_part_two.pk), draft=draft
    )
    assert "Custody suite refit" in full_text(data)
    assert_no_part_two(data)


# --- The staff preview -------------------------------------------------------------------


def preview_url(decision) -> str:
    return reverse("approvals:pdf_preview", args=[decision.pk])


def test_preview_sends_anonymous_visitors_to_sign_in(client, record_with_part_two):
    url = preview_url(record_with_part_two)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_preview_refuses_a_user_without_a_role(client, make_user, record_with_part_two):
    client.force_login(make_user())
    assert client.get(preview_url(record_with_part_two)).status_code == 403


def test_preview_refuses_django_staff_without_a_role(client, make_user, record_with_part_two):
    client.force_login(make_user(is_staff=True))
    assert client.get(preview_url(record_with_part_two)).status_code == 403


@pytest.mark.parametrize("role", [Role.DRAFTING_OFFICER, Role.FINANCE])
def test_preview_is_an_inline_draft_pdf_without_part_two(
    client, make_user, record_with_part_two, role
):
    # The drafting officer of the record may read its Part 2 on the page: not in the PDF.
    user = (
        record_with_part_two.drafting_officer if role == Role.DRAFTING_OFFICER else make_user(role)
    )
    client.force_login(user)
    response = client.get(preview_url(record_with_part_two))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    pages = reader(response.content).pages
    assert all("DRAFT" in regions(page)[1] for page in pages)
    assert_no_part_two(response.content)


def test_preview_of_an_unknown_record_is_not_found(client, finance):
    client.force_login(finance)
    assert client.get(reverse("approvals:pdf_preview", args=[987654])).status_code == 404


# --- Nothing fetched over the network ----------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything opens a connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a connection was opened: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture
def fetches(monkeypatch) -> list[tuple[str, str]]:
    """Every address WeasyPrint asks the fetcher for, with what the fetcher answered."""
    seen = []
    read = pdf.read_static_file

    def spy(url: str):
        try:
            content = read(url)
        except pdf.FetchRefused:
            seen.append((url, "refused"))
            raise
        seen.append((url, "served"))
        return content

    monkeypatch.setattr(pdf, "read_static_file", spy)
    return seen


def document(body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><title>Test</title>{head}</head>'
        f"<body><p>Text</p>{body}</body></html>"
    )


@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        ("", '<img src="http://127.0.0.1:9/x.png" alt="x">', "http://127.0.0.1:9/x.png"),
        (
            '<link rel="stylesheet" href="https://127.0.0.1:9/x.css">',
            "",
            "https://127.0.0.1:9/x.css",
        ),
        (
            "",
            '<p style="background: url(http://127.0.0.1:9/b.png)">x</p>',
            "http://127.0.0.1:9/b.png",
        ),
        ("", '<img src="file:///etc/passwd" alt="x">', "file:///etc/passwd"),
    ],
    ids=["image", "stylesheet", "css-url", "file"],
)
def test_rendering_fetches_nothing_outside_the_static_files(no_network, fetches, head, body, url):
    with pytest.raises(pdf.PdfRenderError):
        pdf.html_to_pdf(document(body, head))
    assert fetches == [(url, "refused")]


def test_the_stylesheet_is_read_from_the_static_files_on_disk(
    no_network, fetches, record_with_part_two
):
    pdf.render_part_one_pdf(decision=decision_with_parts(pk=record_with_part_two.pk))
    assert fetches == [(urljoin(pdf.static_base_url(), "pdf/part_one.css"), "served")]


def test_static_files_are_served_by_path():
    content, media_type = pdf.read_static_file(urljoin(pdf.static_base_url(), "pdf/part_one.css"))
    assert media_type == "text/css"
    assert b"@page" in content


@pytest.mark.parametrize(
    "url",
    [
        "/static/pdf/part_one.css",  # not resolved against the document: never fetched as is
        "http://127.0.0.1:9/static/pdf/part_one.css",
        "{base}../config/settings/base.py",
        "{base}pdf/%2e%2e/%2e%2e/manage.py",
        "{base}pdf/missing.css",
        "{site}media/published/pcd-1069.pdf",
    ],
)
def test_anything_else_is_refused(url):
    url = url.format(base=pdf.static_base_url(), site=pdf.document_base_url())
    with pytest.raises(pdf.FetchRefused):
        pdf.read_static_file(url)
