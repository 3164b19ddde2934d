"""The "Awaiting your action" queue: what waits for whom, flagged by when it is needed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from approvals.selectors import awaiting_action, due_flag, working_days_after
from approvals.services import (
    chief_executive_sign,
    clearance_confirm,
    decision_return,
    decision_submit,
)
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.canonical import decision_content_hash
from decisions.models import Decision
from tests.factories import PASSWORD, SupportingReportFactory
from tests.workflow import clear_all, statements

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime.date(2026, 5, 6)


def submit(decision, user=None) -> Decision:
    decision.refresh_from_db()
    decision_submit(
        decision_id=decision.pk,
        user=user or decision.drafting_officer,
        lock_version=decision.lock_version,
    )
    decision.refresh_from_db()
    return decision


def confirm(decision, user, kind: str) -> None:
    decision.refresh_from_db()
    clearance_confirm(
        decision_id=decision.pk,
        user=user,
        content_hash=decision_content_hash(decision=decision),
        kind=kind,
        statement=statements(kind)[0],
        password=PASSWORD,
    )


def queue_of(user, today=WEDNESDAY) -> dict[str, list[str]]:
    """{group title: [record titles]} for a user, as the selector gives them."""
    user = User.objects.get(pk=user.pk)  # a fresh permission cache
    return {
        group.title: [item.decision.title for item in group.items]
        for group in awaiting_action(user=user, today=today)
    }


@pytest.fixture
def register(officer, people, ready_draft):
    """A record at each stage: two at clearance, one with the Chief Executive, one for each
    decision maker, a draft and a returned draft."""
    records = {"draft": ready_draft(title="Still drafting")}
    records["returned"] = submit(ready_draft(title="Sent back"))
    decision_return(
        decision_id=records["returned"].pk,
        user=people[Role.LEGAL],
        lock_version=records["returned"].lock_version,
        reason="Add the legal comments.",
    )
    records["clearance"] = submit(ready_draft(title="Fresh at clearance"))
    records["finance_done"] = submit(ready_draft(title="Finance has confirmed"))
    confirm(records["finance_done"], people[Role.FINANCE], "financial")
    records["chief_executive"] = clear_all(submit(ready_draft(title="With the CE")), people)
    at_dmpc = clear_all(submit(ready_draft(title="For the DMPC")), people)
    chief_executive_sign(
        decision_id=at_dmpc.pk,
        user=people[Role.CHIEF_EXECUTIVE],
        lock_version=at_dmpc.lock_version,
        password=PASSWORD,
    )
    records["dmpc"] = at_dmpc
    # Under £500,000: the Chief Executive decides, with no statement of their own first.
    records["ce_decides"] = clear_all(
        submit(ready_draft(amount="1000.00", title="Small spend")), people
    )
    return records


def test_each_adviser_sees_the_records_waiting_for_their_line(people, register):
    assert queue_of(people[Role.FINANCE]) == {
        "Financial Advice line to confirm": ["Fresh at clearance"]
    }
    for role, label in [
        (Role.LEGAL, "Legal Advice"),
        (Role.EQUALITIES, "Equalities Advice"),
        (Role.COMMERCIAL, "Commercial Issues"),
        (Role.INFORMATION_RIGHTS, "GDPR/Data Privacy"),
        (Role.DIRECTOR, "Director/Head of Service"),
    ]:
        assert queue_of(people[role]) == {
            f"{label} line to confirm": ["Fresh at clearance", "Finance has confirmed"]
        }, role


def test_the_chief_executive_sees_statements_and_their_own_decisions(people, register):
    assert queue_of(people[Role.CHIEF_EXECUTIVE]) == {
        "Chief Executive's statement to sign": ["With the CE"],
        "Decisions to take": ["Small spend"],
    }


def test_each_decision_maker_sees_only_their_decisions(people, register, ready_draft):
    assert queue_of(people[Role.DMPC]) == {"Decisions to take": ["For the DMPC"]}
    assert queue_of(people[Role.MAYOR]) == {}
    reserved = clear_all(
        submit(ready_draft(title="Senior appointment", reserved_to_mayor=True)), people
    )
    chief_executive_sign(
        decision_id=reserved.pk,
        user=people[Role.CHIEF_EXECUTIVE],
        lock_version=reserved.lock_version,
        password=PASSWORD,
    )
    assert queue_of(people[Role.MAYOR]) == {"Decisions to take": ["Senior appointment"]}


def test_the_officer_sees_their_drafts_and_why_one_came_back(people, officer, register, make_user):
    [group] = awaiting_action(user=officer, today=WEDNESDAY)
    assert group.title == "Your drafts"
    reasons = {item.decision.title: item.returned_reason for item in group.items}
    assert reasons == {"Still drafting": "", "Sent back": "Add the legal comments."}
    assert queue_of(make_user(Role.DRAFTING_OFFICER)) == {}


def test_nobody_is_asked_to_sign_what_they_drafted_or_a_second_role(make_user, people, ready_draft):
    drafter = make_user(Role.DRAFTING_OFFICER, Role.FINANCE)
    both = make_user(Role.FINANCE, Role.LEGAL)
    mine = ready_draft(title="Drafted by the finance officer")
    type(mine).objects.filter(pk=mine.pk).update(drafting_officer=drafter)
    mine = submit(mine)
    other = submit(ready_draft(title="Someone else's"))
    confirm(other, both, "legal")
    assert "Drafted by the finance officer" not in str(queue_of(drafter))
    assert queue_of(drafter)["Financial Advice line to confirm"] == ["Someone else's"]
    # Having confirmed the legal line, `both` is offered neither line on that record.
    assert queue_of(both) == {
        "Financial Advice line to confirm": ["Drafted by the finance officer"],
        "Legal Advice line to confirm": ["Drafted by the finance officer"],
    }


def test_a_user_without_a_role_waits_for_nothing(make_user, register):
    assert queue_of(make_user()) == {}


# Flags from the report's "decision required by" date.


def test_working_days_skip_weekends():
    assert working_days_after(WEDNESDAY, 5) == datetime.date(2026, 5, 13)
    friday = datetime.date(2026, 5, 8)
    assert working_days_after(friday, 1) == datetime.date(2026, 5, 11)
    assert working_days_after(friday, 5) == datetime.date(2026, 5, 15)
    saturday = datetime.date(2026, 5, 9)
    assert working_days_after(saturday, 5) == datetime.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("due", "flag"),
    [
        (None, ""),
        (datetime.date(2026, 5, 5), "Overdue"),
        (WEDNESDAY, "Due soon"),
        (datetime.date(2026, 5, 13), "Due soon"),
        (datetime.date(2026, 5, 14), ""),
    ],
)
def test_due_flags(due, flag):
    assert due_flag(due=due, today=WEDNESDAY) == flag


def test_the_queue_puts_overdue_then_due_soon_first(people, ready_draft):
    titles = ["Not urgent", "Due next week", "Overdue"]
    dates = [datetime.date(2026, 6, 30), datetime.date(2026, 5, 12), datetime.date(2026, 5, 1)]
    for title, due in zip(titles, dates, strict=True):
        decision = ready_draft(title=title)
        SupportingReportFactory(decision=decision, decision_required_by=due)
        submit(decision)
    user = User.objects.get(pk=people[Role.FINANCE].pk)
    [group] = awaiting_action(user=user, today=WEDNESDAY)
    assert [(item.decision.title, item.flag) for item in group.items] == [
        ("Overdue", "Overdue"),
        ("Due next week", "Due soon"),
        ("Not urgent", ""),
    ]


def test_the_queue_costs_the_same_queries_however_many_records_wait(people, ready_draft):
    def count(user) -> int:
        user = User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            awaiting_action(user=user, today=WEDNESDAY)
        return len(queries)

    def add_records(n: int) -> None:
        for _ in range(n):
            decision = ready_draft()
            SupportingReportFactory(decision=decision, decision_required_by=WEDNESDAY)
            submit(decision)
            decision = ready_draft()
            decision_return(
                decision_id=decision.pk,
                user=people[Role.LEGAL],
                lock_version=submit(decision).lock_version,
                reason="Fix it.",
            )

    # A user holding every role that has a queue: a line, the statement, two decisions, drafts.
    everyone = User.objects.create_user(username="everyone")
    for role in (Role.FINANCE, Role.CHIEF_EXECUTIVE, Role.DMPC, Role.DRAFTING_OFFICER):
        everyone.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
    officer = people[Role.DRAFTING_OFFICER]
    add_records(1)
    few = (count(people[Role.FINANCE]), count(officer), count(everyone))
    add_records(6)
    assert (count(people[Role.FINANCE]), count(officer), count(everyone)) == few
    assert len(awaiting_action(user=officer, today=WEDNESDAY)[0].items) == 7


# The queue on the home page.


def test_the_home_page_lists_the_queue_with_counts_links_and_flags(client, people, ready_draft):
    decision = ready_draft(title="Body worn video")
    SupportingReportFactory(decision=decision, decision_required_by=timezone.localdate())
    decision = submit(decision)
    client.force_login(people[Role.FINANCE])
    page = client.get(reverse("approvals:home")).content.decode()
    assert "Awaiting your action" in page
    assert "Financial Advice line to confirm (1)" in page
    assert reverse("approvals:clear", args=[decision.pk, "financial"]) in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>' in page


def test_the_home_page_shows_the_officer_why_a_draft_came_back(client, officer, people, register):
    client.force_login(officer)
    page = client.get(reverse("approvals:home")).content.decode()
    assert "Your drafts (2)" in page
    assert "Add the legal comments." in page
    assert reverse("approvals:task_list", args=[register["returned"].pk]) in page


def test_the_home_page_says_when_nothing_waits(client, make_user):
    client.force_login(make_user(Role.DMPC))
    assert "Nothing is waiting for you." in client.get(reverse("approvals:home")).content.decode()


def test_working_days_skip_english_bank_holidays():
    # Christmas Day, Boxing Day on a Saturday and its substitute Monday, 28 December.
    assert working_days_after(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 29)
    assert working_days_after(datetime.date(2026, 12, 23), 5) == datetime.date(2027, 1, 4)
    # One-off bank holidays count too: the coronation, Monday 8 May 2023.
    assert working_days_after(datetime.date(2023, 5, 5), 1) == datetime.date(2023, 5, 9)
    # Easter Monday is a bank holiday in England, not St Andrew's Day (Scotland's).
    assert working_days_after(datetime.date(2026, 4, 2), 1) == datetime.date(2026, 4, 7)
    assert working_days_after(datetime.date(2026, 11, 27), 1) == datetime.date(2026, 11, 30)


def test_the_bank_holidays_are_a_setting(settings):
    # St Andrew's Day, Monday 30 November 2026, is a bank holiday in Scotland.
    settings.BANK_HOLIDAYS = ("GB", "SCT")
    assert working_days_after(datetime.date(2026, 11, 27), 1) == datetime.date(2026, 12, 1)


def test_due_soon_counts_past_a_bank_holiday():
    # Five working days after Wednesday 23 December 2026 is Monday 4 January 2027
    # (1 January is New Year's Day).
    wednesday = datetime.date(2026, 12, 23)
    assert due_flag(due=datetime.date(2027, 1, 4), today=wednesday) == "Due soon"
    assert due_flag(due=datetime.date(2027, 1, 5), today=wednesday) == ""
