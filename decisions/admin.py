from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BackgroundPaper,
    Decision,
    DeclarationLine,
    ExpenditureLine,
    FormType,
    PartTwo,
    Recommendation,
    ReferenceSeries,
    SupportingReport,
)


@admin.register(ReferenceSeries)
class ReferenceSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["prefix", "name", "next_number"]


@admin.register(FormType)
class FormTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "series"]
    prepopulated_fields = {"slug": ["name"]}


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


class ExpenditureLineInline(admin.TabularInline):
    model = ExpenditureLine
    extra = 0


class DeclarationLineInline(admin.TabularInline):
    model = DeclarationLine
    extra = 0


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
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
    list_select_related = ["series", "form_type", "drafting_officer"]
    readonly_fields = ["created_at", "updated_at", "lock_version"]
    inlines = [RecommendationInline, ExpenditureLineInline, DeclarationLineInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "position", "__str__"]
    list_select_related = ["decision__series"]


@admin.register(ExpenditureLine)
class ExpenditureLineAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "kind", "financial_year", "amount", "is_confidential"]
    list_select_related = ["decision__series"]


@admin.register(SupportingReport)
class SupportingReportAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "title", "meeting_date"]
    list_select_related = ["decision__series"]


@admin.register(PartTwo)
class PartTwoAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "exemption"]
    list_select_related = ["decision__series"]


@admin.register(BackgroundPaper)
class BackgroundPaperAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "title", "original_filename", "size", "uploaded_at"]
    list_select_related = ["decision__series"]


@admin.register(DeclarationLine)
class DeclarationLineAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "kind", "ticked"]
    list_select_related = ["decision__series"]
