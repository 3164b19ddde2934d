from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("records/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("records/<int:pk>/clearance/<slug:kind>/", views.ClearanceView.as_view(), name="clear"),
    path(
        "records/<int:pk>/chief-executive/",
        views.ChiefExecutiveView.as_view(),
        name="chief_executive",
    ),
    path("records/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("records/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("records/<int:pk>/history/", views.history, name="history"),
]
