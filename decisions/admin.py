from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from core.admin import HistoryAdmin
from core.forms import OneLineAdminMixin

from .models import (
    BackgroundPaper,
    Decision,
    DeclarationLine,
    EscalationFlag,
    ExpenditureLine,
    FormClearanceLine,
    FormSection,
    FormType,
    Organisation,
    PartTwo,
    Recommendation,
    ReferenceSeries,
    SupportingReport,
)


class ReadOnlyAdmin:
    """Records change only through the application's services, which keep their version,
    void stale sign-offs and log who did what: the admin shows them and their history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def form_type_in_use(form_type: FormType | None) -> bool:
    """Whether a record has been submitted on this form type (asked once per object: the
    admin asks for each permission of the page). Its records were signed as the form reads:
    its wording, sections and lines stay as they are; a new wording is a new form type."""
    if form_type is None or form_type.pk is None:
        return False
    if not hasattr(form_type, "_in_use"):
        form_type._in_use = form_type.decisions.filter(submitted_at__isnull=False).exists()
    return form_type._in_use


def organisation_in_use(organisation: Organisation | None) -> bool:
    """Whether a record of this body has been submitted (its wording was signed with it)."""
    if organisation is None or organisation.pk is None:
        return False
    if not hasattr(organisation, "_in_use"):
        organisation._in_use = Decision.objects.filter(
            form_type__organisation=organisation, submitted_at__isnull=False
        ).exists()
    return organisation._in_use


class FrozenWhenInUse:
    """An inline of a form type that stays as it is once a record is submitted on it."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not form_type_in_use(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not form_type_in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not form_type_in_use(obj)


@admin.register(ReferenceSeries)
class ReferenceSeriesAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["prefix", "name", "next_number"]


@admin.register(Organisation)
class OrganisationAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["name", "short_name", "website"]

    def get_readonly_fields(self, request, obj=None):
        # The wording its submitted records were signed with, and print, stays.
        if organisation_in_use(obj):
            return ["name", "short_name", "slug", "public_access_paragraph", "legal_team_name"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if organisation_in_use(obj) else super().get_prepopulated_fields(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(EscalationFlag)
class EscalationFlagAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["label", "organisation", "code", "requires_justification"]
    list_filter = ["organisation"]


class FormSectionFormSet(BaseInlineFormSet):
    """A form has at least one Part I section: refused beside the list, nothing saved."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise ValidationError(
                "Give the form at least one section: its Part I is drawn from them."
            )


class FormSectionInline(FrozenWhenInUse, OneLineAdminMixin, admin.TabularInline):
    """The form's Part I sections: which kind, where, under which label (blank for the
    kind's own), with what help, and whether a record may mark it not applicable."""

    model = FormSection
    formset = FormSectionFormSet
    extra = 0
    min_num = 1
    fields = ["position", "kind", "label", "help_text", "may_be_not_applicable"]
    ordering = ["position"]


class FormTypeForm(forms.ModelForm):
    """The admin's form (the admin gives it its model and fields): a form type serves
    offices of its own body only."""

    def clean(self):
        data = super().clean()
        organisation, offices = data.get("organisation"), data.get("offices")
        if organisation and offices:
            foreign = [o.title for o in offices if o.organisation_id != organisation.pk]
            if foreign:
                self.add_error(
                    "offices",
                    f"Choose offices of {organisation}: not {', '.join(foreign)}",
                )
        return data


class FormClearanceLineInline(FrozenWhenInUse, OneLineAdminMixin, admin.StackedInline):
    """The lines of the form's Originating Officer Declaration that advisers confirm, with
    the statements (in the body's words) each chooses from. A line left out is not asked."""

    model = FormClearanceLine
    extra = 0
    fields = ["position", "kind", "statements", "not_applicable_statement"]
    ordering = ["position"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            # The drafting officer's own line is not an adviser's to confirm.
            kwargs["choices"] = [
                choice
                for choice in db_field.get_choices()
                if choice[0] in ("", *FormClearanceLine.ADVISER_KINDS)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(FormType)
class FormTypeAdmin(OneLineAdminMixin, HistoryAdmin):
    form = FormTypeForm

    # Once a record is submitted on it, a form type reads as its records were signed: only
    # its description and the offices it serves (for drafts to come) may still change.
    FROZEN = [
        "organisation",
        "name",
        "slug",
        "series",
        "heading_pattern",
        "recommendations_heading",
        "pluralise_heading",
        "numbering_style",
        "recommendations_lead_in",
        "has_supporting_report",
        "follows_route",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.FROZEN if form_type_in_use(obj) else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if form_type_in_use(obj) else super().get_prepopulated_fields(request, obj)

    list_display = ["name", "organisation", "series"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "series"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FormSectionInline, FormClearanceLineInline]
    filter_horizontal = ["offices"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "name",
                    "slug",
                    "series",
                    "offices",
                    "follows_route",
                    "description",
                    "heading_pattern",
                    "has_supporting_report",
                ]
            },
        ),
        (
            "Recommendations",
            {
                "fields": [
                    "recommendations_heading",
                    "pluralise_heading",
                    "numbering_style",
                    "recommendations_lead_in",
                ]
            },
        ),
    ]


class RecommendationInline(ReadOnlyAdmin, admin.TabularInline):
    model = Recommendation
    extra = 0


class ExpenditureLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = ExpenditureLine
    extra = 0


class DeclarationLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = DeclarationLine
    extra = 0


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = [
        "__str__",
        "form_type",
        "status",
        "decision_maker",
        "drafting_officer",
        "updated_at",
    ]
    list_filter = ["status", "form_type", "decision_maker"]
    search_fields = ["title", "number"]
    list_select_related = ["series", "form_type", "drafting_officer", "decision_maker"]
    readonly_fields = ["created_at", "updated_at", "lock_version"]
    inlines = [RecommendationInline, ExpenditureLineInline, DeclarationLineInline]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "position", "__str__"]
    list_select_related = ["decision__series"]


@admin.register(ExpenditureLine)
class ExpenditureLineAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "kind", "financial_year", "amount", "is_confidential"]
    list_select_related = ["decision__series"]


@admin.register(SupportingReport)
class SupportingReportAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "title", "meeting_date"]
    list_select_related = ["decision__series"]


@admin.register(PartTwo)
class PartTwoAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "exemption"]
    list_select_related = ["decision__series"]


@admin.register(BackgroundPaper)
class BackgroundPaperAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "title", "original_filename", "size", "uploaded_at"]
    list_select_related = ["decision__series"]


@admin.register(DeclarationLine)
class DeclarationLineAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["decision", "kind", "ticked"]
    list_select_related = ["decision__series"]
