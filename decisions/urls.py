from django.urls import path

from . import views_drafting as drafting

app_name = "decisions"

urlpatterns = [
    path("records/new/", drafting.StartView.as_view(), name="start"),
    path(
        "records/<int:pk>/papers/<int:paper_pk>/",
        drafting.PaperDownloadView.as_view(),
        name="paper_download",
    ),
    path(
        "records/<int:pk>/draft/title-summary/",
        drafting.TitleSummaryView.as_view(),
        name="draft_title_summary",
    ),
    path(
        "records/<int:pk>/draft/recommendations/",
        drafting.RecommendationsView.as_view(),
        name="draft_recommendations",
    ),
    path("records/<int:pk>/draft/money/", drafting.MoneyView.as_view(), name="draft_money"),
    path("records/<int:pk>/draft/route/", drafting.RouteFlagsView.as_view(), name="draft_route"),
    path(
        "records/<int:pk>/draft/part-one/<slug:section>/",
        drafting.PartOneSectionView.as_view(),
        name="draft_part_one",
    ),
    path(
        "records/<int:pk>/draft/report-details/",
        drafting.ReportDetailsView.as_view(),
        name="draft_report_details",
    ),
    path(
        "records/<int:pk>/draft/report-summary/",
        drafting.ReportSummaryView.as_view(),
        name="draft_report_summary",
    ),
    path(
        "records/<int:pk>/draft/report-advice/",
        drafting.ReportAdviceView.as_view(),
        name="draft_report_advice",
    ),
    path("records/<int:pk>/draft/papers/", drafting.PapersView.as_view(), name="draft_papers"),
    path(
        "records/<int:pk>/draft/papers/<int:paper_pk>/remove/",
        drafting.PaperRemoveView.as_view(),
        name="draft_paper_remove",
    ),
    path(
        "records/<int:pk>/draft/related/",
        drafting.RelatedDecisionsView.as_view(),
        name="draft_related",
    ),
    path(
        "records/<int:pk>/draft/related/<int:link_pk>/remove/",
        drafting.RelatedDecisionRemoveView.as_view(),
        name="draft_related_remove",
    ),
    path(
        "records/<int:pk>/draft/papers/<int:paper_pk>/publish/",
        drafting.PaperPublishView.as_view(),
        name="draft_paper_publish",
    ),
    path(
        "records/<int:pk>/draft/publication/",
        drafting.PublicationView.as_view(),
        name="draft_publication",
    ),
    path(
        "records/<int:pk>/draft/declaration/",
        drafting.DeclarationView.as_view(),
        name="draft_declaration",
    ),
]
