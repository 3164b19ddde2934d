"""The staff preview of a record's Part 1 PDF.

Marked DRAFT on every page, whatever the record's status: the published PDF is the
stored one, never this. Rendered once per content and kept (approvals/previews.py),
within the rendering's limits: one that cannot be rendered answers 503 with the
reason. Signed in (else to sign in), decisions.view_decision (else 403), a record
whose workings the user may read (else 404): approvals.views.WorkingsMixin. Never
cached by the browser or a proxy, nor its refusals.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.cache import never_cache

from .pdf import PdfRenderError
from .previews import preview_pdf
from .selectors import with_live_office
from .views import WorkingsMixin


@method_decorator(never_cache, name="dispatch")
class PdfPreviewView(WorkingsMixin, View):
    def get(self, request, *args, **kwargs):
        decision = with_live_office(self.decision)
        try:
            pdf = preview_pdf(decision=decision)
        except PdfRenderError as error:
            return render(
                request,
                "approvals/preview_failed.html",
                {"decision": decision, "reason": str(error)},
                status=503,
            )
        name = f"{decision.slug or f'record-{decision.pk}'}-draft.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response
