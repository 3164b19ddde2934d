"""The Part 1 PDF, rendered with WeasyPrint from the same content as the public page."""

from django.template.loader import render_to_string

from .models import Decision
from .presenters import part_one_context


class PdfRenderError(Exception):
    """WeasyPrint could not make the PDF."""


def _no_network(url: str, *args, **kwargs):
    # Nothing is fetched while rendering: the document carries everything it needs.
    raise ValueError(f"Fetching {url} is not allowed while rendering a PDF")


def render_part_one_pdf(*, decision: Decision, draft: bool = False) -> bytes:
    """The Part 1 PDF of a record (decision form and supporting report), as bytes.

    `decision` must come from selectors.decision_detail_for_user or equivalent, with
    its lists prefetched. A draft is marked DRAFT on every page.
    """
    html = render_to_string(
        "decisions/pdf/part_one.html",
        {**part_one_context(decision=decision), "draft": draft},
    )
    from weasyprint import HTML  # imported here: it is heavy, and only rendering needs it

    try:
        return HTML(string=html, url_fetcher=_no_network).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as error:  # noqa: BLE001 - any failure of the renderer
        raise PdfRenderError(str(error)) from error
