"""The workflow in the browser: submit, confirm a line, sign, decide, return, and the history.

Permission decision for every page: signed in (else to sign in); holding
decisions.view_decision (else 403); the record exists (else 404); and, for the
record, the policy of approvals.policies for the step (else 403 with its reason).
A GET asks the policy. A POST is decided by the service, which first checks the
version the page was loaded from, so the slower of two people, or a form sent
twice, is told who acted (409) and nothing is done twice. A wrong signing password
counts towards the sign-in lockout (approvals.lockout): once locked, signing is
refused (429) beside the password field.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from core.access import staff_view
from core.errors import DomainError, StaleRecord, WrongPassword
from core.forms import VersionedForm
from core.views import add_domain_error
from decisions import policies as decision_policies
from decisions import selectors as decision_selectors
from decisions.drafting import task_groups
from decisions.models import Decision, DeclarationLine
from decisions.views_drafting import DraftView

from . import lockout, policies, selectors, services
from .clearance import CHIEF_EXECUTIVE_STATEMENT, CLEARANCE_LINES
from .forms import ClearanceForm, DecisionForm, ReturnForm, SigningForm
from .presenters import part_one_context

NO_ROLE = "Your role does not allow you to read decision records."
DECLARATION = (
    "I confirm I have considered whether or not I have any personal or prejudicial interest in "
    "this matter and take the proposed decision in compliance with the Code of Conduct. Any such "
    "interests are recorded below."
)


def add_step_error(form, error: DomainError) -> int:
    """A service's refusal on the form, and the status to answer with."""
    if isinstance(error, StaleRecord):
        # The drafting message speaks of changes kept on screen; a step has none.
        form.add_error(
            None,
            f"{error.changed_by} acted on this record at {error.changed_at:%H:%M on %-d %B %Y} "
            "since you opened this page, so nothing has been done. Open the record to see "
            "where it stands now.",
        )
        return 409
    return add_domain_error(form, error)


class TaskListView(DraftView):
    def get(self, request):
        return self.render(
            "decisions/drafting/task_list.html",
            {
                "groups": task_groups(self.decision),
                "route_reason": selectors.live_route_reason(
                    user=request.user, decision=self.decision
                ),
            },
        )


class CheckAnswersView(DraftView):
    def load(self, *, user, pk: int) -> Decision:
        # Part 1 as it will be published shows the standing signatures.
        return selectors.decision_detail_for_user(user=user, pk=pk)

    def get(self, request):
        context = part_one_context(decision=self.decision)
        return self.render(
            "decisions/drafting/check.html",
            {
                **context,
                "groups": task_groups(self.decision),
                "part_two": self.decision.visible_part_two,
                "declaration_confirmed": any(
                    line.kind == DeclarationLine.Kind.DRAFTING_OFFICER and line.ticked
                    for line in context["declaration_lines"]
                ),
            },
        )


class SubmitView(CheckAnswersView):
    """POST from "check your answers": a refusal shows that page again with the reason."""

    http_method_names = ["post"]
    errors: list = []
    status = 200

    def post(self, request):
        form = VersionedForm(request.POST)
        self.status = 400
        if form.is_valid():
            try:
                decision = services.decision_submit(
                    decision_id=self.decision.pk,
                    user=request.user,
                    lock_version=form.cleaned_data["lock_version"],
                )
            except DomainError as error:
                self.status = add_step_error(form, error)
            else:
                messages.success(
                    request,
                    f"Submitted for clearance as {decision.reference}: "
                    + selectors.route_reason_for(user=request.user, decision=decision),
                )
                return redirect("approvals:detail", pk=decision.pk)
        self.errors = [("submit-for-clearance", message) for _, message in form.error_list()]
        return self.get(request)

    def render(self, template: str, context: dict, status: int = 200):
        return super().render(template, {**context, "errors": self.errors}, status=self.status)


class StepView(View):
    """One step of the workflow on one record: a form, one service, back to the record."""

    template_name: str
    form_class: type[VersionedForm] = SigningForm
    title: str
    button: str

    def dispatch(self, request, *args, pk: int, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not decision_policies.can_view_decisions(request.user):
            raise PermissionDenied(NO_ROLE)
        try:
            self.decision = selectors.decision_detail_for_user(user=request.user, pk=pk)
        except Decision.DoesNotExist:
            raise Http404("No such record") from None
        self.signoffs = list(self.decision.signoffs.all())
        self.load_step(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_step(self, **kwargs) -> None:
        """Read the rest of the address (a clearance line's kind)."""

    def why_not(self) -> str | None:
        raise NotImplementedError

    def act(self, form) -> str:
        """Call the step's service; the message telling the user it is done."""
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def get(self, request, **kwargs):
        if reason := self.why_not():
            raise PermissionDenied(reason)
        initial = {"lock_version": self.decision.lock_version}
        return self.show(self.form_class(initial=initial, **self.form_kwargs()))

    def post(self, request, **kwargs):
        form = self.form_class(request.POST, **self.form_kwargs())
        status = 400
        if form.is_valid():
            if getattr(form, "signs", False) and lockout.signing_locked(request):
                form.add_error("password", lockout.locked_message(request))
                return self.show(form, 429)
            try:
                message = self.act(form)
            except WrongPassword as error:
                if lockout.record_wrong_password(request):
                    form.add_error("password", lockout.locked_message(request))
                    status = 429
                else:
                    status = add_step_error(form, error)
            except DomainError as error:
                status = add_step_error(form, error)
            else:
                messages.success(request, message)
                return redirect("approvals:detail", pk=self.decision.pk)
        return self.show(form, status)

    def context(self) -> dict:
        return {}

    def show(self, form, status: int = 200):
        context = {
            "decision": self.decision,
            "report": getattr(self.decision, "report", None),
            "route_reason": selectors.route_reason_for(
                user=self.request.user, decision=self.decision
            ),
            "form": form,
            "errors": form.error_list(),
            "title": self.title,
            "button": self.button,
            "can_return": policies.why_not_return(self.request.user, self.decision) is None,
            "nav": "records",
            **self.context(),
        }
        return render(self.request, self.template_name, context, status=status)

    def versioned(self, form) -> dict:
        return {
            "decision_id": self.decision.pk,
            "user": self.request.user,
            "lock_version": form.cleaned_data["lock_version"],
        }


class ClearanceView(StepView):
    form_class = ClearanceForm
    template_name = "approvals/clearance.html"
    button = "Confirm and sign"

    def load_step(self, *, kind: str) -> None:
        if kind not in CLEARANCE_LINES:
            raise Http404("No such line of the declaration")
        self.line = CLEARANCE_LINES[kind]
        self.title = f"Confirm the {self.line.kind.label} line"

    def form_kwargs(self):
        return {**super().form_kwargs(), "statements": self.line.statements}

    def why_not(self):
        return policies.why_not_confirm(
            self.request.user, self.decision, self.line.kind, self.signoffs
        )

    def context(self):
        return {"line": self.line}

    def act(self, form):
        services.clearance_confirm(
            **self.versioned(form),
            kind=self.line.kind,
            statement=form.cleaned_data["statement"],
            password=form.cleaned_data["password"],
        )
        return f"You confirmed the {self.line.kind.label} line of {self.decision.reference}."


class ChiefExecutiveView(StepView):
    template_name = "approvals/chief_executive.html"
    title = "Sign as Chief Executive"
    button = "Sign"

    def why_not(self):
        return policies.why_not_sign_chief_executive(
            self.request.user, self.decision, self.signoffs
        )

    def context(self):
        maker = self.decision.get_decision_maker_display()
        return {"statement": CHIEF_EXECUTIVE_STATEMENT.format(decision_maker=maker)}

    def act(self, form):
        services.chief_executive_sign(
            **self.versioned(form), password=form.cleaned_data["password"]
        )
        return f"You signed the Chief Executive's statement on {self.decision.reference}."


class DecideView(StepView):
    form_class = DecisionForm
    template_name = "approvals/decide.html"
    title = "Take the decision"
    button = "Sign the decision"

    def why_not(self):
        return policies.why_not_decide(self.request.user, self.decision, self.signoffs)

    def context(self):
        return {"declaration": DECLARATION}

    def act(self, form):
        data = form.cleaned_data
        if form.passes_back:
            # decision_return lets any reviewer return; this page is the decision maker's.
            policies.require(self.why_not())
            reason = f"Interest declared: {data['interests']}"
            services.decision_return(**self.versioned(form), reason=reason)
            return f"{self.decision.reference} was passed back to the drafting officer. {reason}"
        services.decision_take(
            **self.versioned(form),
            password=data["password"],
            approve=data["approve"],
            interests=data["interests"],
            reason=data["reason"],
        )
        verb = "approved" if data["approve"] else "did not approve"
        return f"You {verb} {self.decision.reference}. Your decision is signed."


class ReturnView(StepView):
    form_class = ReturnForm
    template_name = "approvals/return.html"
    title = "Return to the drafting officer"
    button = "Return to the drafting officer"

    def form_kwargs(self):
        return {}

    def why_not(self):
        return policies.why_not_return(self.request.user, self.decision)

    def act(self, form):
        services.decision_return(**self.versioned(form), reason=form.cleaned_data["reason"])
        return f"{self.decision.reference} was returned to the drafting officer."


@staff_view
def history(request, pk: int):
    try:
        decision = decision_selectors.decision_list_for_user(user=request.user).get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404("No such record") from None
    part_two = decision_policies.can_view_part_two(request.user, decision)
    context = {
        "decision": decision,
        "actions": selectors.decision_timeline(decision=decision),
        "versions": selectors.decision_versions(decision=decision, include_part_two=part_two),
        "versions_include_part_two": part_two,
        "nav": "records",
    }
    return render(request, "approvals/history.html", context)
