"""Who may read a record, its drafts, preview, history and papers (issue 9, item 1):
the permission matrix of approvals.policies.can_read_record and can_read_workings.

One record, routed to the DMPC, is taken through every status by the services; at
each, every role, its own drafting officer, another drafting officer and a user
with no role ask for each read page. The expected answer is written here from the
rule, not from the policy:

- its drafting officer and an administrator: every page, at every status;
- its reviewers on the route (every clearance line, the Chief Executive, the DMPC):
  every page once it has been submitted, a return to draft included; a 404 on a
  draft never submitted;
- anyone else with a role (another drafting officer, the Mayor, who does not decide
  it): 404, as for a record that does not exist, until it is published; then the
  record page only (Part 1 as published), never the history, preview or papers;
- no role: 403 before any record is looked at (core.access, RoleRequiredMixin).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.clearance import CLEARANCE_LINES
from approvals.publication import decision_publish
from approvals.services import decision_return, decision_submit, decision_take
from core.roles import Role
from decisions.models import BackgroundPaper, Decision
from tests.factories import PASSWORD, office
from tests.workflow import clear_all, sign_to_approval

pytestmark = pytest.mark.django_db

Status = Decision.Status
ON_ROUTE = {*(line.role for line in CLEARANCE_LINES.values()), Role.CHIEF_EXECUTIVE, Role.DMPC}
PAGES = ("detail", "history", "preview", "paper")
# The preview renders a PDF (about half a second): of those it is due to, only these
# ask for it; every refusal is asked. Its rule is the history's (WorkingsMixin).
PREVIEW_READERS = {"officer", Role.DMPC}


def expected(who: str, stage: str, page: str) -> int:
    if who == "no role":
        return 403
    if who in ("officer", Role.ADMINISTRATOR):
        return 200
    if who in ON_ROUTE and stage != "never submitted":
        return 200
    if stage == "published" and page == "detail":
        return 200
    return 404


def url(page: str, decision: Decision, paper: BackgroundPaper) -> str:
    if page == "paper":
        return reverse("decisions:paper_download", args=[decision.pk, paper.pk])
    name = {"detail": "detail", "history": "history", "preview": "pdf_preview"}[page]
    return reverse(f"approvals:{name}", args=[decision.pk])


@pytest.fixture
def readers(make_user, people, officer):
    """Everyone who asks: each role (the reviewers of `people`), the record's officer,
    another drafting officer, an administrator, and a user with no role."""
    found = {role: user for role, user in people.items() if role != Role.DRAFTING_OFFICER}
    found[Role.ADMINISTRATOR] = make_user(Role.ADMINISTRATOR, is_staff=True)
    found[Role.DRAFTING_OFFICER] = make_user(Role.DRAFTING_OFFICER, username="another")
    found["officer"] = officer
    found["no role"] = make_user(username="nobody")
    return found


def check(client, readers, stage: str, decision: Decision, paper: BackgroundPaper) -> list:
    """The (who, page, expected, got) that differ from the rule at this stage."""
    decision.refresh_from_db()
    wrong = []
    for who, user in readers.items():
        client.force_login(user)
        for page in PAGES:
            if page == "preview" and expected(who, stage, page) == 200:
                if who not in PREVIEW_READERS:
                    continue
            response = client.get(url(page, decision, paper))
            if page == "detail" and response.status_code == 200:
                # Those who may not read the workings are not linked to them.
                linked = reverse("approvals:history", args=[decision.pk]) in response.text
                if linked != (expected(who, stage, "history") == 200):
                    wrong.append((who, stage, "history link", linked))
            if response.status_code != expected(who, stage, page):
                wrong.append((who, stage, page, expected(who, stage, page), response.status_code))
    return wrong


def test_read_matrix_every_role_at_every_status_on_every_read_page(
    client, readers, people, officer, ready_draft, django_capture_on_commit_callbacks
):
    decision = ready_draft(title="Custody suite refit")
    paper = BackgroundPaper.objects.create(
        decision=decision,
        title="Business case",
        file=SimpleUploadedFile("case.pdf", b"%PDF-1.7\n%%EOF\n"),
        original_filename="case.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=officer,
    )
    wrong = check(client, readers, "never submitted", decision, paper)

    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    assert decision.status == Status.CLEARANCE
    wrong += check(client, readers, "at clearance", decision, paper)

    clear_all(decision, people)
    assert decision.status == Status.CHIEF_EXECUTIVE
    wrong += check(client, readers, "with the Chief Executive", decision, paper)

    sign_to_approval(decision, people)
    assert decision.status == Status.DECISION_MAKER
    wrong += check(client, readers, "with the decision maker", decision, paper)

    decision_return(
        decision_id=decision.pk,
        user=people[Role.DMPC],
        lock_version=decision.lock_version,
        reason="Say more about the cost.",
    )
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT
    wrong += check(client, readers, "returned to draft", decision, paper)

    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    # Unchanged content: the sign-offs still stand, so it goes back to the DMPC.
    assert decision.status == Status.DECISION_MAKER
    decision_take(
        decision_id=decision.pk,
        user=people[Role.DMPC],
        lock_version=decision.lock_version,
        password=PASSWORD,
        approve=True,
    )
    decision.refresh_from_db()
    assert decision.status == Status.APPROVED
    wrong += check(client, readers, "approved", decision, paper)

    decision_publish(decision_id=decision.pk)
    decision.refresh_from_db()
    assert decision.status == Status.PUBLISHED
    wrong += check(client, readers, "published", decision, paper)
    assert wrong == []


@pytest.mark.parametrize("role", [Role.DRAFTING_OFFICER, Role.MAYOR])
def test_read_matrix_a_record_not_to_be_read_is_not_listed(
    client, make_user, officer, ready_draft, role
):
    decision = ready_draft(title="Custody suite refit")
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    client.force_login(make_user(role))
    home = client.get(reverse("approvals:home"))
    assert home.status_code == 200
    assert "Custody suite refit" not in home.text
    assert reverse("approvals:detail", args=[decision.pk]) not in home.text
    client.force_login(officer)
    assert "Custody suite refit" in client.get(reverse("approvals:home")).text


def test_read_matrix_a_reviewer_does_not_see_a_draft_never_submitted_listed(
    client, people, ready_draft
):
    ready_draft(title="Custody suite refit")
    client.force_login(people[Role.FINANCE])
    assert "Custody suite refit" not in client.get(reverse("approvals:home")).text


# The policy itself, for each decision maker (the route decides who reviews).

REVIEWERS_BY_MAKER = {
    "dmpc": {*(line.role for line in CLEARANCE_LINES.values()), Role.CHIEF_EXECUTIVE, Role.DMPC},
    "mayor": {*(line.role for line in CLEARANCE_LINES.values()), Role.CHIEF_EXECUTIVE, Role.MAYOR},
    # The Chief Executive decides: no separate statement, the same person reads it.
    "chief_executive": {*(line.role for line in CLEARANCE_LINES.values()), Role.CHIEF_EXECUTIVE},
}


@pytest.mark.parametrize("maker", list(REVIEWERS_BY_MAKER))
@pytest.mark.parametrize("submitted", [False, True])
def test_read_matrix_policy_table_by_decision_maker(make_user, officer, maker, submitted):
    from django.utils import timezone

    from approvals.policies import can_read_record, can_read_workings
    from tests.factories import DecisionFactory

    decision = DecisionFactory(
        drafting_officer=officer,
        decision_maker=office(maker),
        status=Status.CLEARANCE if submitted else Status.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    for role in Role:
        user = make_user(role)
        reads = role == Role.ADMINISTRATOR or (submitted and role in REVIEWERS_BY_MAKER[maker])
        assert can_read_workings(user, decision) is reads, (role, maker, submitted)
        assert can_read_record(user, decision) is reads, (role, maker, submitted)
    assert can_read_workings(officer, decision) and can_read_record(officer, decision)
    assert not can_read_record(make_user(), decision)
