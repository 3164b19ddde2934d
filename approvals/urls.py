from django.urls import path

from . import views, views_pdf, views_publication, views_record

app_name = "approvals"

urlpatterns = [
    path("", views_record.home, name="home"),
    path("records/<int:pk>/", views_record.RecordDetailView.as_view(), name="detail"),
    path("records/<int:pk>/preview.pdf", views_pdf.PdfPreviewView.as_view(), name="pdf_preview"),
    path("records/<int:pk>/draft/", views.TaskListView.as_view(), name="task_list"),
    path("records/<int:pk>/draft/check/", views.CheckAnswersView.as_view(), name="check"),
    path(
        "records/<int:pk>/publication/extend/",
        views_publication.DeferralExtendView.as_view(),
        name="deferral_extend",
    ),
    path(
        "records/<int:pk>/publication/withdraw/",
        views_publication.WithdrawView.as_view(),
        name="withdraw",
    ),
    path("records/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("records/<int:pk>/clearance/<slug:kind>/", views.ClearanceView.as_view(), name="clear"),
    path(
        "records/<int:pk>/chief-executive/",
        views.ChiefExecutiveView.as_view(),
        name="chief_executive",
    ),
    path("records/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("records/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("records/<int:pk>/refer-up/", views.ReferUpView.as_view(), name="refer_up"),
    path("records/<int:pk>/history/", views.HistoryView.as_view(), name="history"),
]
