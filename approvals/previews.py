"""The staff DRAFT preview of Part 1, rendered once per content and kept.

A preview is keyed by the SHA-256 of the exact HTML handed to the renderer: the same
HTML makes the same PDF, and any change that shows in Part 1 (a word, a signature,
the route) makes other HTML, so a new preview. The PDFs are kept in the default file
storage (shared by every web process and machine) under previews/<record>/; keeping
a new one removes the record's older ones, which no request can ask for any more.

Submission renders the preview once as a trial (submission_trial_render): a record
whose Part 1 cannot be rendered within the limits is refused then, naming the section
to shorten, never later at approval.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import DomainError
from decisions.models import Decision
from decisions.part_one_size import largest_section, part_one_too_large

from . import pdf

logger = logging.getLogger(__name__)

PREVIEWS = "previews"


def preview_name(decision: Decision, html: str) -> str:
    """Where the preview of this HTML of the record is kept in the default storage."""
    return f"{PREVIEWS}/{decision.pk}/{hashlib.sha256(html.encode()).hexdigest()}.pdf"


def _remove_older(decision: Decision, kept: str) -> None:
    folder = f"{PREVIEWS}/{decision.pk}"
    for name in default_storage.listdir(folder)[1]:
        if f"{folder}/{name}" != kept:
            default_storage.delete(f"{folder}/{name}")


def preview_pdf(*, decision: Decision) -> bytes:
    """The DRAFT Part 1 PDF of the record as it stands: the kept one if its content has
    been rendered before, else rendered now (pdf.html_to_pdf, bounded) and kept.

    `decision` as for pdf.render_part_one_pdf. Raises pdf.PdfRenderError.
    """
    html = pdf.part_one_pdf_html(decision=decision, draft=True)
    name = preview_name(decision, html)
    try:
        with default_storage.open(name, "rb") as kept:
            return kept.read()
    except FileNotFoundError:
        pass  # not rendered yet, or removed for a newer content a moment ago
    data = pdf.html_to_pdf(html)
    # Two renders of the same content at once both keep it: the same bytes, and the
    # storage gives the second another name, removed at once.
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
    _remove_older(decision, name)
    return data


def submission_trial_render(*, decision: Decision) -> None:
    """Refuse (DomainError) a record whose Part 1 is too large to render within the
    limits: first by its size (decisions.part_one_size, deterministic), then by
    rendering its preview, which is kept (the preview of that content, as the officer
    may ask for it; submission then gives the record its number, so new content).

    Called before the submission's transaction: a rendering takes seconds and holds
    no lock. `decision` with its Part 1 prefetched (selectors.decision_detail_for_user).
    """
    if reason := part_one_too_large(decision):
        raise DomainError(reason)
    try:
        preview_pdf(decision=decision)
    except pdf.PdfRenderError as error:
        logger.warning("Trial rendering of record %s failed: %s", decision.pk, error)
        largest = largest_section(decision)
        raise DomainError(
            f"Part 1 cannot be made into a PDF ({error}). The largest section is "
            f"{largest.name} ({largest.paragraphs:,} paragraphs, {largest.chars:,} "
            "characters): shorten it or move detail to a background paper."
        ) from None
