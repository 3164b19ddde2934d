"""The Part 1 PDF, rendered with WeasyPrint from the same content as the public page.

templates/decisions/pdf/part_one.html wraps the public page's own Part 1 include
(templates/decisions/part_one.html) with the document's metadata and running header;
static/pdf/part_one.css lays it out on A4. The result is a tagged PDF/UA-1 with its
language, title and metadata, its fonts embedded.

Rendering never touches the network: the only address WeasyPrint may read is one of
the project's own static files, served from disk by StaticFilesFetcher; any other
fetch is refused and stops the rendering (PdfRenderError).
"""

import functools
import mimetypes
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from decisions.models import Decision

from .presenters import part_one_context

if TYPE_CHECKING:
    from weasyprint import URLFetcher

STYLESHEET = "pdf/part_one.css"


class PdfRenderError(Exception):
    """WeasyPrint could not make the PDF."""


class FetchRefused(ValueError):
    """An address that rendering may not read: not one of the project's static files."""


def document_base_url() -> str:
    """The address the document's relative links resolve against: the site itself."""
    return settings.SITE_URL.rstrip("/") + "/"


def static_base_url() -> str:
    """The address under which the document finds the project's static files."""
    return urljoin(document_base_url(), settings.STATIC_URL)


def read_static_file(url: str) -> tuple[bytes, str]:
    """The content and media type of the static file at `url`, read from disk.

    Only addresses under static_base_url() are served, found by the staticfiles
    finders (the STATICFILES_DIRS and the apps' static folders), never through any
    connection. Raises FetchRefused for every other address.
    """
    base, wanted = urlsplit(static_base_url()), urlsplit(url)
    if (wanted.scheme, wanted.netloc) != (base.scheme, base.netloc) or not (
        wanted.path.startswith(base.path)
    ):
        raise FetchRefused(f"Rendering a PDF may not fetch {url}: not a static file")
    name = unquote(wanted.path.removeprefix(base.path))
    # The finders refuse paths outside their folders too; refusing ".." here says why.
    if not name or any(part in ("", ".", "..") for part in name.split("/")):
        raise FetchRefused(f"Rendering a PDF may not fetch {url}: not a file name")
    path = finders.find(name)
    if not path:
        raise FetchRefused(f"Rendering a PDF may not fetch {url}: no such static file")
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Path(path).read_bytes(), media_type


@functools.cache
def _static_files_fetcher_class() -> type["URLFetcher"]:
    # Built on first use: importing WeasyPrint takes most of a second, and only
    # rendering needs it.
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """WeasyPrint's fetcher, restricted to read_static_file: no request ever leaves."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            content, media_type = read_static_file(url)
            return URLFetcherResponse(url, content, {"Content-Type": media_type})

    return StaticFilesFetcher


def static_files_fetcher() -> "URLFetcher":
    """A URL fetcher for WeasyPrint that serves only the project's static files.

    A refused address stops the rendering rather than leaving a hole in the PDF.
    """
    return _static_files_fetcher_class()(fail_on_errors=True)


# "<h2", "</h3 " …: the opening and closing heading tags of the rendered templates.
# Record text is escaped ("&lt;h2"), so only the templates' own tags match.
_HEADING_TAG = re.compile(r"<(/?)h([2-6])(?=[\s>])")


def promote_headings(html: str) -> str:
    """Every heading one level up (h2 to h1 …), so that the PDF's first heading is H1.

    The public page has its own h1 above the Part 1 include, which starts at h2;
    PDF/UA-1 asks a document to start at H1 and never skip a level.
    """
    return _HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{int(tag[2]) - 1}", html)


def _w3c_datetime(moment: datetime | None) -> str:
    # WeasyPrint reads dcterms dates in the W3C profile of ISO 8601, with the offset.
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def part_one_pdf_html(
    *, decision: Decision, draft: bool = False, published_at: datetime | None = None
) -> str:
    """The HTML WeasyPrint renders into the Part 1 PDF (see render_part_one_pdf)."""
    context = part_one_context(decision=decision)
    signoff = context["decision_signoff"]
    # As the form's heading says it before submission gives the record its number.
    reference = decision.reference or f"{decision.series.prefix} (number given on submission)"
    title = f"{decision.form_type.name} – {reference}: {decision.title}"
    html = render_to_string(
        "decisions/pdf/part_one.html",
        {
            **context,
            "draft": draft,
            "reference_label": reference,
            "document_title": f"DRAFT – {title}" if draft else title,
            "date_signed": _w3c_datetime(signoff.signed_at if signoff else None),
            # A preview has not been published, whatever the record says.
            "date_published": "" if draft else _w3c_datetime(published_at),
            "organisation_name": settings.ORGANISATION_NAME,
            "organisation_short_name": settings.ORGANISATION_SHORT_NAME,
            "service_name": settings.SERVICE_NAME,
            "stylesheet_url": urljoin(static_base_url(), STYLESHEET),
        },
    )
    return promote_headings(html)


def render_part_one_pdf(
    *, decision: Decision, draft: bool = False, published_at: datetime | None = None
) -> bytes:
    """The Part 1 PDF of a record (decision form and supporting report), as bytes.

    `decision` must come from selectors.decision_with_parts or
    decision_detail_for_user, with its lists prefetched; only Part 1 is read
    (presenters.part_one_context). A draft is marked DRAFT on every page.
    `published_at` is the moment of publication, recorded in the metadata;
    it defaults to the record's own. Raises PdfRenderError.
    """
    html = part_one_pdf_html(
        decision=decision, draft=draft, published_at=published_at or decision.published_at
    )
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 of this HTML, its <meta> names kept as metadata.

    Raises PdfRenderError if WeasyPrint fails, or if the HTML asks for anything
    but the project's static files.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(
            string=html, base_url=document_base_url(), url_fetcher=static_files_fetcher()
        )
        return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
    # A refused fetch is raised as FatalURLFetchingError, a BaseException.
    except (Exception, FatalURLFetchingError) as error:  # noqa: BLE001 - any failure of the renderer
        raise PdfRenderError(str(error) or error.__class__.__name__) from error
