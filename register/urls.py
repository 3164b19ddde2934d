"""The public register's addresses: /decisions/…, stable, such as /decisions/pcd-1069/."""

from django.urls import path, register_converter

from . import views
from .feeds import RegisterFeed
from .selectors import SLUG_REGEX


class ReferenceConverter:
    """A record's public address part, as Decision.slug makes it: "pcd-1069"."""

    regex = SLUG_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

app_name = "register"

urlpatterns = [
    path("decisions/", views.decision_list, name="list"),
    path("decisions/open-data/", views.open_data, name="open_data"),
    path("decisions/feed/", views.public(RegisterFeed()), name="feed"),
    path("decisions/export.csv", views.export_csv, name="export_csv"),
    path("decisions/export.json", views.export_json, name="export_json"),
    path("decisions/<reference:slug>/", views.decision_detail, name="detail"),
    path("decisions/<reference:slug>.pdf", views.decision_pdf, name="pdf"),
    # A published background paper: "/decisions/pcd-1069/papers/12-business-case.pdf".
    path(
        "decisions/<reference:slug>/papers/<int:paper_id>-<str:name>",
        views.paper_download,
        name="paper",
    ),
]
