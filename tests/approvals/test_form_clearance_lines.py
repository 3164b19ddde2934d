"""Clearance lines are the form type's, in its body's words (issue 10 items 1 and 3).

An older form without commercial and GDPR sections has no such lines: its records are
never asked them, the advisers who give them are never sent them, and their addresses
answer 404. A line's statements, and its not applicable wording, are the form's.
"""

import pytest
from django.urls import reverse

from approvals.models import SignOff
from approvals.selectors import awaiting_action
from approvals.services import clearance_confirm, decision_submit
from core.errors import DomainError
from core.roles import Role
from decisions.canonical import decision_content_hash
from decisions.models import FormClearanceLine, ReferenceSeries
from tests.factories import PASSWORD, FormTypeFactory
from tests.workflow import clear_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def older_form():
    """A form of 2015: financial, legal and equalities lines only, in its own words."""
    form_type = FormTypeFactory(
        name="Decision (2015 form)",
        slug="decision-2015",
        series=ReferenceSeries.objects.create(prefix="OLDD", name="Old decisions"),
    )
    form_type.clearance_lines.exclude(kind__in=["financial", "legal", "equalities"]).delete()
    FormClearanceLine.objects.filter(form_type=form_type, kind="legal").update(
        statements="The Council's solicitor has been consulted.\n\nNo legal advice is needed.",
        not_applicable_statement="Not applicable: no legal question arises.",
    )
    return form_type


def submitted(ready_draft, officer, form_type):
    draft = ready_draft(form_type=form_type, series=form_type.series)
    decision_submit(decision_id=draft.pk, user=officer, lock_version=draft.lock_version)
    draft.refresh_from_db()
    return draft


def test_a_record_is_asked_only_its_form_s_lines(ready_draft, officer, people, older_form):
    record = submitted(ready_draft, officer, older_form)
    assert sorted(record.declaration_lines.values_list("kind", flat=True)) == [
        "drafting_officer",
        "equalities",
        "financial",
        "legal",
    ]
    record = clear_all(record, people)
    # Three lines, then the Chief Executive's statement: no commercial or GDPR line waits.
    assert record.status == "chief_executive"
    assert SignOff.objects.filter(decision=record, kind="clearance").count() == 3


def test_advisers_of_a_line_the_form_lacks_are_never_sent_it(
    client, ready_draft, officer, people, older_form
):
    record = submitted(ready_draft, officer, older_form)
    commercial = people[Role.COMMERCIAL]
    assert all(
        record.pk not in [item.decision.pk for item in group.items]
        for group in awaiting_action(user=commercial, today=record.submitted_at.date())
    )
    client.force_login(commercial)
    assert client.get(reverse("approvals:clear", args=[record.pk, "commercial"])).status_code == 404
    with pytest.raises(DomainError, match="no such line of the declaration on this record's form"):
        clearance_confirm(
            decision_id=record.pk,
            user=commercial,
            content_hash=decision_content_hash(decision=record),
            kind="commercial",
            statement="There are no commercial issues.",
            password=PASSWORD,
        )
    # The page shows no link to a line the form lacks.
    page = client.get(reverse("approvals:detail", args=[record.pk])).content.decode()
    assert "Confirm the Commercial Issues line" not in page


def test_the_adviser_chooses_among_the_form_s_own_statements(
    client, ready_draft, officer, people, older_form
):
    record = submitted(ready_draft, officer, older_form)
    client.force_login(people[Role.LEGAL])
    page = client.get(reverse("approvals:clear", args=[record.pk, "legal"])).content.decode()
    assert "The Council&#x27;s solicitor has been consulted." in page
    assert "Not applicable: no legal question arises." in page
    assert "The MOPAC legal team" not in page
    # The not applicable wording is offered last, and signed as chosen.
    clearance_confirm(
        decision_id=record.pk,
        user=people[Role.LEGAL],
        content_hash=decision_content_hash(decision=record),
        kind="legal",
        statement="Not applicable: no legal question arises.",
        password=PASSWORD,
    )
    line = record.declaration_lines.get(kind="legal")
    assert (line.statement, line.ticked) == ("Not applicable: no legal question arises.", True)
    # A statement the form does not offer is refused.
    with pytest.raises(DomainError, match="Choose one of the statements"):
        clearance_confirm(
            decision_id=record.pk,
            user=people[Role.FINANCE],
            content_hash=decision_content_hash(decision=record),
            kind="financial",
            statement="The MOPAC legal team has been consulted on the proposal.",
            password=PASSWORD,
        )


def test_a_line_s_statements_are_split_on_blank_lines_and_keep_their_own_lines():
    line = FormClearanceLine(
        statements="First.\r\n\r\nSecond, line one.\nSecond, line two.\n\n\n", kind="privacy"
    )
    assert line.options == ("First.", "Second, line one.\nSecond, line two.")


def test_the_admin_sets_up_a_form_s_lines(client, make_user, older_form):
    client.force_login(make_user(Role.ADMINISTRATOR, username="admin", is_staff=True))
    page = client.get(reverse("admin:decisions_formtype_change", args=[older_form.pk]))
    assert page.status_code == 200
    assert "clearance_lines-TOTAL_FORMS" in page.content.decode()
