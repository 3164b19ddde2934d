"""Drafting a record in the browser: start, one form a section, lists of rows, papers.

Permission decision for every view here (core.views.RoleRequiredMixin and its
`role`): signed in (else to sign in), then
- start: decisions.policies.can_start_draft (else 403);
- a page of a draft (DraftMixin): may_draft, a drafting officer or an administrator
  (else 403); the record exists for the user (else 404); and
  decisions.policies.why_not_edit_draft for that record (else 403 with its reason); the Part 2 page
  also can_view_part_two (else 403);
- downloading a background paper: can_view_decisions (else 403), the paper of
  that record, whose workings the user may read (can_read_workings, else 404, as
  for a paper that does not exist);
- any page of a record the user may not open (can_read_record, applied by the
  selector): 404, so that its existence is not told.
A save is decided by the service, which checks the version the page was loaded
from: the slower of two people is told who saved (409), nothing is lost.
"""

import re

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from core.errors import DomainError, StaleRecord
from core.views import (
    RecordFormView,
    RecordMixin,
    RoleRequiredMixin,
    ServiceFormView,
    add_domain_error,
    get_or_404,
)

from . import selectors, services
from .drafting import PART_ONE_BY_SLUG
from .forms import (
    DeclarationForm,
    ExpenditureLineForm,
    PaperForm,
    PublicationForm,
    RecommendationForm,
    RelatedDecisionForm,
    ReportAdviceForm,
    ReportDetailsForm,
    ReportSummaryForm,
    RouteFlagsForm,
    SectionTextForm,
    StartDecisionForm,
    TitleSummaryForm,
    VersionedForm,
)
from .models import BackgroundPaper, RecordFlag, RelatedDecision
from .policies import (
    can_read_workings,
    can_start_draft,
    can_view_decisions,
    can_view_part_two,
    may_draft,
    why_not_edit_draft,
)
from .sections import REPORT_SECTIONS, form_section, recommendations_heading
from .uploads import download_name


class StartView(ServiceFormView):
    role = staticmethod(can_start_draft)
    permission_denied_message = "Only drafting officers can start a decision record."
    form_class = StartDecisionForm
    template_name = "decisions/drafting/start.html"

    def act(self, form):
        return services.decision_create(
            user=self.request.user,
            form_type=form.cleaned_data["form_type"],
            title=form.cleaned_data["title"],
        )

    def success(self, decision):
        return redirect("approvals:task_list", pk=decision.pk)


class DraftMixin(RecordMixin):
    """A page of a draft: the record, for someone allowed to edit it."""

    role = staticmethod(may_draft)
    permission_denied_message = "Only drafting officers can change decision records."
    # The record with its parts (a page of a later layer may load more).
    selector = staticmethod(selectors.decision_detail_for_user)

    def prepare(self) -> None:
        super().prepare()
        if reason := why_not_edit_draft(self.request.user, self.decision):
            raise PermissionDenied(reason)

    def task_list_url(self) -> str:
        return reverse("approvals:task_list", args=[self.decision.pk])


def warn_if_voided(request, decision) -> None:
    """Say whose sign-offs a change voided (services leave them on decision.voided_signoffs)."""
    voided = getattr(decision, "voided_signoffs", None)
    if voided:
        names = ", ".join(f"{s.name_as_signed} ({s.get_role_display()})" for s in voided)
        messages.warning(
            request,
            f"Your change voided the sign-offs given on the earlier content: {names}. "
            "They must sign again after you resubmit.",
        )


class SectionFormView(DraftMixin, RecordFormView):
    """One form for one section: GET shows it, POST saves through act() or shows errors."""

    template_name = "decisions/drafting/section_form.html"
    form_class: type[VersionedForm]
    title: str = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}

    def success(self, saved):
        warn_if_voided(self.request, saved)
        return super().success(saved)

    def get_success_url(self) -> str:
        return self.task_list_url()


class TitleSummaryView(SectionFormView):
    form_class = TitleSummaryForm
    title = "Title and executive summary"

    def get_initial(self):
        return {"title": self.decision.title, "executive_summary": self.decision.executive_summary}

    def act(self, form):
        return services.decision_update(
            **self.versioned(form),
            values={name: form.cleaned_data[name] for name in ("title", "executive_summary")},
            reason="Title and executive summary changed",
        )


class RouteFlagsView(SectionFormView):
    form_class = RouteFlagsForm
    template_name = "decisions/drafting/route_form.html"
    title = "Reserved and significant matters"

    def form_kwargs(self):
        return {"flags": selectors.escalation_flags_for(decision=self.decision)}

    def get_initial(self):
        justifications = self.decision.flag_justifications or {}
        initial = {}
        for code in RecordFlag.values:
            initial[code] = getattr(self.decision, code)
            initial[f"{code}_justification"] = justifications.get(code, "")
        return initial

    def act(self, form):
        return services.decision_update(
            **self.versioned(form),
            values=form.values(),
            reason="Reserved and significant matters changed",
        )


class PartOneSectionView(SectionFormView):
    """One Part I section of the record's form. A page of a kind of section no form has
    is not found (404); a section the record's form lacks is not found to GET, and a
    POST to it is refused by the service with a message (400)."""

    form_class = SectionTextForm
    template_name = "decisions/drafting/part_one_form.html"

    def dispatch(self, request, *args, section: str, **kwargs):
        if section not in PART_ONE_BY_SLUG:
            raise Http404("No such section")
        self.kind = PART_ONE_BY_SLUG[section]
        return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        super().prepare()
        self.section = form_section(self.decision.form_type, self.kind.field)
        if self.section is None and self.request.method != "POST":
            raise Http404("This record's form has no such section")
        self.title = self.section.heading if self.section else self.kind.heading

    def form_kwargs(self):
        return {
            "heading": self.title,
            "help_text": self.section.help_text if self.section else self.kind.help_text,
            "may_be_not_applicable": bool(self.section and self.section.may_be_not_applicable),
        }

    def get_initial(self):
        reason = (self.decision.sections_not_applicable or {}).get(self.kind.field, "")
        initial = {"text": getattr(self.decision, self.kind.field)}
        if self.section and self.section.may_be_not_applicable:
            initial["not_applicable_reason"] = reason
            if reason:
                initial["applies"] = SectionTextForm.DOES_NOT_APPLY
            elif initial["text"]:
                initial["applies"] = SectionTextForm.APPLIES
        return initial

    def get_context_data(self, **kwargs):
        number = self.section.number if self.section else None
        return {**super().get_context_data(**kwargs), "number": number}

    def act(self, form):
        return services.decision_set_section(
            **self.versioned(form),
            field=self.kind.field,
            text=form.cleaned_data["text"],
            not_applicable_reason=form.cleaned_data.get("not_applicable_reason", ""),
        )


class ReportFormView(SectionFormView):
    def prepare(self) -> None:
        super().prepare()
        if not self.decision.form_type.has_supporting_report:
            raise Http404("This record's form has no supporting report")

    def get_initial(self):
        report = getattr(self.decision, "report", None)
        return {
            name: getattr(report, name)
            for name in self.form_class.base_fields
            if report and hasattr(report, name)
        }

    def act(self, form):
        return services.report_update(
            **self.versioned(form),
            values={
                name: value for name, value in form.cleaned_data.items() if name != "lock_version"
            },
            reason=f"Supporting report: {self.title.lower()} changed",
        )


class ReportDetailsView(ReportFormView):
    form_class = ReportDetailsForm
    title = "Report details"


class ReportSummaryView(ReportFormView):
    form_class = ReportSummaryForm
    title = "Summary, recommendations and time sensitivity"


class ReportAdviceView(ReportFormView):
    form_class = ReportAdviceForm
    title = "Facts and advice"

    def form_kwargs(self):
        return {"sections": REPORT_SECTIONS}

    def get_initial(self):
        report = getattr(self.decision, "report", None)
        if report is None:
            return {}
        names = ["police_crime_plan_name", *(s.field for s in REPORT_SECTIONS)]
        return {name: getattr(report, name) for name in names}


class PublicationView(SectionFormView):
    form_class = PublicationForm
    template_name = "decisions/drafting/publication_form.html"
    title = "Publication and Part 2"

    def prepare(self) -> None:
        super().prepare()
        if not can_view_part_two(self.request.user, self.decision):
            raise PermissionDenied("You are not allowed to see Part 2 of this record.")

    def get_initial(self):
        part_two = self.decision.visible_part_two
        initial = {
            "deferral_reason": self.decision.deferral_reason,
            "deferred_until": self.decision.deferred_until,
            "part_two_content": part_two.content if part_two else "",
            "part_two_exemption": part_two.exemption if part_two else "",
            "part_two_rationale": part_two.rationale if part_two else "",
        }
        if self.decision.publication_answered:
            initial["part1_deferred"] = self.decision.part1_deferred
            initial["has_part_two"] = self.decision.has_part_two
        return initial

    def act(self, form):
        data = form.cleaned_data
        return services.decision_set_publication(
            **self.versioned(form),
            part1_deferred=data["part1_deferred"],
            deferral_reason=data["deferral_reason"],
            deferred_until=data["deferred_until"],
            has_part_two=data["has_part_two"],
            part_two_content=data["part_two_content"],
            part_two_exemption=data["part_two_exemption"],
            part_two_rationale=data["part_two_rationale"],
        )


class DeclarationView(SectionFormView):
    form_class = DeclarationForm
    title = "Your declaration"

    def form_kwargs(self):
        return {"statement": services.drafting_officer_statement(self.decision)}

    def get_initial(self):
        line = next(
            (ln for ln in self.decision.declaration_lines.all() if ln.kind == "drafting_officer"),
            None,
        )
        return {"confirmed": bool(line and line.ticked)}

    def act(self, form):
        return services.declaration_set_drafting_officer(
            **self.versioned(form), confirmed=form.cleaned_data["confirmed"]
        )


class ListEditorView(DraftMixin, TemplateResponseMixin, View):
    """A list of rows (recommendations, money lines) edited without JavaScript.

    Buttons named "action" add a row, remove one, or move one up or down: the page
    comes back with the rows as typed, nothing saved. "save" validates all rows
    and saves them through one service call.
    """

    template_name = "decisions/drafting/list_form.html"
    row_form: type[django_forms.Form]
    prefix: str
    title: str
    row_name: str
    min_rows = 0

    def formset_class(self, extra: int = 0):
        return django_forms.formset_factory(self.row_form, extra=extra)

    def rows_from_record(self) -> list[dict]:
        raise NotImplementedError

    def save(self, rows: list[dict], lock_version: int) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        rows = self.rows_from_record()
        return self.show(rows or [{}] * max(self.min_rows, 1), self.decision.lock_version)

    def show(self, rows, lock_version, formset=None, version_form=None, status=200):
        if formset is None:
            formset = self.formset_class()(initial=rows, prefix=self.prefix)
        version_form = version_form or VersionedForm(initial={"lock_version": lock_version})
        errors = version_form.error_list() if version_form.is_bound else []
        if formset.is_bound:
            for form in formset.forms:
                errors.extend(form.error_list())
            errors.extend(("", message) for message in formset.non_form_errors())
        context = self.get_context_data(
            formset=formset,
            version_form=version_form,
            errors=errors,
            title=self.title,
            row_name=self.row_name,
        )
        return self.render_to_response(context, status=status)

    def posted_rows(self) -> list[dict]:
        """The rows as typed, read from the posted formset, for re-display without validation."""
        formset = self.formset_class()(self.request.POST, prefix=self.prefix)
        if not formset.management_form.is_valid():
            return []
        rows = []
        for form in formset.forms:
            row = {}
            for name, field in form.fields.items():
                key = form.add_prefix(name)
                if isinstance(field, django_forms.BooleanField):
                    row[name] = key in self.request.POST
                else:
                    row[name] = self.request.POST.get(key, "")
            rows.append(row)
        return rows

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        version_form = VersionedForm(request.POST)
        lock_version = request.POST.get("lock_version", "")
        if action != "save":
            rows = self.posted_rows()
            verb, _, index_text = action.partition("-")
            index = int(index_text) if re.fullmatch(r"[0-9]{1,4}", index_text) else -1
            if verb == "add":
                rows.append({})
            elif verb == "remove" and 0 <= index < len(rows):
                rows.pop(index)
            elif verb == "up" and 0 < index < len(rows):
                rows[index - 1], rows[index] = rows[index], rows[index - 1]
            elif verb == "down" and 0 <= index < len(rows) - 1:
                rows[index + 1], rows[index] = rows[index], rows[index + 1]
            return self.show(
                rows,
                lock_version,
                version_form=VersionedForm(initial={"lock_version": lock_version}),
            )
        formset = self.formset_class()(request.POST, prefix=self.prefix)
        if version_form.is_valid() and formset.is_valid():
            rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            if len(rows) < self.min_rows:
                version_form.add_error(None, f"Enter at least one {self.row_name.lower()}")
            else:
                try:
                    saved = self.save(rows, version_form.cleaned_data["lock_version"])
                except (DomainError, ValidationError) as error:
                    status = add_domain_error(version_form, error)
                    return self.show([], lock_version, formset, version_form, status=status)
                warn_if_voided(request, saved)
                return redirect(self.task_list_url())
        return self.show([], lock_version, formset, version_form, status=400)


class RecommendationsView(ListEditorView):
    row_form = RecommendationForm
    prefix = "recommendations"
    title = "Recommendations"
    row_name = "Recommendation"
    min_rows = 1

    def prepare(self) -> None:
        super().prepare()
        # Under the form's own heading, as its task list names it ("Decision").
        self.title = recommendations_heading(self.decision.form_type, 2).rstrip(":")

    def rows_from_record(self):
        return [{"text": r.text} for r in self.decision.recommendations.all()]

    def save(self, rows, lock_version):
        return services.decision_set_recommendations(
            decision_id=self.decision.pk,
            user=self.request.user,
            lock_version=lock_version,
            texts=[row["text"] for row in rows],
        )


class MoneyView(ListEditorView):
    row_form = ExpenditureLineForm
    prefix = "lines"
    title = "Money"
    row_name = "Line"
    template_name = "decisions/drafting/money_form.html"

    def get(self, request, *args, **kwargs):
        return self.show(self.rows_from_record(), self.decision.lock_version)

    def rows_from_record(self):
        return [
            {
                "kind": line.kind,
                "financial_year": line.financial_year,
                "amount": line.amount,
                "funding_source": line.funding_source,
                "is_confidential": line.is_confidential,
            }
            for line in self.decision.expenditure_lines.all()
        ]

    def save(self, rows, lock_version):
        return services.decision_set_expenditure(
            decision_id=self.decision.pk,
            user=self.request.user,
            lock_version=lock_version,
            lines=rows,
        )


class PapersView(SectionFormView):
    form_class = PaperForm
    template_name = "decisions/drafting/papers.html"
    title = "Papers to attach"

    def act(self, form):
        return services.paper_add(
            **self.versioned(form),
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
        )

    def get_success_url(self):
        return reverse("decisions:draft_papers", args=[self.decision.pk])


class PaperActionView(DraftMixin, TemplateResponseMixin, View):
    """A button on the papers page acting on one paper (remove it, mark it for
    publication or not); errors are shown on the papers page."""

    template_name = "decisions/drafting/papers.html"

    def act(self, *, paper_pk: int, lock_version: int) -> None:
        raise NotImplementedError

    def post(self, request, *args, paper_pk: int, **kwargs):
        form = VersionedForm(request.POST)
        if not form.is_valid():
            return redirect("decisions:draft_papers", pk=self.decision.pk)
        try:
            self.act(paper_pk=paper_pk, lock_version=form.cleaned_data["lock_version"])
        except BackgroundPaper.DoesNotExist:
            raise Http404("No such paper") from None
        except DomainError as error:
            paper_form = PaperForm(initial={"lock_version": self.decision.lock_version})
            paper_form.is_bound = False
            context = {
                "form": paper_form,
                "errors": [("", str(error))],
                "title": "Papers to attach",
            }
            return self.render_to_response(
                self.get_context_data(**context),
                status=409 if isinstance(error, StaleRecord) else 400,
            )
        return redirect("decisions:draft_papers", pk=self.decision.pk)


class PaperRemoveView(PaperActionView):
    def act(self, *, paper_pk: int, lock_version: int) -> None:
        services.paper_remove(
            decision_id=self.decision.pk,
            paper_id=paper_pk,
            user=self.request.user,
            lock_version=lock_version,
        )


class PaperPublishView(PaperActionView):
    """Marks a paper for publication with the record ("publish" is "yes") or not."""

    def act(self, *, paper_pk: int, lock_version: int) -> None:
        services.paper_set_publish(
            decision_id=self.decision.pk,
            paper_id=paper_pk,
            user=self.request.user,
            lock_version=lock_version,
            publish=self.request.POST.get("publish") == "yes",
        )


class PaperDownloadView(RoleRequiredMixin, View):
    role = staticmethod(can_view_decisions)
    permission_denied_message = "Your role does not allow you to read decision records."

    def get(self, request, *args, pk: int, paper_pk: int):
        paper = get_or_404(
            BackgroundPaper.objects.select_related("decision"), pk=paper_pk, decision_id=pk
        )
        if not can_read_workings(request.user, paper.decision):
            raise Http404("No such record")
        return FileResponse(
            paper.file.open("rb"),
            as_attachment=True,
            # Papers stored before names followed their type are served under a safe one too.
            filename=download_name(paper.original_filename, paper.content_type),
            content_type=paper.content_type,
        )


class RelatedDecisionsView(SectionFormView):
    """The record's links to earlier ones: listed with a remove button each, and a form to add one."""

    form_class = RelatedDecisionForm
    template_name = "decisions/drafting/related.html"
    title = "Related decisions"

    def act(self, form):
        return services.related_decision_add(
            **self.versioned(form),
            relation=form.cleaned_data["relation"],
            reference=form.cleaned_data["reference"],
        )

    def get_success_url(self):
        return reverse("decisions:draft_related", args=[self.decision.pk])


class RelatedDecisionRemoveView(DraftMixin, TemplateResponseMixin, View):
    template_name = "decisions/drafting/related.html"
    http_method_names = ["post"]

    def post(self, request, *args, link_pk: int, **kwargs):
        form = VersionedForm(request.POST)
        if not form.is_valid():
            return redirect("decisions:draft_related", pk=self.decision.pk)
        try:
            saved = services.related_decision_remove(
                decision_id=self.decision.pk,
                link_id=link_pk,
                user=request.user,
                lock_version=form.cleaned_data["lock_version"],
            )
        except RelatedDecision.DoesNotExist:
            raise Http404("No such link") from None
        except DomainError as error:
            context = {
                "form": RelatedDecisionForm(initial={"lock_version": self.decision.lock_version}),
                "errors": [("", str(error))],
                "title": "Related decisions",
            }
            return self.render_to_response(
                self.get_context_data(**context),
                status=409 if isinstance(error, StaleRecord) else 400,
            )
        warn_if_voided(request, saved)
        return redirect("decisions:draft_related", pk=self.decision.pk)
