"""The staff preview of a record's Part 1 PDF.

Rendered afresh on each request and marked DRAFT on every page, whatever the
record's status: the published PDF is the stored one, never this. Signed in
(else to sign in), decisions.view_decision (else 403), a record the user may
see (else 404).
"""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from core.access import staff_view
from decisions.models import Decision

from . import selectors
from .pdf import render_part_one_pdf


@never_cache
@staff_view
def pdf_preview(request, pk: int):
    try:
        decision = selectors.decision_detail_for_user(user=request.user, pk=pk)
    except Decision.DoesNotExist:
        raise Http404("No such record") from None
    pdf = render_part_one_pdf(decision=decision, draft=True)
    name = f"{decision.slug or f'record-{decision.pk}'}-draft.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response
