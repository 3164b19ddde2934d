"""The staff DRAFT preview of Part 1, rendered once per content and kept.

A preview is keyed by the SHA-256 of the exact HTML handed to the renderer: the same
HTML makes the same PDF, and any change that shows in Part 1 (a word, a signature,
the route) makes other HTML, so a new preview. The PDFs are kept in the default file
storage (shared by every web process and machine) under previews/<record>/; keeping
a new one removes the record's older ones, which no request can ask for any more.

A kept preview is served only whole. Its name carries the SHA-256 of its own bytes
beside that of the HTML, previews/<record>/<html digest>-<pdf digest>.pdf, and a file
whose bytes do not match its name is never served: it is removed and the preview
rendered again. That check holds on any storage. On the file system, moreover, a
preview is written under a temporary name and moved into place in one step
(os.replace), so that no reader ever sees one half-written (Django's file storage
writes in chunks under the final name) and a failed write leaves nothing behind;
object storage (S3 and the like) writes an object whole or not at all.

Submission renders the preview once as a trial (submission_trial_render): a record
whose Part 1 cannot be rendered within the limits is refused then, naming the section
to shorten, never later at approval.
"""

import hashlib
import logging
import os
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import DomainError
from decisions.models import Decision
from decisions.part_one_size import largest_section, part_one_too_large

from . import pdf

logger = logging.getLogger(__name__)

PREVIEWS = "previews"


def _folder(decision: Decision) -> str:
    return f"{PREVIEWS}/{decision.pk}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview_name(decision: Decision, html: str, data: bytes) -> str:
    """Where `data`, the preview of this HTML of the record, is kept in the default
    storage: named after the digests of both."""
    return f"{_folder(decision)}/{_digest(html.encode())}-{_digest(data)}.pdf"


def _kept(decision: Decision, html: str) -> bytes | None:
    """The kept preview of this HTML, if there is one and it is whole (its bytes match
    the digest in its name); one that is not is removed."""
    folder, wanted = _folder(decision), f"{_digest(html.encode())}-"
    try:
        names = default_storage.listdir(folder)[1]
    except FileNotFoundError:  # the file system, before the record's first preview
        return None
    for name in names:
        if not (name.startswith(wanted) and name.endswith(".pdf")):
            continue
        path = f"{folder}/{name}"
        try:
            with default_storage.open(path, "rb") as kept:
                # No preview is larger (pdf.html_to_pdf): a longer file is not one.
                data = kept.read(settings.PDF_MAX_BYTES + 1)
        except FileNotFoundError:
            continue  # removed a moment ago for a newer content
        if name == f"{wanted}{_digest(data)}.pdf":
            return data
        logger.warning(
            "The kept preview %s is not whole (%s bytes read): removed, rendered again",
            path,
            f"{len(data):,}",
        )
        default_storage.delete(path)
    return None


def _keep(name: str, data: bytes) -> bool:
    """Keep the preview `data` under `name`, published whole; False if it could not be
    (the preview is still served, and rendered again next time)."""
    try:
        default_storage.path(name)
    except NotImplementedError:
        # Object storage: an object is written whole or not at all. Two renders of the
        # same content at once both keep it; a storage that gives the second another
        # name has it removed at once.
        try:
            saved = default_storage.save(name, ContentFile(data))
        except OSError:
            logger.exception("The preview %s could not be kept", name)
            return False
        if saved != name:
            default_storage.delete(saved)
        return True
    # The file system: written under a name no request asks for, then moved into place
    # in one step. Two renders of the same content at once each move theirs; the same
    # bytes, whole either way.
    temporary = f"{name.rsplit('/', 1)[0]}/.{uuid.uuid4().hex}.part"
    try:
        temporary = default_storage.save(temporary, ContentFile(data))
        os.replace(default_storage.path(temporary), default_storage.path(name))
    except OSError:
        # A full disk, or the temporary file removed by a render of newer content.
        logger.exception("The preview %s could not be kept", name)
        default_storage.delete(temporary)
        return False
    return True


def _remove_older(decision: Decision, kept: str) -> None:
    folder = _folder(decision)
    for name in default_storage.listdir(folder)[1]:
        if f"{folder}/{name}" != kept:
            default_storage.delete(f"{folder}/{name}")


def preview_pdf(*, decision: Decision) -> bytes:
    """The DRAFT Part 1 PDF of the record as it stands: the kept one if its content has
    been rendered before (and it is whole), else rendered now (pdf.html_to_pdf,
    bounded) and kept.

    `decision` as for pdf.render_part_one_pdf. Raises pdf.PdfRenderError.
    """
    html = pdf.part_one_pdf_html(decision=decision, draft=True)
    if (kept := _kept(decision, html)) is not None:
        return kept
    data = pdf.html_to_pdf(html)
    name = preview_name(decision, html, data)
    if _keep(name, data):
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
