"""The approval pages: who may open them, and every way a form can be sent to them."""

import html
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from approvals.clearance import CLEARANCE_LINES
from approvals.models import Action, SignOff
from approvals.services import (
    chief_executive_sign,
    clearance_confirm,
    decision_return,
    decision_submit,
)
from core.roles import ROLE_GROUP_NAMES, Role
from decisions import services as drafting
from decisions.canonical import decision_content_hash
from decisions.models import Decision, DeclarationLine, ReferenceSeries
from decisions.wording import CHIEF_EXECUTIVE_STATEMENT
from tests.factories import PASSWORD, DecisionFactory, ExpenditureLineFactory, office
from tests.workflow import statements

pytestmark = pytest.mark.django_db

Status = Decision.Status
WRONG_PASSWORD = "not-my-password-81f2"
ROUTE_TO_DMPC = (
    "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
    "(Scheme of Delegation and Consent, para 4.8)"
)


class BrokenMailServer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


BROKEN_MAIL = f"{__name__}.BrokenMailServer"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def errors_in(response) -> list[str]:
    """The error summary's messages, as a user reads them."""
    page = response.content.decode()
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(m) for m in re.findall(r'<a href="#[^"]*">([^<]*)</a>', summary)]


def fresh(decision) -> Decision:
    decision.refresh_from_db()
    return decision


# The four permission cases, for every page of the workflow.


@dataclass(frozen=True)
class StepPage:
    name: str
    stage: str
    right: Role
    wrong: Role
    refusal: str
    data: dict

    def url(self, decision) -> str:
        if self.name == "approvals:clear":
            return reverse(self.name, args=[decision.pk, "financial"])
        return reverse(self.name, args=[decision.pk])

    @property
    def version_field(self) -> str:
        """A clearance line carries the content read; every other step the version."""
        return "content_hash" if self.name == "approvals:clear" else "lock_version"

    def version(self, decision) -> str:
        if self.name == "approvals:clear":
            return decision_content_hash(decision=decision)
        return str(decision.lock_version)


STEP_PAGES = [
    StepPage(
        "approvals:clear",
        "at_clearance",
        Role.FINANCE,
        Role.LEGAL,
        "Only Finance confirms the Financial Advice line.",
        {"statement": "0", "password": PASSWORD},
    ),
    StepPage(
        "approvals:chief_executive",
        "at_chief_executive",
        Role.CHIEF_EXECUTIVE,
        Role.DMPC,
        "Only the Chief Executive signs this statement.",
        {"password": PASSWORD},
    ),
    StepPage(
        "approvals:decide",
        "at_decision",
        Role.DMPC,
        Role.CHIEF_EXECUTIVE,
        "Only the Deputy Mayor for Policing and Crime decides this record.",
        {"has_interest": "False", "approve": "True", "password": PASSWORD},
    ),
    StepPage(
        "approvals:return",
        "at_clearance",
        Role.LEGAL,
        # An administrator reads the record but does not review it (another drafting
        # officer may not even open it: a 404, tests/approvals/test_read_access.py).
        Role.ADMINISTRATOR,
        "Only the advisers, the Chief Executive and the decision makers return records.",
        {"reason": "The legal comments are missing."},
    ),
]
STEP_IDS = [page.name for page in STEP_PAGES]


def post_step(client, page: StepPage, decision, **data):
    return client.post(
        page.url(decision), {page.version_field: page.version(decision), **page.data, **data}
    )


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_anonymous_is_sent_to_sign_in(client, request, page):
    decision = request.getfixturevalue(page.stage)
    url = page.url(decision)
    for response in (client.get(url), post_step(client, page, decision)):
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_a_user_without_a_role_is_refused(client, request, make_user, page):
    decision = request.getfixturevalue(page.stage)
    client.force_login(make_user())
    assert client.get(page.url(decision)).status_code == 403
    assert post_step(client, page, decision).status_code == 403
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_the_wrong_role_is_refused_with_the_reason(client, request, make_user, page):
    decision = request.getfixturevalue(page.stage)
    client.force_login(make_user(page.wrong))
    response = client.get(page.url(decision))
    assert response.status_code == 403
    assert page.refusal in text_of(response)
    response = post_step(client, page, decision)
    assert response.status_code == 403
    assert errors_in(response) == [page.refusal]
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_the_right_role_is_shown_the_form(client, request, people, page):
    decision = request.getfixturevalue(page.stage)
    client.force_login(people[page.right])
    response = client.get(page.url(decision))
    assert response.status_code == 200
    body = text_of(response)
    assert f'name="{page.version_field}" value="{page.version(decision)}"' in body
    assert decision.title in body
    assert ROUTE_TO_DMPC in body


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_an_unknown_record_is_not_found(client, people, page):
    client.force_login(people[page.right])
    url = page.url(Decision(pk=424242))
    assert client.get(url).status_code == 404
    assert client.post(url, {page.version_field: 1, **page.data}).status_code == 404


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_a_missing_or_broken_version_is_refused_without_harm(client, request, people, page):
    decision = request.getfixturevalue(page.stage)
    client.force_login(people[page.right])
    response = client.post(page.url(decision), {**page.data, page.version_field: "x"})
    assert response.status_code == 400
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", STEP_PAGES, ids=STEP_IDS)
def test_a_step_on_a_record_that_moved_on_says_who_acted(client, request, people, page):
    decision = request.getfixturevalue(page.stage)
    stale = page.version(decision)
    # The Director returns the record while the page is open.
    director = people[Role.DIRECTOR]
    decision_return(
        decision_id=decision.pk,
        user=director,
        lock_version=decision.lock_version,
        reason="Back for a fix.",
    )
    client.force_login(people[page.right])
    response = client.post(page.url(decision), {**page.data, page.version_field: stale})
    assert response.status_code == 409
    [message] = errors_in(response)
    assert message.startswith(f"{director.get_full_name()} acted on this record at ")
    assert message.endswith("so nothing has been done. Open the record to see where it stands now.")
    assert fresh(decision).status == Status.DRAFT
    assert not SignOff.objects.filter(decision=decision, user=people[page.right]).exists()
    assert Action.objects.filter(decision=decision, verb=Action.Verb.RETURNED).count() == 1


# Submitting from "check your answers".


def submit_url(decision) -> str:
    return reverse("approvals:submit", args=[decision.pk])


def test_anonymous_cannot_submit(client, ready_draft):
    decision = ready_draft()
    response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert fresh(decision).status == Status.DRAFT


@pytest.mark.parametrize(
    ("roles", "status"),
    # Another drafting officer may not even open someone else's draft: 404.
    [([], 403), ([Role.FINANCE], 403), ([Role.DRAFTING_OFFICER], 404)],
)
def test_only_the_drafting_officer_submits(client, make_user, ready_draft, roles, status):
    decision = ready_draft()
    client.force_login(make_user(*roles))
    response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == status
    assert fresh(decision).status == Status.DRAFT


def test_the_check_page_offers_submission_with_the_version(client, officer, ready_draft):
    decision = ready_draft()
    client.force_login(officer)
    page = text_of(client.get(reverse("approvals:check", args=[decision.pk])))
    assert f'action="{submit_url(decision)}"' in page
    assert f'name="lock_version" value="{decision.lock_version}"' in page
    assert "Submit for clearance" in page
    assert "not built yet" not in page


def test_the_officer_submits_and_sees_the_reference_and_route(
    client, officer, people, ready_draft, django_capture_on_commit_callbacks, mailoutbox
):
    decision = ready_draft()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == 302
    assert response.url == reverse("approvals:detail", args=[decision.pk])
    decision = fresh(decision)
    assert decision.status == Status.CLEARANCE
    assert decision.reference == "PCD 1070"
    page = text_of(client.get(response.url))
    assert f"Submitted for clearance as PCD 1070: {ROUTE_TO_DMPC}" in page
    # The advisers of every line are told; the drafter is not.
    [mail] = mailoutbox
    advisers = [people[line.role].email for line in CLEARANCE_LINES.values()]
    assert sorted(mail.to) == sorted(advisers)


def test_an_incomplete_draft_comes_back_to_the_check_page_with_the_gaps(
    client, officer, ready_draft
):
    decision = ready_draft(executive_summary="")
    client.force_login(officer)
    response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == 400
    assert errors_in(response) == [
        "Complete these sections before submitting: Title and executive summary."
    ]
    assert "Check your answers" in text_of(response)
    assert fresh(decision).status == Status.DRAFT


def test_a_submission_from_an_old_page_is_refused_with_who_changed_it(
    client, officer, make_user, ready_draft
):
    decision = ready_draft()
    stale = decision.lock_version
    Decision.objects.filter(pk=decision.pk).update(lock_version=stale + 1)
    client.force_login(officer)
    response = client.post(submit_url(decision), {"lock_version": stale})
    assert response.status_code == 409
    [message] = errors_in(response)
    assert "acted on this record at" in message
    assert fresh(decision).status == Status.DRAFT


def test_a_double_submission_acts_once(client, officer, ready_draft):
    decision = ready_draft()
    client.force_login(officer)
    data = {"lock_version": decision.lock_version}
    assert client.post(submit_url(decision), data).status_code == 302
    second = client.post(submit_url(decision), data)
    assert second.status_code == 403
    assert "This record has been submitted" in text_of(second)
    assert Action.objects.filter(decision=decision, verb=Action.Verb.SUBMITTED).count() == 1
    assert ReferenceSeries.objects.get(prefix="PCD").next_number == 1071


def test_a_failing_mail_server_does_not_stop_a_submission(
    client, officer, people, ready_draft, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN_MAIL
    decision = ready_draft()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == 302
    assert callbacks  # the mail was attempted, and failed quietly
    assert fresh(decision).status == Status.CLEARANCE


# Confirming a line of the declaration.


def read(decision) -> str:
    """The hash of the record's content as a clearance page shows it (decisions.canonical)."""
    return decision_content_hash(decision=fresh(decision))


def clear_url(decision, kind: str = "financial") -> str:
    return reverse("approvals:clear", args=[decision.pk, kind])


def test_the_clearance_page_offers_the_statements_of_the_line(client, people, at_clearance):
    client.force_login(people[Role.FINANCE])
    page = text_of(client.get(clear_url(at_clearance)))
    assert "Confirm the Financial Advice line" in page
    for statement in statements("financial"):
        assert statement in page
    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert "Enter your password to sign" in page
    assert "Confirm and sign" in page


def test_an_unknown_line_is_not_found(client, people, at_clearance):
    url = clear_url(at_clearance, "astrology")
    assert client.get(url).status_code == 302  # signing in comes first
    client.force_login(people[Role.FINANCE])
    assert client.get(url).status_code == 404


def test_an_adviser_confirms_their_line_with_the_statement_chosen(client, people, at_clearance):
    finance = people[Role.FINANCE]
    client.force_login(finance)
    response = client.post(
        clear_url(at_clearance),
        {"content_hash": read(at_clearance), "statement": "1", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("approvals:detail", args=[at_clearance.pk])
    signoff = SignOff.objects.get(decision=at_clearance, user=finance)
    statement = statements("financial")[1]
    assert (signoff.declaration_kind, signoff.role, signoff.statement) == (
        "financial",
        Role.FINANCE,
        statement,
    )
    assert len(signoff.content_hash) == 64
    line = DeclarationLine.objects.get(decision=at_clearance, kind="financial")
    assert line.ticked and line.statement == statement
    page = text_of(client.get(response.url))
    assert "You confirmed the Financial Advice line of PCD 1070." in page


def test_a_wrong_password_signs_nothing_and_is_not_shown_back(client, people, at_clearance):
    client.force_login(people[Role.FINANCE])
    response = client.post(
        clear_url(at_clearance),
        {"content_hash": read(at_clearance), "statement": "1", "password": WRONG_PASSWORD},
    )
    assert response.status_code == 400
    assert errors_in(response) == ["The password is not correct. Enter your own password to sign"]
    page = response.content.decode()
    assert WRONG_PASSWORD not in page
    assert 'id="id_statement_1" name="statement" type="radio" value="1" checked' in page
    assert not SignOff.objects.filter(decision=at_clearance).exists()


def test_a_line_needs_a_statement_and_a_password(client, people, at_clearance):
    client.force_login(people[Role.FINANCE])
    response = client.post(clear_url(at_clearance), {"content_hash": read(at_clearance)})
    assert response.status_code == 400
    assert errors_in(response) == ["Select a statement", "Enter your password"]
    page = response.content.decode()
    assert 'href="#id_statement_0"' in page and 'href="#id_password"' in page
    assert not SignOff.objects.filter(decision=at_clearance).exists()


def test_a_double_submitted_confirmation_acts_once(client, people, at_clearance):
    client.force_login(people[Role.FINANCE])
    data = {"content_hash": read(at_clearance), "statement": "0", "password": PASSWORD}
    assert client.post(clear_url(at_clearance), data).status_code == 302
    second = client.post(clear_url(at_clearance), data)
    assert second.status_code == 409
    [message] = errors_in(second)
    assert message.startswith("You acted on this record at ")
    assert SignOff.objects.filter(decision=at_clearance).count() == 1


def test_another_line_confirmed_meanwhile_leaves_the_page_standing(client, people, at_clearance):
    # The lines are independent: the page carries the content read, not the version.
    loaded = read(at_clearance)
    clearance_confirm(
        decision_id=at_clearance.pk,
        user=people[Role.LEGAL],
        content_hash=loaded,
        kind="legal",
        statement=statements("legal")[0],
        password=PASSWORD,
    )
    client.force_login(people[Role.FINANCE])
    response = client.post(
        clear_url(at_clearance), {"content_hash": loaded, "statement": "0", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert SignOff.objects.filter(decision=at_clearance, kind="clearance").count() == 2


def test_the_slower_of_two_advisers_of_one_line_is_told_who_acted(
    client, people, make_user, at_clearance
):
    loaded = read(at_clearance)
    other = make_user(Role.FINANCE, first_name="Fay", last_name="Other")
    clearance_confirm(
        decision_id=at_clearance.pk,
        user=other,
        content_hash=loaded,
        kind="financial",
        statement=statements("financial")[0],
        password=PASSWORD,
    )
    client.force_login(people[Role.FINANCE])
    response = client.post(
        clear_url(at_clearance), {"content_hash": loaded, "statement": "1", "password": PASSWORD}
    )
    assert response.status_code == 409
    [message] = errors_in(response)
    assert message.startswith("Fay Other acted on this record at ")
    assert not SignOff.objects.filter(decision=at_clearance, user=people[Role.FINANCE]).exists()


def test_a_line_on_content_changed_since_is_refused(client, people, officer, at_clearance):
    loaded = read(at_clearance)
    decision_return(
        decision_id=at_clearance.pk,
        user=people[Role.LEGAL],
        lock_version=at_clearance.lock_version,
        reason="Shorter, please.",
    )
    decision = fresh(at_clearance)
    drafting.decision_update(
        decision_id=decision.pk,
        user=officer,
        lock_version=decision.lock_version,
        values={"executive_summary": "A shorter summary."},
        reason="Shortened",
    )
    decision = fresh(at_clearance)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    client.force_login(people[Role.FINANCE])
    response = client.post(
        clear_url(at_clearance), {"content_hash": loaded, "statement": "0", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert not SignOff.objects.filter(decision=at_clearance, user=people[Role.FINANCE]).exists()


def test_the_drafter_cannot_sign_their_own_record(client, officer, at_clearance):
    officer.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.FINANCE]))
    client.force_login(officer)
    response = client.get(clear_url(at_clearance))
    assert response.status_code == 403
    assert "You drafted this record, so you cannot sign it off." in text_of(response)
    response = client.post(
        clear_url(at_clearance),
        {"content_hash": read(at_clearance), "statement": "0", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert errors_in(response) == ["You drafted this record, so you cannot sign it off."]
    assert not SignOff.objects.filter(decision=at_clearance).exists()


def test_one_person_holds_one_role_on_a_record(client, make_user, at_clearance):
    both = make_user(Role.FINANCE, Role.LEGAL)
    client.force_login(both)
    data = {"content_hash": read(at_clearance), "statement": "0", "password": PASSWORD}
    assert client.post(clear_url(at_clearance), data).status_code == 302
    refusal = (
        "You have already signed off this record as Finance: one person holds one role on a record."
    )
    response = client.get(clear_url(at_clearance, "legal"))
    assert response.status_code == 403
    assert refusal in text_of(response)
    response = client.post(clear_url(at_clearance, "legal"), data)
    assert response.status_code == 403
    assert errors_in(response) == [refusal]
    assert SignOff.objects.filter(decision=at_clearance, user=both).count() == 1


def test_the_last_line_mails_the_chief_executive(
    client, people, at_clearance, django_capture_on_commit_callbacks, mailoutbox
):
    for kind, line in list(CLEARANCE_LINES.items())[:-1]:
        clearance_confirm(
            decision_id=at_clearance.pk,
            user=people[line.role],
            content_hash=read(at_clearance),
            kind=kind,
            statement=statements(line.kind)[0],
            password=PASSWORD,
        )
    kind, line = list(CLEARANCE_LINES.items())[-1]
    client.force_login(people[line.role])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            clear_url(at_clearance, kind),
            {
                "content_hash": read(at_clearance),
                "statement": "0",
                "password": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert fresh(at_clearance).status == Status.CHIEF_EXECUTIVE
    assert [mail.to for mail in mailoutbox] == [[people[Role.CHIEF_EXECUTIVE].email]]


# The Chief Executive.


def ce_url(decision) -> str:
    return reverse("approvals:chief_executive", args=[decision.pk])


def test_the_chief_executive_reads_the_statement_and_signs(
    client, people, at_chief_executive, django_capture_on_commit_callbacks, mailoutbox
):
    ceo = people[Role.CHIEF_EXECUTIVE]
    client.force_login(ceo)
    page = text_of(client.get(ce_url(at_chief_executive)))
    statement = CHIEF_EXECUTIVE_STATEMENT.format(
        decision_maker="Deputy Mayor for Policing and Crime"
    )
    assert statement in page
    assert ">Sign</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ce_url(at_chief_executive),
            {"lock_version": at_chief_executive.lock_version, "password": PASSWORD},
        )
    assert response.status_code == 302
    assert fresh(at_chief_executive).status == Status.DECISION_MAKER
    signoff = SignOff.objects.get(decision=at_chief_executive, kind="chief_executive")
    assert (signoff.user, signoff.statement) == (ceo, statement)
    assert [mail.to for mail in mailoutbox] == [[people[Role.DMPC].email]]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter your password"),
        (WRONG_PASSWORD, "The password is not correct. Enter your own password to sign"),
    ],
)
def test_the_chief_executive_signs_only_with_their_password(
    client, people, at_chief_executive, password, message
):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    response = client.post(
        ce_url(at_chief_executive),
        {"lock_version": at_chief_executive.lock_version, "password": password},
    )
    assert response.status_code == 400
    assert errors_in(response) == [message]
    assert fresh(at_chief_executive).status == Status.CHIEF_EXECUTIVE


# The decision.


def decide_url(decision) -> str:
    return reverse("approvals:decide", args=[decision.pk])


def decide(client, decision, **data):
    return client.post(decide_url(decision), {"lock_version": decision.lock_version, **data})


def test_the_decision_page_shows_the_declaration_the_route_and_the_record(
    client, people, at_decision
):
    client.force_login(people[Role.DMPC])
    page = text_of(client.get(decide_url(at_decision)))
    assert (
        "I confirm I have considered whether or not I have any personal or prejudicial interest "
        "in this matter and take the proposed decision in compliance with the Code of Conduct. "
        "Any such interests are recorded below." in page
    )
    assert ROUTE_TO_DMPC in page
    assert f'href="{reverse("approvals:detail", args=[at_decision.pk])}"' in page
    assert "Do you have a personal or prejudicial interest in this matter?" in page
    assert "Sign the decision" in page


def test_the_dmpc_approves(
    client, people, officer, at_decision, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(people[Role.DMPC])
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            client, at_decision, has_interest="False", approve="True", password=PASSWORD
        )
    assert response.status_code == 302
    decision = fresh(at_decision)
    # Approved, and published at once when not deferred (approvals.tasks, after commit).
    assert decision.status in (Status.APPROVED, Status.PUBLISHED)
    assert decision.decided_at is not None
    signoff = SignOff.objects.get(decision=decision, kind="decision")
    assert (signoff.outcome, signoff.interests, signoff.role) == ("approved", "", Role.DMPC)
    assert signoff.statement == "The above request has my approval."
    assert [mail.to for mail in mailoutbox] == [[officer.email]]
    page = text_of(client.get(response.url))
    assert "You approved PCD 1070. Your decision is signed." in page
    # Never "published": publication runs after the request (finding F).
    assert "Part 1 is being published; this page shows when it is on the register." in page


def test_not_approving_needs_a_reason(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = decide(client, at_decision, has_interest="False", approve="False", password=PASSWORD)
    assert response.status_code == 400
    assert errors_in(response) == ["Enter the reason for not approving"]
    assert fresh(at_decision).status == Status.DECISION_MAKER
    response = decide(
        client,
        at_decision,
        has_interest="False",
        approve="False",
        reason="The business case is not made.",
        password=PASSWORD,
    )
    assert response.status_code == 302
    assert fresh(at_decision).status == Status.NOT_APPROVED
    page = text_of(client.get(response.url))
    assert "You did not approve PCD 1070. Your decision is signed." in page
    signoff = SignOff.objects.get(decision=at_decision, kind="decision")
    assert (signoff.outcome, signoff.reason) == ("not_approved", "The business case is not made.")


def test_a_decision_without_answers_lists_every_question(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = decide(client, at_decision)
    assert response.status_code == 400
    assert errors_in(response) == [
        "Select yes if you have a personal or prejudicial interest",
        "Select whether you approve the request",
        "Enter your password",
    ]


def test_a_declared_interest_needs_the_interest_and_what_to_do(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = decide(client, at_decision, has_interest="True", approve="True", password=PASSWORD)
    assert response.status_code == 400
    assert errors_in(response) == [
        "Enter the interest",
        "Select whether to take the decision or pass the record back",
    ]


def test_an_interest_is_recorded_with_the_decision(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = decide(
        client,
        at_decision,
        has_interest="True",
        interests="My brother works for the supplier.",
        interest_action="decide",
        approve="True",
        password=PASSWORD,
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get(decision=at_decision, kind="decision")
    assert signoff.interests == "My brother works for the supplier."
    page = text_of(client.get(reverse("approvals:detail", args=[at_decision.pk])))
    assert "My brother works for the supplier." in page


def test_an_interest_can_pass_the_record_back_without_a_password(
    client, people, officer, at_decision, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(people[Role.DMPC])
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            client,
            at_decision,
            has_interest="True",
            interests="I sit on the supplier's board.",
            interest_action="pass_back",
        )
    assert response.status_code == 302
    assert fresh(at_decision).status == Status.DRAFT
    action = Action.objects.get(decision=at_decision, verb=Action.Verb.PASSED_BACK)
    assert action.detail == "Interest declared: I sit on the supplier's board."
    assert not SignOff.objects.filter(decision=at_decision, kind="decision").exists()
    assert [mail.to for mail in mailoutbox] == [[officer.email]]


def test_a_wrong_password_takes_no_decision(client, people, at_decision):
    client.force_login(people[Role.DMPC])
    response = decide(
        client, at_decision, has_interest="False", approve="True", password=WRONG_PASSWORD
    )
    assert response.status_code == 400
    assert errors_in(response) == ["The password is not correct. Enter your own password to sign"]
    assert WRONG_PASSWORD not in response.content.decode()
    assert fresh(at_decision).status == Status.DECISION_MAKER


def test_a_failing_mail_server_does_not_stop_a_decision(
    client, people, at_decision, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN_MAIL
    client.force_login(people[Role.DMPC])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = decide(
            client, at_decision, has_interest="False", approve="True", password=PASSWORD
        )
    assert response.status_code == 302
    assert callbacks
    assert fresh(at_decision).decided_at is not None
    assert SignOff.objects.get(decision=at_decision, kind="decision").outcome == "approved"


def test_the_chief_executive_cannot_sign_and_then_decide(client, people, at_decision):
    # The Chief Executive may also decide, but not a record they signed the statement of.
    Decision.objects.filter(pk=at_decision.pk).update(decision_maker=office("chief_executive"))
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    response = client.get(decide_url(at_decision))
    assert response.status_code == 403
    assert "You have already signed off this record as Chief Executive" in text_of(response)


# Returning a record.


def return_url(decision) -> str:
    return reverse("approvals:return", args=[decision.pk])


def test_a_return_needs_a_reason(client, people, at_clearance):
    client.force_login(people[Role.LEGAL])
    response = client.post(
        return_url(at_clearance), {"lock_version": at_clearance.lock_version, "reason": " "}
    )
    assert response.status_code == 400
    assert errors_in(response) == ["Enter the reason for returning the record"]
    assert fresh(at_clearance).status == Status.CLEARANCE


def test_a_reviewer_returns_the_record_and_the_officer_is_told(
    client, people, officer, at_chief_executive, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            return_url(at_chief_executive),
            {"lock_version": at_chief_executive.lock_version, "reason": "Add the DPIA reference."},
        )
    assert response.status_code == 302
    assert fresh(at_chief_executive).status == Status.DRAFT
    action = Action.objects.get(decision=at_chief_executive, verb=Action.Verb.RETURNED)
    assert (action.actor, action.role, action.detail) == (
        people[Role.CHIEF_EXECUTIVE],
        Role.CHIEF_EXECUTIVE,
        "Add the DPIA reference.",
    )
    [mail] = mailoutbox
    assert mail.to == [officer.email]
    assert "Add the DPIA reference." in mail.body


def test_a_returned_record_is_resubmitted_with_its_reference(client, people, officer, at_clearance):
    decision_return(
        decision_id=at_clearance.pk,
        user=people[Role.LEGAL],
        lock_version=at_clearance.lock_version,
        reason="Add the legal comments.",
    )
    client.force_login(officer)
    decision = fresh(at_clearance)
    response = client.post(submit_url(decision), {"lock_version": decision.lock_version})
    assert response.status_code == 302
    decision = fresh(decision)
    assert (decision.status, decision.reference) == (Status.CLEARANCE, "PCD 1070")
    assert ReferenceSeries.objects.get(prefix="PCD").next_number == 1071


def test_the_drafter_cannot_return_their_own_record(client, officer, at_clearance):
    officer.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.LEGAL]))
    client.force_login(officer)
    response = client.get(return_url(at_clearance))
    assert response.status_code == 403
    assert "You drafted this record: change it by editing the draft instead." in text_of(response)


# The record page: what this user may do now, the route, and the sign-offs.


def detail(client, user, decision) -> str:
    client.force_login(user)
    return text_of(client.get(reverse("approvals:detail", args=[decision.pk])))


def action_links(page: str) -> list[str]:
    panel = page.split('id="actions-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="[^"]*" class="govuk-button[^"]*"[^>]*>([^<]*)</a>', panel)


def test_the_officer_may_continue_a_draft(client, officer, ready_draft):
    page = detail(client, officer, ready_draft())
    assert action_links(page) == ["Continue drafting"]
    assert "View history" in page


def test_each_adviser_is_offered_their_own_line(client, people, officer, at_clearance):
    for kind, line in CLEARANCE_LINES.items():
        page = detail(client, people[line.role], at_clearance)
        assert action_links(page) == [
            f"Confirm the {line.kind.label} line",
            "Return to the drafting officer",
        ], kind
        assert reverse("approvals:clear", args=[at_clearance.pk, kind]) in page
    page = detail(client, officer, at_clearance)
    assert action_links(page) == []
    assert "There is nothing for you to do on this record now." in page


def test_the_chief_executive_and_the_dmpc_are_offered_their_steps(
    client, people, at_chief_executive
):
    ceo, dmpc = people[Role.CHIEF_EXECUTIVE], people[Role.DMPC]
    assert action_links(detail(client, ceo, at_chief_executive)) == [
        "Sign as Chief Executive",
        "Refer up to a higher office",
        "Return to the drafting officer",
    ]
    assert action_links(detail(client, dmpc, at_chief_executive)) == [
        "Return to the drafting officer"
    ]
    chief_executive_sign(
        decision_id=at_chief_executive.pk,
        user=ceo,
        lock_version=at_chief_executive.lock_version,
        password=PASSWORD,
    )
    assert action_links(detail(client, dmpc, at_chief_executive)) == [
        "Take the decision",
        "Refer up to a higher office",
        "Return to the drafting officer",
    ]


def test_the_record_shows_its_route_and_every_sign_off(client, people, at_chief_executive):
    voided = SignOff.objects.get(decision=at_chief_executive, declaration_kind="legal")
    SignOff.objects.filter(pk=voided.pk).update(
        voided_at=timezone.now(), void_reason="The record's content changed after this sign-off."
    )
    page = detail(client, people[Role.DMPC], at_chief_executive)
    assert ROUTE_TO_DMPC in page
    for line in CLEARANCE_LINES.values():
        signoff = SignOff.objects.get(decision=at_chief_executive, declaration_kind=line.kind)
        assert signoff.name_as_signed in page
        assert signoff.content_hash[:12] in page
        assert line.role.label in page
    signoffs = page.split('id="signoffs-heading"', 1)[1].split("</section>", 1)[0]
    assert signoffs.count(">Voided</strong>") == 1
    assert signoffs.count(">Standing</strong>") == len(CLEARANCE_LINES) - 1
    assert "The record's content changed after this sign-off." in signoffs


def test_the_route_hides_a_confidential_total_from_those_who_may_not_see_it(
    client, reader_without_part_two, people, officer, ready_draft
):
    decision = ready_draft(amount="1000.00")
    ExpenditureLineFactory(decision=decision, amount="987654.32", is_confidential=True)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    page = detail(client, reader_without_part_two, decision)
    assert "£988,654.32" not in page
    assert "the total (which includes a confidential amount) is £500,000.00 or more" in page
    assert "£988,654.32 is £500,000.00 or more" in detail(client, people[Role.FINANCE], decision)


def test_the_frozen_total_stays_hidden_when_the_confidential_line_is_removed(
    client, officer, people, make_user
):
    decision = DecisionFactory(drafting_officer=officer, publication_answered=True)
    from tests.factories import DeclarationLineFactory, RecommendationFactory

    RecommendationFactory(decision=decision)
    DeclarationLineFactory(decision=decision, kind="drafting_officer", ticked=True)
    ExpenditureLineFactory(decision=decision, amount="300000.00")
    ExpenditureLineFactory(decision=decision, amount="1240000.00", is_confidential=True)
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision_return(
        decision_id=decision.pk,
        user=people[Role.DMPC],
        lock_version=fresh(decision).lock_version,
        reason="Publish the amount?",
    )
    line = decision.expenditure_lines.get(is_confidential=True)
    drafting.decision_set_expenditure(
        decision_id=decision.pk,
        user=officer,
        lock_version=fresh(decision).lock_version,
        lines=[
            {
                "kind": "capital",
                "financial_year": "2021/22",
                "amount": kept.amount,
                "funding_source": kept.funding_source,
                "is_confidential": False,
            }
            for kept in decision.expenditure_lines.exclude(pk=line.pk)
        ],
    )
    client.force_login(make_user(Role.DRAFTING_OFFICER, username="officer2"))
    page = client.get(reverse("approvals:detail", args=[decision.pk])).content.decode()
    assert "1,540,000.00" not in page
