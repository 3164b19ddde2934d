"""The workflow in the browser: the task list, check your answers and submit, confirm a
line, sign, decide, return, and the history.

Permission decision for every page: signed in (else to sign in); then
- the task list, check your answers and submit (decisions.views_drafting.DraftMixin):
  the rules of a page of a draft, decisions.policies.may_draft and can_edit_draft;
- a step (StepView): decisions.view_decision (else 403); the record exists for the
  user (else 404); and, for the record, the policy of approvals.policies for the step
  (else 403 with its reason);
- the history and the PDF preview (WorkingsMixin): decisions.view_decision (else
  403), the record exists and the user may read its workings,
  approvals.policies.can_read_workings (else 404, as for a record that does not
  exist, so that its existence is not told).
Every page of a record answers 404 to a user who may not open it
(approvals.policies.can_read_record, applied by the selectors).
A GET asks the policy. A POST is decided by the service, which first checks the
version the page was loaded from, so the slower of two people, or a form sent
twice, is told who acted (409) and nothing is done twice. A wrong signing password
counts towards the sign-in lockout (approvals.lockout): once locked, signing is
refused (429) beside the password field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.views.generic import TemplateView

from core.errors import DomainError, StaleRecord, WrongPassword
from core.forms import VersionedForm
from core.views import RecordFormView, RecordMixin, add_domain_error, get_or_404
from decisions import policies as decision_policies
from decisions import selectors as decision_selectors
from decisions.canonical import decision_content_hash
from decisions.drafting import task_groups
from decisions.models import DeclarationLine
from decisions.part_one_size import part_one_too_large
from decisions.views_drafting import DraftMixin

from . import lockout, policies, previews, selectors, services
from .clearance import CLEARANCE_LINES, form_line
from .forms import ClearanceForm, DecisionForm, ReferUpForm, ReturnForm, SigningForm
from .presenters import part_one_context

NO_ROLE = "Your role does not allow you to read decision records."


def add_step_error(form, error: Exception) -> int:
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


class StaffRecordMixin(RecordMixin):
    """A staff page about one record: decisions.view_decision (else 403 as
    core.access.staff_view, with no reason), the record the user may see (else 404)."""

    role = staticmethod(decision_policies.can_view_decisions)
    selector = staticmethod(selectors.decision_detail_for_user)


class WorkingsMixin(StaffRecordMixin):
    """A page of a record's workings (its history, its draft's preview): only for those
    who may read them (policies.can_read_workings), else 404 as if it did not exist."""

    def prepare(self) -> None:
        super().prepare()
        if not policies.can_read_workings(self.request.user, self.decision):
            raise Http404("No such record")


class TaskListView(DraftMixin, TemplateView):
    template_name = "decisions/drafting/task_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        route = selectors.live_route(decision=self.decision)
        may_see_part_two = decision_policies.can_view_part_two(self.request.user, self.decision)
        return {
            **context,
            "groups": task_groups(self.decision),
            "route_reason": route.reason_for(may_see_part_two=may_see_part_two) if route else "",
            # Said before submission, in the words submission would refuse with.
            **self.form_mismatch(route),
        }

    def form_mismatch(self, route) -> dict:
        office = route.decision_maker if route else None
        mismatch = office and selectors.form_type_mismatch(decision=self.decision, office=office)
        if not mismatch:
            return {"form_mismatch": ""}
        following = selectors.form_type_following(decision=self.decision, office=office)
        if following is not None:
            return {
                "form_follows": f"This record goes to the {office.title}: on submission it "
                f"moves to the {following.name} form, which goes to that office."
            }
        return {"form_mismatch": mismatch}


class CheckAnswersMixin(DraftMixin):
    template_name = "decisions/drafting/check.html"
    # Part 1 as it will be published shows the standing signatures.
    selector = staticmethod(selectors.decision_detail_for_user)

    def get_context_data(self, **kwargs):
        decision = selectors.with_live_office(self.decision)
        context = {**super().get_context_data(**kwargs), **part_one_context(decision=decision)}
        return {
            **context,
            "groups": task_groups(self.decision),
            "part_two": self.decision.visible_part_two,
            "declaration_confirmed": any(
                line.kind == DeclarationLine.Kind.DRAFTING_OFFICER and line.ticked
                for line in context["declaration_lines"]
            ),
            # Said before the button is pressed, in the words submission would use.
            "too_large": part_one_too_large(self.decision),
        }


class CheckAnswersView(CheckAnswersMixin, TemplateView):
    pass


class SubmitView(CheckAnswersMixin, RecordFormView):
    """POST from "check your answers": a refusal shows that page again with the reason."""

    http_method_names = ["post"]
    form_class = VersionedForm

    def act(self, form):
        # Before the service's transaction: a rendering holds no lock (approvals.previews).
        previews.submission_trial_render(decision=self.decision)
        return services.decision_submit(
            decision_id=self.decision.pk,
            user=self.request.user,
            lock_version=form.cleaned_data["lock_version"],
        )

    def refused(self, form, error):
        return add_step_error(form, error)

    def success(self, decision):
        messages.success(
            self.request,
            f"Submitted for clearance as {decision.reference}: "
            + selectors.route_reason_for(user=self.request.user, decision=decision),
        )
        return redirect("approvals:detail", pk=decision.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The errors stand beside the button of the check page, the only field it has.
        errors = [("submit-for-clearance", message) for _, message in context["errors"]]
        return {**context, "errors": errors}


class StepView(RecordFormView):
    """One step of the workflow on one record: a form, one service, back to the record.

    A GET asks why_not() (the step's policy); a POST is decided by the service.
    act(form) calls the service and returns the message telling the user it is done.
    """

    role = staticmethod(decision_policies.can_view_decisions)
    permission_denied_message = NO_ROLE
    selector = staticmethod(selectors.decision_detail_for_user)
    form_class: type[VersionedForm] = SigningForm
    title: str
    button: str

    def prepare(self) -> None:
        super().prepare()
        self.signoffs = list(self.decision.signoffs.all())

    def why_not(self) -> str | None:
        raise NotImplementedError

    def require_step(self) -> None:
        if reason := self.why_not():
            raise PermissionDenied(reason)

    def get(self, request, *args, **kwargs):
        self.require_step()
        return super().get(request, *args, **kwargs)

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def form_valid(self, form):
        if not getattr(form, "signs", False):
            return super().form_valid(form)
        # A signature: the lockout check, the service (which checks the password) and the
        # counting of a wrong password in one transaction, which takes the signer's row
        # first (approvals.lockout.signing_locked; the lock order is decisions.locking):
        # one person's attempts sent at once are checked and counted one after another.
        # The service's own transaction is a savepoint in it, rolled back on a refusal
        # while the count stays; mail and publication wait for this one to commit.
        status = None
        with transaction.atomic():
            if lockout.signing_locked(self.request):
                form.add_error("password", lockout.locked_message(self.request))
                status = 429
            else:
                try:
                    result = self.act(form)
                except (DomainError, ValidationError) as error:
                    status = self.refused(form, error)
        if status is not None:
            return self.form_invalid(form, status=status)
        return self.success(result)

    def refused(self, form, error):
        if isinstance(error, WrongPassword) and lockout.record_wrong_password(self.request):
            form.add_error("password", lockout.locked_message(self.request))
            return 429
        return add_step_error(form, error)

    def success(self, message):
        messages.success(self.request, message)
        return super().success(message)

    def get_success_url(self) -> str:
        return reverse("approvals:detail", args=[self.decision.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{
                "report": getattr(self.decision, "report", None),
                "route_reason": selectors.route_reason_for(
                    user=self.request.user, decision=self.decision
                ),
                "title": self.title,
                "button": self.button,
                "can_return": policies.why_not_return(self.request.user, self.decision) is None,
                **kwargs,
            }
        )


class ClearanceView(StepView):
    form_class = ClearanceForm
    template_name = "approvals/clearance.html"
    button = "Confirm and sign"

    def prepare(self) -> None:
        super().prepare()
        kind = self.kwargs["kind"]
        self.form_line = form_line(self.decision, kind) if kind in CLEARANCE_LINES else None
        if self.form_line is None:
            raise Http404("No such line of the declaration on this record's form")
        self.line = CLEARANCE_LINES[kind]
        self.title = f"Confirm the {self.line.kind.label} line"

    def form_kwargs(self):
        return {**super().form_kwargs(), "statements": self.form_line.options}

    def get_initial(self):
        # What the adviser reads is what they sign (services.clearance_confirm).
        return {
            **super().get_initial(),
            "content_hash": decision_content_hash(decision=self.decision),
        }

    def why_not(self):
        return policies.why_not_confirm(
            self.request.user, self.decision, self.line.kind, self.signoffs
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(line=self.line, **kwargs)

    def act(self, form):
        services.clearance_confirm(
            decision_id=self.decision.pk,
            user=self.request.user,
            content_hash=form.cleaned_data["content_hash"],
            kind=self.line.kind,
            statement=form.cleaned_data["statement"],
            password=form.cleaned_data["password"],
        )
        return f"You confirmed the {self.line.kind.label} line of {self.decision.reference}."


class ChiefExecutiveView(StepView):
    """The statement an office (the Chief Executive) signs before another decides."""

    template_name = "approvals/chief_executive.html"
    title = "Sign the statement"
    button = "Sign"

    def why_not(self):
        return policies.why_not_sign_chief_executive(
            self.request.user, self.decision, self.signoffs
        )

    def prepare(self) -> None:
        super().prepare()
        self.stating = policies.statement_office(self.decision)
        if self.stating is not None:
            self.title = f"Sign as {self.stating.title}"

    def get_context_data(self, **kwargs):
        stating = self.stating
        statement = stating.statement_for(self.decision.decision_maker) if stating else ""
        return super().get_context_data(statement=statement, stating_office=stating, **kwargs)

    def act(self, form):
        services.chief_executive_sign(
            **self.versioned(form), password=form.cleaned_data["password"]
        )
        who = self.stating.title if self.stating else "office"
        return f"You signed the {who}'s statement on {self.decision.reference}."


class DecideView(StepView):
    form_class = DecisionForm
    template_name = "approvals/decide.html"
    title = "Take the decision"
    button = "Sign the decision"

    def why_not(self):
        return policies.why_not_decide(self.request.user, self.decision, self.signoffs)

    def get_context_data(self, **kwargs):
        office = self.decision.decision_maker
        return super().get_context_data(
            declaration=office.declaration if office else "", office=office, **kwargs
        )

    def act(self, form):
        data = form.cleaned_data
        if form.passes_back:
            services.decision_pass_back(**self.versioned(form), interests=data["interests"])
            return (
                f"{self.decision.reference} was passed back to the drafting officer. "
                f"Interest declared: {data['interests']}"
            )
        decision = services.decision_take(
            **self.versioned(form),
            password=data["password"],
            approve=data["approve"],
            interests=data["interests"],
            reason=data["reason"],
        )
        if not data["approve"]:
            return f"You did not approve {decision.reference}. Your decision is signed."
        # Publication runs after this request (the worker): never say it is done.
        if decision.part1_deferred and decision.deferred_until:
            when = f"will be published on {date_format(decision.deferred_until, 'j F Y')}"
        else:
            when = "is being published; this page shows when it is on the register"
        return f"You approved {decision.reference}. Your decision is signed. Part 1 {when}."


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


class ReferUpView(StepView):
    form_class = ReferUpForm
    template_name = "approvals/refer_up.html"
    title = "Refer up to a higher office"
    button = "Refer up"

    def prepare(self) -> None:
        super().prepare()
        self.higher = selectors.higher_offices(decision=self.decision)

    def form_kwargs(self):
        return {"offices": self.higher}

    def why_not(self):
        return policies.why_not_refer_up(self.request.user, self.decision, self.higher)

    def act(self, form):
        data = form.cleaned_data
        self.referred = services.decision_refer_up(
            **self.versioned(form), office_id=data["office"], reason=data["reason"]
        )
        return (
            f"{self.referred.reference} was referred up to the "
            f"{self.referred.decision_maker.title}."
        )

    def get_success_url(self) -> str:
        # An office no longer on the record's route (the DMPC, referring to the Mayor) no
        # longer reads it: back to the records, not to a page it would not find.
        if decision_policies.can_read_record(self.request.user, self.referred):
            return super().get_success_url()
        return reverse("approvals:home")


class HistoryView(WorkingsMixin, TemplateView):
    template_name = "approvals/history.html"

    def load(self):
        # The record alone: the history reads its versions, not its parts.
        records = decision_selectors.decision_list_for_user(user=self.request.user)
        return get_or_404(records, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        decision = self.decision
        part_two = decision_policies.can_view_part_two(self.request.user, decision)
        return super().get_context_data(
            actions=selectors.decision_timeline(decision=decision),
            versions=selectors.decision_versions(decision=decision, include_part_two=part_two),
            versions_include_part_two=part_two,
            **kwargs,
        )
