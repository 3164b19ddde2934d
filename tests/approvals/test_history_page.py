"""The history page of a record: the action log, and what changed between versions."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.clearance import CLEARANCE_LINES
from approvals.models import Action
from approvals.selectors import decision_versions
from approvals.services import decision_submit
from core.roles import Role
from decisions import services as drafting
from tests.factories import ExpenditureLineFactory
from tests.workflow import clear_all, sign_to_approval, statements

pytestmark = pytest.mark.django_db

SECRET = "SENTINEL-PART-TWO-9b1e"
CONFIDENTIAL_TOTAL = "£988,654.32"
ROUTE_TO_DMPC = (
    "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
    "(Scheme of Delegation and Consent, para 4.8)"
)


def history_url(decision) -> str:
    return reverse("approvals:history", args=[decision.pk])


def page_for(client, user, decision) -> str:
    client.force_login(user)
    response = client.get(history_url(decision))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def edit(decision, user, reason: str = "Title and executive summary changed", **values):
    decision.refresh_from_db()
    drafting.decision_update(
        decision_id=decision.pk,
        user=user,
        lock_version=decision.lock_version,
        values=values,
        reason=reason,
    )


def set_part_two(decision, user, content: str):
    decision.refresh_from_db()
    drafting.decision_set_publication(
        decision_id=decision.pk,
        user=user,
        lock_version=decision.lock_version,
        part1_deferred=False,
        deferral_reason="",
        deferred_until=None,
        has_part_two=True,
        part_two_content=content,
        part_two_exemption="commercial",
        part_two_rationale="Commercially sensitive.",
    )


@pytest.fixture
def approved(officer, people, ready_draft):
    """A record taken through every step to approval."""
    decision = ready_draft(title="Accelerated IVMA Improvements")
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    return sign_to_approval(clear_all(decision, people), people, approve=True)


# The four permission cases.


def test_anonymous_is_sent_to_sign_in(client, ready_draft):
    url = history_url(ready_draft())
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_a_user_without_a_role_is_refused(client, make_user, ready_draft):
    client.force_login(make_user())
    assert client.get(history_url(ready_draft())).status_code == 403


def test_an_unknown_record_is_not_found(client, finance):
    client.force_login(finance)
    assert client.get(reverse("approvals:history", args=[424242])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.DRAFTING_OFFICER, Role.MAYOR)])
def test_every_reviewer_on_the_route_and_an_administrator_read_the_history(
    client, make_user, approved, role
):
    page = page_for(client, make_user(role), approved)
    assert "History of Accelerated IVMA Improvements" in page


@pytest.mark.parametrize("role", [Role.DRAFTING_OFFICER, Role.MAYOR, None])
def test_anyone_else_is_told_the_history_does_not_exist(client, make_user, approved, role):
    # Another drafting officer, the Mayor on a record the DMPC decides, no role (403 first).
    client.force_login(make_user(*([role] if role else [])))
    assert client.get(history_url(approved)).status_code == (404 if role else 403)


# What the page says.


def test_the_timeline_lists_every_step_in_order_with_who_and_the_rule(
    client, people, officer, approved
):
    timeline = section(page_for(client, people[Role.FINANCE], approved), "actions-heading")
    steps = re.findall(r"<h3[^>]*>([^<]*)</h3>", timeline)
    assert steps == [
        "Submitted for clearance",
        *["Confirmed a declaration line"] * len(CLEARANCE_LINES),
        "Signed the Chief Executive's statement",
        "Approved",
    ]
    assert f"By {officer.get_full_name()} (Drafting officer)" in timeline
    for line in CLEARANCE_LINES.values():
        adviser = people[line.role]
        assert f"By {adviser.get_full_name()} ({line.role.label})" in timeline
        assert f"{line.kind.label}: {statements(line.kind)[0]}" in timeline
    dmpc = people[Role.DMPC].get_full_name()
    assert f"By {dmpc} (Deputy Mayor for Policing and Crime)" in timeline
    assert timeline.count(f"Rule applied: {ROUTE_TO_DMPC}") == 2  # on submission and decision


def test_the_versions_say_who_changed_what_and_why(client, officer, people, ready_draft):
    decision = ready_draft(title="Body worn video")
    edit(decision, officer, title="Body worn video refresh")
    versions = section(page_for(client, officer, decision), "versions-heading")
    assert f"By {officer.get_full_name()}" in versions
    assert ": Title and executive summary changed" in versions
    assert re.search(
        r'<th scope="row"[^>]*>Title</th>\s*<td[^>]*>Body worn video</td>\s*'
        r"<td[^>]*>Body worn video refresh</td>",
        versions,
    )


def test_long_texts_are_shortened_around_the_change(client, officer, people, ready_draft):
    decision = ready_draft()
    before = "A" * 400 + " the old ending " + "B" * 400
    after = "A" * 400 + " the new ending " + "B" * 400
    edit(decision, officer, reason="Introduction changed", introduction=before)
    edit(decision, officer, reason="Introduction changed", introduction=after)
    versions = section(page_for(client, officer, decision), "versions-heading")
    assert before not in versions and after not in versions
    assert "the old ending" in versions and "the new ending" in versions
    assert "…" in versions


def test_part_two_and_confidential_amounts_stay_hidden_from_those_not_allowed(
    client, officer, people, reader_without_part_two, ready_draft
):
    decision = ready_draft(amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="987654.32", is_confidential=True)
    set_part_two(decision, officer, f"First: {SECRET}")
    set_part_two(decision, officer, f"Second: {SECRET}")
    decision.refresh_from_db()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)

    # A reviewer on the route who may not see Part 2.
    page = page_for(client, reader_without_part_two, decision)
    assert SECRET not in page
    assert CONFIDENTIAL_TOTAL not in page
    assert "987,654.32" not in page and "987654.32" not in page
    assert "the total (which includes a confidential amount) is £500,000.00 or more" in page

    page = page_for(client, people[Role.FINANCE], decision)
    assert f"First: {SECRET}" in page and f"Second: {SECRET}" in page
    assert f"total {CONFIDENTIAL_TOTAL} is £500,000.00 or more" in page


def test_the_query_count_does_not_grow_with_the_versions(
    client, officer, people, reader_without_part_two, ready_draft
):
    def count(decision) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(history_url(decision)).status_code == 200
        return len(queries)

    few, many = ready_draft(), ready_draft()
    for decision, edits in [(few, 1), (many, 15)]:
        for n in range(edits):
            edit(decision, officer, title=f"Title {n}")
            set_part_two(decision, officer, f"Part 2, version {n}")
        decision.refresh_from_db()
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
        clear_all(decision, people)
    # With Part 2 (one query more) and without it.
    for user in (people[Role.FINANCE], reader_without_part_two):
        client.force_login(user)
        client.get(reverse("approvals:home"))  # the first request of a session does more
        assert count(many) == count(few)


def test_what_the_application_did_by_itself_is_listed_without_a_person(client, people, approved):
    Action.objects.create(
        decision=approved, verb=Action.Verb.PUBLISHED, at=timezone.now(), detail="Part 1 PDF"
    )
    timeline = section(page_for(client, people[Role.FINANCE], approved), "actions-heading")
    assert "Published Part 1" in timeline
    assert "By the application itself" in timeline


def test_the_search_text_written_at_publication_is_not_listed_as_a_change(approved):
    approved.search_text = "Accelerated IVMA Improvements, the whole Part 1 again"
    approved._change_reason = "Published"
    approved.save(update_fields=["search_text"])
    versions = decision_versions(decision=approved, include_part_two=True)
    assert versions[-1].reason == "Published"
    assert versions[-1].changes == []
