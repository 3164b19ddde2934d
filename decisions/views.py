from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render

from approvals.models import SignOff
from approvals.policies import can_edit_draft, can_view_part_two

from . import selectors
from .models import Decision
from .sections import PART_ONE_SECTIONS, REPORT_SECTIONS


# Every staff page: signed in (else to the login page) and holding
# decisions.view_decision (else 403), which every role has.
def staff_view(view):
    return login_required(
        permission_required("decisions.view_decision", raise_exception=True)(view)
    )


@staff_view
def home(request):
    decisions = list(selectors.decision_list_for_user(user=request.user))
    for decision in decisions:
        decision.can_see_part_two = can_view_part_two(request.user, decision)
    return render(request, "decisions/home.html", {"decisions": decisions, "nav": "records"})


@staff_view
def detail(request, pk: int):
    try:
        decision = selectors.decision_detail_for_user(user=request.user, pk=pk)
    except Decision.DoesNotExist:
        raise Http404("No such record") from None
    signoffs = list(decision.signoffs.all())
    context = {
        "decision": decision,
        "report": getattr(decision, "report", None),
        "part_two": decision.visible_part_two,
        "part_one_sections": [
            (section, getattr(decision, section.field)) for section in PART_ONE_SECTIONS
        ],
        "report_sections": [
            (section, getattr(decision.report, section.field))
            for section in REPORT_SECTIONS
            if hasattr(decision, "report")
        ],
        "can_see_part_two": can_view_part_two(request.user, decision),
        "can_edit": can_edit_draft(request.user, decision),
        "ce_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.CHIEF_EXECUTIVE), None),
        "decision_signoff": next((s for s in signoffs if s.kind == SignOff.Kind.DECISION), None),
        "nav": "records",
    }
    return render(request, "decisions/decision_detail.html", context)
