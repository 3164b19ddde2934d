"""The Part 1 PDF, rendered with WeasyPrint from the same content as the public page.

templates/decisions/pdf/part_one.html wraps the public page's own Part 1 include
(templates/decisions/part_one.html) with the document's metadata and running header;
static/pdf/part_one.css lays it out on A4. The result is a tagged PDF/UA-1 with its
language, title and metadata, its fonts embedded; approvals/pdf_tags.py completes
WeasyPrint's tagging (header cells' scopes, the page margins as pagination artifacts).

Rendering never touches the network: the only address WeasyPrint may read is one of
the project's own static files, which this process reads from disk (read_static_file)
and hands to the rendering process; any other fetch is refused and stops the
rendering (PdfRenderError).

Rendering is bounded: the HTML is made here (it needs the database), then turned into
a PDF by a child process (approvals/pdf_render.py, which never touches the database)
that is killed when it takes longer than PDF_RENDER_TIMEOUT seconds; it may use at
most PDF_RENDER_MAX_MEMORY bytes of memory and give at most PDF_MAX_BYTES of PDF.
"""

import functools
import logging
import mimetypes
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from decisions.models import Decision

from .presenters import part_one_context

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
    title = f"{context['form_heading']}: {decision.title}"
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
            "organisation_name": decision.form_type.organisation.name,
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

    Rendered in a child process (approvals/pdf_render.py) within the limits of the
    settings: PDF_RENDER_TIMEOUT seconds, PDF_MAX_BYTES of PDF, PDF_RENDER_MAX_MEMORY
    bytes of address space. Raises PdfRenderError if WeasyPrint fails, if the HTML asks
    for anything but the project's static files, or if a limit is passed (the child is
    then killed).
    """
    return _render_in_child(
        html,
        timeout=settings.PDF_RENDER_TIMEOUT,
        max_bytes=settings.PDF_MAX_BYTES,
        max_memory=settings.PDF_RENDER_MAX_MEMORY,
    )


def _size(count: int) -> str:
    megabytes = count / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{count:,} bytes"


# The warm-up reads the stylesheet through the function as defined here, so that a
# stand-in for read_static_file (a test's spy) sees only the real renders.
_read_static_file = read_static_file

WARM_UP = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Warm-up</title>'
    '<link rel="stylesheet" href="{stylesheet}"></head><body><h1>Warm-up</h1>'
    "<p>Text, <strong>bold</strong> and <em>italic</em>.</p>"
    "<table><tr><th>Head</th><td>Cell</td></tr></table></body></html>"
)


_warm_up_lock = threading.Lock()


def _context() -> multiprocessing.context.ForkContext:
    with _warm_up_lock:  # threads of one process warm it once
        return _warm_context()


@functools.cache
def _warm_context() -> multiprocessing.context.ForkContext:
    # Each render is a fork of this process, made once WeasyPrint is imported and
    # warm here (its fonts found, its default stylesheets parsed: a small fixed
    # document rendered in this process), so a child starts in milliseconds and
    # renders as fast as this process would. The child only converts HTML: it never
    # uses the database connection or anything else it inherits, and ends with
    # os._exit (multiprocessing's), so nothing of the parent's is closed or flushed
    # twice. (The "forkserver" and "spawn" contexts would run the program's main
    # module again in every child and start cold: a second or more a render.)
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            content, media_type = _read_static_file(url)
            return URLFetcherResponse(url, content, {"Content-Type": media_type})

    from .pdf_tags import finish_tagging

    stylesheet = urljoin(static_base_url(), STYLESHEET)
    try:
        finish_tagging(
            weasyprint.HTML(
                string=WARM_UP.format(stylesheet=stylesheet),
                base_url=document_base_url(),
                url_fetcher=StaticFilesFetcher(fail_on_errors=True),
            ).write_pdf(pdf_variant="pdf/ua-1")
        )
    # As html_to_pdf's child would: a refused fetch is a BaseException.
    except (Exception, FatalURLFetchingError) as error:  # noqa: BLE001 - any failure of the renderer
        raise PdfRenderError(f"WeasyPrint cannot render: {error}") from error
    return multiprocessing.get_context("fork")


def _render_in_child(html: str, *, timeout: float, max_bytes: int, max_memory: int) -> bytes:
    context = _context()
    # Imported here, before the fork: the child imports nothing.
    from .pdf_render import child_main, send

    connection, child_end = context.Pipe(duplex=True)
    process = context.Process(
        target=child_main,
        args=(child_end, os.getpid(), timeout),
        name="pdf-render",
        daemon=True,
    )
    try:
        process.start()
        # The child holds its own end; closing ours lets a dead child read as EOF.
        child_end.close()
        send(connection, "render", html, document_base_url(), max_bytes, max_memory)
        return _answer(connection, process, timeout=timeout, max_bytes=max_bytes)
    except (EOFError, OSError, ValueError, LookupError, TypeError):
        # The pipe broke or the child sent what it may not (an overlong or garbled
        # message): it is dead, or killed now.
        if process.is_alive():
            process.kill()
        process.join()
        raise PdfRenderError(_stopped(process.exitcode)) from None
    finally:
        connection.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()


def _answer(connection, process, *, timeout: float, max_bytes: int) -> bytes:
    """Serve the child's fetches until it answers with the PDF or an error.

    Raises EOFError or OSError if the child stops or sends what it may not.
    """
    from .pdf_render import receive, send

    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not multiprocessing.connection.wait([connection], remaining):
            raise PdfRenderError(f"Rendering the PDF took longer than {timeout:g} seconds")
        message = receive(connection)
        kind = message[0]
        if kind == "fetch":
            try:
                content, media_type = read_static_file(str(message[1]))
            except FetchRefused as error:
                send(connection, "refused", str(error))
            else:
                send(connection, "file", media_type)
                connection.send_bytes(content)
        elif kind == "log":
            log_from_child(message)
        elif kind == "pdf":
            if message[1] > max_bytes:
                raise PdfRenderError(f"The PDF would be larger than {_size(max_bytes)}")
            return connection.recv_bytes(maxlength=max_bytes)
        elif message[1] == "too_large":
            raise PdfRenderError(f"The PDF would be larger than {_size(max_bytes)}")
        elif message[1] == "memory":
            raise PdfRenderError(
                f"Rendering the PDF needed more than {_size(settings.PDF_RENDER_MAX_MEMORY)} "
                "of memory"
            )
        else:
            raise PdfRenderError(str(message[2]))


# The loggers a child may log under (approvals/pdf_render.py FORWARDED_LOGGERS), and
# each below the names; the most a child's message may say.
CHILD_LOGGERS = ("weasyprint", "fontTools")
MAX_CHILD_LOG = 2000


def log_from_child(message: list) -> None:
    """Log a child's ["log", logger, level, text] as the parent's own, within bounds.

    The child renders hostile content: it may log only under WeasyPrint's and
    fontTools' loggers (or theirs below them), only as a warning or an error (a level
    above ERROR is logged as ERROR, one between as WARNING), and a short text.
    Anything else is dropped.
    """
    if len(message) != 4:
        return
    _, name, level, text = message
    if not isinstance(name, str) or not any(
        name == logger or name.startswith(f"{logger}.") for logger in CHILD_LOGGERS
    ):
        return
    if type(level) is not int or level < logging.WARNING or not isinstance(text, str):
        return
    level = logging.ERROR if level >= logging.ERROR else logging.WARNING
    logging.getLogger(name).log(level, "%s", text[:MAX_CHILD_LOG])


def _stopped(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"The rendering process stopped (signal {-exitcode})"
    return f"The rendering process stopped (exit code {exitcode})"
