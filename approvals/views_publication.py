"""Publication on the staff side: the record page's publication panel, extending a
deferral, and withdrawing a published record.

Permission decision for every page here (approvals.views.StepView): signed in
(else to sign in); holding decisions.view_decision (else 403); the record exists
(else 404); and the rule of approvals.policies for the step, on GET and POST
alike (else 403 with its reason). The service checks the version the page was
loaded from, so the slower of two people is told who acted (409).
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from decisions.models import Decision

from .forms_publication import DeferralExtendForm, WithdrawForm
from .policies import (
    can_extend_deferral,
    can_withdraw,
    has_publication,
    is_on_register,
    why_not_extend_deferral,
    why_not_withdraw,
)
from .publication import (
    decision_withdraw,
    deferral_extend,
    next_retry_at,
    reminder_days,
    stale_after,
)
from .views import StepView


@dataclass(frozen=True)
class PublicationPanel:
    # waiting (due, not yet published), in_progress, deferred, failed, published or withdrawn
    state: str
    decision: Decision
    reminder_days: int
    extend_url: str = ""
    withdraw_url: str = ""
    # On the public register (register/urls.py), once published.
    public_url: str = ""
    pdf_url: str = ""
    # A failed publication: when the worker tries again (None once it has stopped trying).
    next_retry_at: datetime.datetime | None = None
    # A publication in progress for longer than a render may take: its process stopped.
    stalled: bool = False


def publication_state(*, decision: Decision, today) -> str:
    """Where an approved record stands in publication, for the panel."""
    if is_on_register(decision):
        return decision.status
    if decision.part1_deferred and decision.deferred_until and decision.deferred_until > today:
        return "deferred"
    if decision.publication_state == Decision.PublicationState.IN_PROGRESS:
        return "in_progress"
    return "failed" if decision.publication_error else "waiting"


def publication_panel_context(*, user: User, decision: Decision) -> dict:
    """Context for templates/decisions/includes/publication_panel.html on the staff record
    page: {"publication_panel": None} until the record is approved."""
    if not has_publication(decision):
        return {"publication_panel": None}
    on_register = is_on_register(decision)
    panel = PublicationPanel(
        state=publication_state(decision=decision, today=timezone.localdate()),
        decision=decision,
        reminder_days=reminder_days(),
        extend_url=reverse("approvals:deferral_extend", args=[decision.pk])
        if can_extend_deferral(user, decision)
        else "",
        withdraw_url=reverse("approvals:withdraw", args=[decision.pk])
        if can_withdraw(user, decision)
        else "",
        public_url=reverse("register:detail", args=[decision.slug]) if on_register else "",
        pdf_url=reverse("register:pdf", args=[decision.slug]) if on_register else "",
        next_retry_at=next_retry_at(decision),
        stalled=decision.publication_state == Decision.PublicationState.IN_PROGRESS
        and decision.publication_started_at is not None
        and decision.publication_started_at < timezone.now() - stale_after(),
    )
    return {"publication_panel": panel}


class PublicationStepView(StepView):
    def form_kwargs(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        # Asked before the form is read: someone not allowed learns nothing from its errors.
        self.require_step()
        return super().post(request, *args, **kwargs)


class DeferralExtendView(PublicationStepView):
    form_class = DeferralExtendForm
    template_name = "decisions/publication/deferral_extend.html"
    title = "Extend the deferral of publication"
    button = "Extend the deferral"

    def form_kwargs(self):
        return {"current": self.decision.deferred_until, "today": timezone.localdate()}

    def why_not(self):
        return why_not_extend_deferral(self.request.user, self.decision)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reminder_days=reminder_days(), **kwargs)

    def act(self, form):
        data = form.cleaned_data
        deferral_extend(**self.versioned(form), until=data["until"], reason=data["reason"])
        until = date_format(data["until"], "j F Y")
        return f"Publication of {self.decision.reference} is now deferred until {until}."


class WithdrawView(PublicationStepView):
    form_class = WithdrawForm
    template_name = "decisions/publication/withdraw.html"
    title = "Withdraw the published record"
    button = "Withdraw the record"

    def why_not(self):
        return why_not_withdraw(self.request.user, self.decision)

    def act(self, form):
        decision_withdraw(**self.versioned(form), reason=form.cleaned_data["reason"])
        return (
            f"{self.decision.reference} was withdrawn. Its page on the register stays, "
            "with a notice giving your reason."
        )
