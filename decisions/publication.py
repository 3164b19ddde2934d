"""Publication of Part 1: the PDF rendered once, stored with its SHA-256, never changed.

A record is published when it is approved, or on the date its publication was
deferred to (publish_due, run by `manage.py publish_due`). If rendering fails, the
approval stands: the record keeps the error for staff and the next run tries again.
"""

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import Action

from .models import Decision
from .pdf import PdfRenderError, render_part_one_pdf
from .presenters import part_one_plain_text
from .selectors import decision_with_parts

logger = logging.getLogger(__name__)


def publication_due_filter(*, today: datetime.date) -> Q:
    """Approved records whose Part 1 may be published on this date."""
    return Q(status=Decision.Status.APPROVED) & (
        Q(part1_deferred=False) | Q(deferred_until__lte=today)
    )


def decision_publish(*, decision_id: int, now: datetime.datetime | None = None) -> Decision:
    """Publish one approved record if it is due: render, store, hash, mark published.

    Idempotent: a record already published, not approved, or not yet due is left
    as it is. A rendering failure is recorded on the record and in its action log,
    and is not raised.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision_id)
        if not Decision.objects.filter(publication_due_filter(today=today), pk=decision_id).exists():
            return decision
        full = decision_with_parts(pk=decision_id)
        try:
            pdf = render_part_one_pdf(decision=full)
        except PdfRenderError as error:
            logger.exception("Publication of %s failed", decision.reference)
            decision.publication_error = str(error) or error.__class__.__name__
            decision.publication_attempted_at = now
            decision.save(update_fields=["publication_error", "publication_attempted_at"])
            Action.objects.create(
                decision=decision, verb=Action.Verb.PUBLICATION_FAILED, at=now,
                detail=decision.publication_error,
            )
            return decision
        digest = hashlib.sha256(pdf).hexdigest()
        decision.published_pdf.save(f"{decision.slug}.pdf", ContentFile(pdf), save=False)
        decision.published_pdf_sha256 = digest
        decision.published_at = now
        decision.publication_attempted_at = now
        decision.publication_error = ""
        decision.search_text = part_one_plain_text(decision=full)
        decision.status = Decision.Status.PUBLISHED
        decision._change_reason = "Published"
        decision.save(
            update_fields=[
                "published_pdf", "published_pdf_sha256", "published_at",
                "publication_attempted_at", "publication_error", "search_text", "status",
            ]
        )
        Action.objects.create(
            decision=decision, verb=Action.Verb.PUBLISHED, at=now,
            detail=f"{decision.published_pdf.name} (SHA-256 {digest})",
        )
    return decision
