"""The staff side's home (the records and the queue) and the record page.

Permission decision: signed in (else to sign in) and decisions.view_decision
(else 403), core.access.staff_view for the home, StaffRecordMixin for the record
page; the record page's record must exist and be one the user may open
(approvals.policies.can_read_record, else 404, so that its existence is not told).
The home lists only those records. What the user may do on the record is asked of
approvals.policies (record_actions).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.access import staff_view
from decisions import selectors
from decisions.models import Decision
from decisions.policies import can_edit_draft, can_view_part_two

from . import notifications, policies
from . import selectors as approval_selectors
from .clearance import form_lines
from .models import SignOff
from .presenters import part_one_context
from .views import StaffRecordMixin
from .views_publication import publication_panel_context


@staff_view
def home(request):
    decisions = selectors.decision_list_with_visible_totals(user=request.user)
    queue = approval_selectors.awaiting_action(user=request.user, today=timezone.localdate())
    context = {"decisions": decisions, "queue": queue, "nav": "records"}
    return render(request, "decisions/home.html", context)


def record_actions(user, decision: Decision, signoffs: list[SignOff]) -> list[tuple[str, str]]:
    """What this user may do on this record now, as (link text, address), asked of the policies."""
    pk, actions = decision.pk, []
    if can_edit_draft(user, decision):
        actions.append(("Continue drafting", reverse("approvals:task_list", args=[pk])))
    for line, _ in form_lines(decision):
        kind = line.kind
        if policies.why_not_confirm(user, decision, kind, signoffs) is None:
            url = reverse("approvals:clear", args=[pk, kind])
            actions.append((f"Confirm the {line.kind.label} line", url))
    if policies.why_not_sign_chief_executive(user, decision, signoffs) is None:
        url = reverse("approvals:chief_executive", args=[pk])
        actions.append((f"Sign as {policies.statement_office(decision).title}", url))
    if policies.why_not_decide(user, decision, signoffs) is None:
        actions.append(("Take the decision", reverse("approvals:decide", args=[pk])))
    # Only an office holder the record waits for may refer it: the offices are read then.
    if policies.referring_office(user, decision) is not None and (
        policies.why_not_refer_up(
            user, decision, approval_selectors.higher_offices(decision=decision)
        )
        is None
    ):
        url = reverse("approvals:refer_up", args=[pk])
        actions.append(("Refer up to a higher office", url))
    if policies.why_not_return(user, decision) is None:
        actions.append(("Return to the drafting officer", reverse("approvals:return", args=[pk])))
    return actions


class RecordDetailView(StaffRecordMixin, TemplateView):
    template_name = "decisions/decision_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **detail_context(self.request, self.decision)}


def detail_context(request, decision: Decision) -> dict:
    """The staff record page's context: what the user may see of the record and do on it."""
    signoffs = list(decision.signoffs.all())
    context = {
        # The same Part 1 content as the public page and the PDF (sections, report, signatures).
        **part_one_context(decision=decision),
        "part_two": decision.visible_part_two,
        **publication_panel_context(user=request.user, decision=decision),
        "undelivered_mail": notifications.undelivered(decision=decision)
        if policies.can_see_undelivered_mail(request.user, decision)
        else [],
        "can_see_part_two": can_view_part_two(request.user, decision),
        # The history and the preview are linked only for those who may open them.
        "can_read_workings": policies.can_read_workings(request.user, decision),
        "actions": record_actions(request.user, decision, signoffs),
        "route_reason": approval_selectors.route_reason_for(user=request.user, decision=decision),
        # A record never submitted has no sign-offs: no query for them.
        "all_signoffs": approval_selectors.signoff_list(decision=decision)
        if decision.submitted_at
        else [],
        "nav": "records",
    }
    return context
