"""The staff preview of a record's Part 1 PDF.

Rendered afresh on each request and marked DRAFT on every page, whatever the
record's status: the published PDF is the stored one, never this. Signed in
(else to sign in), decisions.view_decision (else 403), a record whose workings
the user may read (else 404): approvals.views.WorkingsMixin. Never cached, nor
its refusals.
"""

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.cache import never_cache

from .pdf import render_part_one_pdf
from .views import WorkingsMixin


@method_decorator(never_cache, name="dispatch")
class PdfPreviewView(WorkingsMixin, View):
    def get(self, request, *args, **kwargs):
        decision = self.decision
        pdf = render_part_one_pdf(decision=decision, draft=True)
        name = f"{decision.slug or f'record-{decision.pk}'}-draft.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response
