from django.contrib import admin

from core.admin import HistoryAdmin
from core.forms import OneLineAdminMixin

from .models import (
    BackgroundPaper,
    Decision,
    DeclarationLine,
    EscalationFlag,
    ExpenditureLine,
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


@admin.register(ReferenceSeries)
class ReferenceSeriesAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["prefix", "name", "next_number"]


@admin.register(Organisation)
class OrganisationAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["name", "short_name", "website"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(EscalationFlag)
class EscalationFlagAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["label", "organisation", "code", "requires_justification"]
    list_filter = ["organisation"]


@admin.register(FormType)
class FormTypeAdmin(OneLineAdminMixin, HistoryAdmin):
    list_display = ["name", "organisation", "series"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "series"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["offices"]


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
