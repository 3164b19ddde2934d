"""Unsupported methods answer 405 with an Allow header on every page (issue 9, item 6).

Django's View would let a FormView take a PUT as a POST, and a function view or
the admin would answer any method with the page. Every page here, Django's admin
included, answers PUT, PATCH, DELETE and TRACE with 405 before anything else
(signing in, the role, the record), so the answer is the same signed in or not.
The walk resolves every named address of the project with real arguments.

(These requests carry no CSRF token and the test client skips the check, as a
signed-in attacker's token would pass it; without one, Django's CSRF check answers
PUT, PATCH and DELETE with 403 before the view: never 200 either way.)
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.roles import Role
from decisions.models import BackgroundPaper, RelatedDecision
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

METHODS = ("put", "patch", "delete", "trace")


def named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """Every named address, with its namespace, the admin's included."""
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += named_patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


ALL_PAGES = named_patterns(get_resolver())


def arguments(pattern: URLPattern, site: dict) -> dict:
    """Real values for the address's named parts; unnamed groups (simple_history's
    admin pages) take the draft's primary key."""
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return {"kwargs": {arg: site[arg] for arg in converters}}
    regex = pattern.pattern.regex
    if regex.groupindex:
        return {"kwargs": {arg: site[arg] for arg in regex.groupindex}}
    return {"args": [site["pk"]] * regex.groups}


@pytest.fixture
def site(officer):
    """A draft with a paper and a link to a published record: real values for every
    argument."""
    draft = DecisionFactory(drafting_officer=officer)
    paper = BackgroundPaper.objects.create(
        decision=draft,
        title="Business case",
        file=SimpleUploadedFile("case.pdf", b"%PDF-1.7\n%%EOF\n"),
        original_filename="case.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=officer,
    )
    published = DecisionFactory(
        submitted=True,
        status="published",
        number=9999,
        published_at=timezone.now(),
        published_pdf="published/x.pdf",
        published_pdf_sha256="0" * 64,
    )
    link = RelatedDecision.objects.create(
        from_decision=draft,
        relation=RelatedDecision.Relation.AMENDS,
        to_decision=published,
        to_reference=published.reference,
    )
    return {
        "pk": draft.pk,
        "paper_pk": paper.pk,
        "link_pk": link.pk,
        # A published paper's address on the register (it need not exist to answer 405).
        "paper_id": paper.pk,
        "name": "case.pdf",
        "kind": "financial",
        "section": "introduction",
        "slug": published.slug,
        "app_label": "decisions",
        "object_id": str(draft.pk),
        "content_type_id": 1,
        "id": draft.pk,
    }


def addresses(site) -> list[str]:
    found = []
    for name, pattern in ALL_PAGES:
        found.append(reverse(name, **arguments(pattern, site)))
    return found


def test_the_walk_covers_every_page_and_the_admin():
    names = {name for name, _ in ALL_PAGES}
    assert {"approvals:home", "approvals:detail", "decisions:draft_money", "login"} <= names
    assert {"register:list", "sitemap", "admin:index", "admin:decisions_decision_change"} <= names
    assert len(ALL_PAGES) > 60


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_unsupported_methods_answer_405_with_allow_on_every_page(client, make_user, site, who):
    if who == "administrator":
        client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    wrong = []
    for url in addresses(site):
        for method in METHODS:
            response = getattr(client, method)(url)
            if response.status_code != 405 or not response.get("Allow"):
                wrong.append((method.upper(), url, response.status_code))
            elif method.upper() in response["Allow"]:
                wrong.append((method.upper(), url, "in Allow: " + response["Allow"]))
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "allow"),
    [
        ("approvals:detail", {"GET", "HEAD", "OPTIONS"}),
        ("decisions:draft_money", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("approvals:submit", {"POST"}),
    ],
)
def test_the_allow_header_names_what_the_page_answers(client, officer, site, name, allow):
    client.force_login(officer)
    response = client.put(reverse(name, args=[site["pk"]]))
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == allow


def test_a_put_no_longer_acts_as_a_post(client, officer, site):
    # FormView maps put() to post(): a PUT reached the form's handling (and answered
    # with the page) instead of being refused.
    client.force_login(officer)
    url = reverse("decisions:draft_title_summary", args=[site["pk"]])
    response = client.put(
        url, "title=Changed+by+PUT", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 405
    assert "Changed by PUT" not in client.get(url).text
