import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.presenters import part_one_plain_text
from core.roles import Role
from decisions.models import RelatedDecision
from tests.factories import (
    DecisionFactory,
    ExpenditureLineFactory,
    PartTwoFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

PART_TWO_SECRET = "SENTINEL-PART-TWO-7f3a"
CONFIDENTIAL_AMOUNT = "£987,654.32"


@pytest.fixture
def record_with_part_two(officer):
    part_two = PartTwoFactory(
        decision__drafting_officer=officer,
        decision__submitted=True,
        decision__title="Custody suite refit",
        content=f"The preferred bidder is {PART_TWO_SECRET}.",
        rationale=f"Commercially sensitive: {PART_TWO_SECRET}.",
    )
    ExpenditureLineFactory(decision=part_two.decision, amount="1000.00")
    ExpenditureLineFactory(decision=part_two.decision, amount="987654.32", is_confidential=True)
    return part_two.decision


# The four permission cases, for each staff page.
STAFF_PAGES = ["approvals:home", "approvals:detail"]


def url_for(name: str, decision) -> str:
    return reverse(name, args=[decision.pk]) if name == "approvals:detail" else reverse(name)


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_is_sent_to_sign_in(client, name):
    url = url_for(name, DecisionFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_user_without_a_role_is_refused(client, make_user, name):
    client.force_login(make_user())
    response = client.get(url_for(name, DecisionFactory()))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_flag_without_a_role_is_refused(client, make_user, name):
    # Being Django staff is not a role: reading records takes decisions.view_decision.
    client.force_login(make_user(is_staff=True))
    assert client.get(url_for(name, DecisionFactory())).status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_every_role_may_read_a_published_record(client, make_user, role, name):
    # Before publication only its officer, reviewers and administrators may:
    # tests/approvals/test_read_access.py.
    decision = DecisionFactory(
        title="Body worn video refresh",
        submitted=True,
        status="published",
        number=1,
        published_at=timezone.now(),
        published_pdf="published/x.pdf",
        published_pdf_sha256="0" * 64,
    )
    client.force_login(make_user(role))
    response = client.get(url_for(name, decision))
    assert response.status_code == 200
    assert "Body worn video refresh" in response.content.decode()


def test_home_lists_reference_title_stage_and_value(client, finance):
    decision = DecisionFactory(
        number=1069, title="Accelerated IVMA Improvements", submitted=True, status="approved"
    )
    ExpenditureLineFactory(decision=decision, amount="1482400.00")
    client.force_login(finance)
    page = client.get(reverse("approvals:home")).content.decode()
    assert "PCD 1069" in page
    assert "Accelerated IVMA Improvements" in page
    assert "Approved" in page
    assert "£1,482,400.00" in page


def test_detail_numbers_part_one_paragraphs(client, finance):
    decision = DecisionFactory(introduction="Why we act.\n\nWhat we do.", submitted=True)
    client.force_login(finance)
    page = client.get(reverse("approvals:detail", args=[decision.pk])).content.decode()
    assert "1.1.</span> Why we act." in page
    assert "1.2.</span> What we do." in page


def test_detail_says_what_a_draft_has_not_written_yet(client, officer):
    # Staff see the gaps of a draft; Part 1 as the public will see it (check your
    # answers, the PDF) leaves them out.
    decision = DecisionFactory(executive_summary="", introduction="", drafting_officer=officer)
    client.force_login(officer)
    page = client.get(reverse("approvals:detail", args=[decision.pk])).content.decode()
    summary = page.split("Executive Summary:</h3>", 1)[1].split("<h3", 1)[0]
    assert "Not written yet." in summary
    assert "No recommendations yet." in page
    assert "No declaration lines yet." in page
    assert "Not written yet." not in part_one_plain_text(decision=decision)


def test_unknown_record_is_not_found(client, finance):
    client.force_login(finance)
    assert client.get(reverse("approvals:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_part_two_is_invisible_without_the_permission(
    client, reader_without_part_two, record_with_part_two, name
):
    # A reviewer on the route without decisions.view_parttwo: may read the record, not Part 2.
    client.force_login(reader_without_part_two)
    page = client.get(url_for(name, record_with_part_two)).content.decode()
    assert "Custody suite refit" in page
    assert PART_TWO_SECRET not in page
    assert CONFIDENTIAL_AMOUNT not in page
    assert "£988,654.32" not in page  # nor the total that would reveal it


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_without_part_two_the_public_total_is_shown_with_its_gap(
    client, reader_without_part_two, record_with_part_two, name
):
    client.force_login(reader_without_part_two)
    page = client.get(url_for(name, record_with_part_two)).content.decode()
    assert "£1,000.00 and a confidential amount" in page


@pytest.mark.parametrize("user_fixture", ["finance", "officer"])
def test_part_two_is_shown_to_reviewers_and_to_the_drafter(
    client, request, record_with_part_two, user_fixture
):
    client.force_login(request.getfixturevalue(user_fixture))
    page = client.get(reverse("approvals:detail", args=[record_with_part_two.pk])).content.decode()
    assert f"The preferred bidder is {PART_TWO_SECRET}." in page
    assert CONFIDENTIAL_AMOUNT in page
    assert "£988,654.32" in page


def test_part_two_is_not_in_the_admin_for_non_staff(client, make_user, record_with_part_two):
    client.force_login(make_user(Role.DRAFTING_OFFICER))
    response = client.get(reverse("admin:decisions_parttwo_changelist"))
    assert response.status_code == 302
    assert PART_TWO_SECRET not in response.content.decode()


def test_part_two_admin_needs_the_part_two_permission(client, make_user, record_with_part_two):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("admin:decisions_parttwo_changelist"))
    assert response.status_code == 403


def test_administrator_sees_part_two_in_the_admin(client, make_user, record_with_part_two):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True))
    part_two = record_with_part_two.part_two
    page = client.get(
        reverse("admin:decisions_parttwo_change", args=[part_two.pk])
    ).content.decode()
    assert PART_TWO_SECRET in page


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_detail_query_count_does_not_grow_with_the_record(client, make_user):
    # An administrator reads every draft (a reviewer reads only submitted records).
    finance = make_user(Role.ADMINISTRATOR)
    small, large = DecisionFactory(), DecisionFactory()
    for decision, count in [(small, 1), (large, 12)]:
        for _ in range(count):
            RecommendationFactory(decision=decision)
            ExpenditureLineFactory(decision=decision)
            earlier = DecisionFactory(number=RelatedDecision.objects.count() + 100)
            RelatedDecision.objects.create(
                from_decision=decision,
                relation="amends",
                to_decision=earlier,
                to_reference=earlier.reference,
            )
    client.force_login(finance)
    client.get(reverse("approvals:home"))  # the first request of a session does more
    small_count = count_queries(client, reverse("approvals:detail", args=[small.pk]))
    assert count_queries(client, reverse("approvals:detail", args=[large.pk])) == small_count
    # Session, user, two for permissions, the record, its form's sections and clearance
    # lines, six lists and the record's undelivered mail (shown to administrators and its
    # officer): reads only, in no transaction.
    assert small_count == 14
    # A Part 2 costs one query more, for those who may see it.
    with_part_two = PartTwoFactory(decision__has_part_two=True).decision
    assert count_queries(client, reverse("approvals:detail", args=[with_part_two.pk])) == 15


def test_home_query_count_does_not_grow_with_the_records(client, finance):
    client.force_login(finance)
    ExpenditureLineFactory()
    client.get(reverse("approvals:home"))
    few = count_queries(client, reverse("approvals:home"))
    for _ in range(15):
        ExpenditureLineFactory()
    assert count_queries(client, reverse("approvals:home")) == few
