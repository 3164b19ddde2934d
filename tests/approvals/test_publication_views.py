"""The staff pages of publication (extend a deferral, withdraw) and the record page's panel."""

import datetime
import html
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from approvals import publication
from approvals.models import Action
from approvals.publication import decision_publish, deferral_extend
from approvals.views_publication import publication_panel_context
from core.roles import Role
from decisions.models import Decision

pytestmark = pytest.mark.django_db

Status = Decision.Status


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def errors_in(response) -> list[str]:
    """The error summary's messages, as a user reads them."""
    page = response.content.decode()
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(m) for m in re.findall(r'<a href="#[^"]*">([^<]*)</a>', summary)]


def fresh(decision: Decision) -> Decision:
    decision.refresh_from_db()
    return decision


def date_fields(day: datetime.date, name: str = "until") -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


TODAY = timezone.localdate()
DEFERRED_UNTIL = TODAY + datetime.timedelta(days=30)
LATER = TODAY + datetime.timedelta(days=60)


@pytest.fixture(autouse=True)
def fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(
        publication,
        "render_part_one_pdf",
        lambda *, decision, draft=False: f"%PDF-fake {decision.reference}".encode(),
    )


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin")


@pytest.fixture
def deferred(approve):
    return approve(
        part1_deferred=True,
        deferred_until=DEFERRED_UNTIL,
        deferral_reason="Publication would compromise the procurement.",
    )


@pytest.fixture
def published(approve):
    decision = approve()
    decision_publish(decision_id=decision.pk)
    return fresh(decision)


# The four permission cases, for both pages.


@dataclass(frozen=True)
class Page:
    name: str
    record: str
    right: str
    wrong: str
    refusal: str
    data: dict

    def url(self, decision) -> str:
        return reverse(self.name, args=[decision.pk])

    def post(self, client, decision, **data):
        return client.post(
            self.url(decision), {"lock_version": decision.lock_version, **self.data, **data}
        )


PAGES = [
    Page(
        "approvals:deferral_extend",
        "deferred",
        "officer",
        "dmpc",
        "Only the drafting officer of this record or an administrator can extend its deferral.",
        {**date_fields(LATER), "reason": "The contract is not yet signed."},
    ),
    Page(
        "approvals:withdraw",
        "published",
        "admin",
        "officer",
        "Only an administrator can withdraw a published record.",
        {"reason": "Superseded by a later decision."},
    ),
]
IDS = [page.name for page in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_anonymous_is_sent_to_sign_in(client, request, page):
    decision = request.getfixturevalue(page.record)
    url = page.url(decision)
    for response in (client.get(url), page.post(client, decision)):
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_a_user_without_a_role_is_refused(client, request, make_user, page):
    decision = request.getfixturevalue(page.record)
    client.force_login(make_user())
    assert client.get(page.url(decision)).status_code == 403
    assert page.post(client, decision).status_code == 403
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_the_wrong_role_is_refused_with_the_reason(client, request, page):
    decision = request.getfixturevalue(page.record)
    client.force_login(request.getfixturevalue(page.wrong))
    for response in (client.get(page.url(decision)), page.post(client, decision)):
        assert response.status_code == 403
        assert page.refusal in text_of(response)
    assert fresh(decision).lock_version == decision.lock_version


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_the_right_role_is_shown_the_form(client, request, page):
    decision = request.getfixturevalue(page.record)
    client.force_login(request.getfixturevalue(page.right))
    response = client.get(page.url(decision))
    assert response.status_code == 200
    body = text_of(response)
    assert f'name="lock_version" value="{decision.lock_version}"' in body
    assert decision.title in body


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_an_unknown_record_is_not_found(client, request, page):
    client.force_login(request.getfixturevalue(page.right))
    url = page.url(Decision(pk=424242))
    assert client.get(url).status_code == 404
    assert client.post(url, {"lock_version": 1, **page.data}).status_code == 404


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_a_broken_version_is_refused_without_harm(client, request, page):
    decision = request.getfixturevalue(page.record)
    client.force_login(request.getfixturevalue(page.right))
    response = page.post(client, decision, lock_version="x")
    assert response.status_code == 400
    assert fresh(decision).lock_version == decision.lock_version


# Extending a deferral.


def test_the_drafting_officer_extends_the_deferral(client, officer, deferred):
    client.force_login(officer)
    response = PAGES[0].post(client, deferred)
    assert response.status_code == 302
    assert response.url == reverse("approvals:detail", args=[deferred.pk])
    assert fresh(deferred).deferred_until == LATER
    page = text_of(client.get(response.url))
    assert f"is now deferred until {LATER:%-d %B %Y}" in page
    assert deferred.actions.get(verb=Action.Verb.DEFERRAL_EXTENDED).actor == officer


def test_an_administrator_extends_a_deferral(client, admin, deferred):
    client.force_login(admin)
    assert PAGES[0].post(client, deferred).status_code == 302
    assert fresh(deferred).deferred_until == LATER


def test_the_extend_page_shows_the_current_deferral(client, officer, deferred):
    client.force_login(officer)
    body = text_of(client.get(PAGES[0].url(deferred)))
    assert f"{DEFERRED_UNTIL:%-d %B %Y}" in body
    assert "Publication would compromise the procurement." in body
    assert "reminded by email 7 days before the new date" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Enter the reason for extending the deferral"),
        (
            {"until_day": "", "until_month": "", "until_year": ""},
            "Enter the new date of publication",
        ),
        (date_fields(TODAY), "The new date of publication must be in the future"),
        (date_fields(TODAY - datetime.timedelta(days=400)), "must be in the future"),
        (
            date_fields(DEFERRED_UNTIL - datetime.timedelta(days=1)),
            f"The new date of publication must be after {DEFERRED_UNTIL:%-d %B %Y}, "
            "the current date",
        ),
        (date_fields(DEFERRED_UNTIL), "must be after"),
        ({"until_day": "31", "until_month": "2"}, "New date of publication must be a real date"),
        ({"until_day": "aa", "until_year": "99999"}, "New date of publication must be a real date"),
        ({"until_month": ""}, "New date of publication must include a month"),
    ],
)
def test_bad_input_is_refused_with_the_reason(client, officer, deferred, data, message):
    client.force_login(officer)
    response = PAGES[0].post(client, deferred, **data)
    assert response.status_code == 400
    assert any(message in error for error in errors_in(response))
    assert fresh(deferred).deferred_until == DEFERRED_UNTIL
    if "reason" not in data:
        assert "The contract is not yet signed." in text_of(response)  # kept on screen


def test_a_stale_page_is_told_who_acted(client, officer, admin, deferred):
    stale = deferred.lock_version
    deferral_extend(
        decision_id=deferred.pk,
        user=admin,
        lock_version=stale,
        until=LATER,
        reason="Still negotiating.",
    )
    client.force_login(officer)
    response = PAGES[0].post(
        client, deferred, lock_version=stale, **date_fields(LATER + datetime.timedelta(days=1))
    )
    assert response.status_code == 409
    [message] = errors_in(response)
    assert message.startswith(f"{admin.get_full_name()} acted on this record at ")
    assert fresh(deferred).deferred_until == LATER


def test_a_record_published_meanwhile_cannot_be_extended(client, officer, deferred):
    Decision.objects.filter(pk=deferred.pk).update(deferred_until=TODAY)
    decision_publish(decision_id=deferred.pk)
    client.force_login(officer)
    response = PAGES[0].post(client, deferred)
    assert response.status_code == 403
    assert "has been published: its deferral can no longer be extended" in text_of(response)


# Withdrawal.


def test_an_administrator_withdraws_a_published_record(client, admin, published):
    client.force_login(admin)
    page = text_of(client.get(PAGES[1].url(published)))
    assert "The reason is public." in page
    response = PAGES[1].post(client, published)
    assert response.status_code == 302
    decision = fresh(published)
    assert (decision.status, decision.withdrawal_reason) == (
        Status.WITHDRAWN,
        "Superseded by a later decision.",
    )
    assert decision.published_pdf_sha256 == published.published_pdf_sha256
    assert f"{decision.reference} was withdrawn." in text_of(client.get(response.url))


def test_a_withdrawal_needs_a_reason(client, admin, published):
    client.force_login(admin)
    response = PAGES[1].post(client, published, reason="   ")
    assert response.status_code == 400
    assert errors_in(response) == ["Enter the reason for withdrawing the record"]
    assert fresh(published).status == Status.PUBLISHED


def test_a_record_not_published_cannot_be_withdrawn(client, admin, deferred):
    client.force_login(admin)
    url = reverse("approvals:withdraw", args=[deferred.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "Only a published record can be withdrawn." in text_of(response)
    assert client.post(url, {"lock_version": deferred.lock_version, "reason": "x"}).status_code == (
        403
    )


# The panel on the record page, in each state.


def panel(user, decision) -> tuple[object, str]:
    context = publication_panel_context(user=user, decision=fresh(decision))
    page = render_to_string("decisions/includes/publication_panel.html", context)
    return context["publication_panel"], " ".join(html.unescape(strip_tags(page)).split())


def test_no_panel_before_approval(ready_draft, officer):
    assert publication_panel_context(user=officer, decision=ready_draft()) == {
        "publication_panel": None
    }
    assert panel(officer, ready_draft())[1] == ""


def test_panel_of_a_deferred_record(deferred, officer, admin, people):
    state, text = panel(officer, deferred)
    assert state.state == "deferred"
    assert f"Deferred until {DEFERRED_UNTIL:%-d %B %Y}" in text
    assert "The drafting officer is reminded by email 7 days before the date" in text
    assert state.extend_url == reverse("approvals:deferral_extend", args=[deferred.pk])
    assert "Extend the deferral" in text
    assert panel(admin, deferred)[0].extend_url
    state, text = panel(people[Role.DMPC], deferred)
    assert (state.extend_url, state.withdraw_url) == ("", "")
    assert "Extend the deferral" not in text


def test_panel_of_a_record_waiting_to_be_published(approve, officer):
    state, text = panel(officer, approve())
    assert state.state == "waiting"
    assert "Publication pending" in text


def test_panel_of_a_failed_publication(approve, officer, monkeypatch):
    def broken(*, decision, draft=False):
        raise publication.PdfRenderError("Font not found: Arial")

    monkeypatch.setattr(publication, "render_part_one_pdf", broken)
    decision = approve()
    decision_publish(decision_id=decision.pk)
    state, text = panel(officer, decision)
    assert state.state == "failed"
    assert (
        "Publication failed: The PDF could not be made: Font not found: Arial — it will be tried "
        "again by the next publication run." in text
    )


def test_panel_of_a_published_record(published, admin, officer):
    state, text = panel(admin, published)
    assert state.state == "published"
    published_on = f"{timezone.localtime(published.published_at):%-d %B %Y}"
    assert (
        f"Published on {published_on} (PDF of Part 1 as published, SHA-256 "
        f"{published.published_pdf_sha256})" in text
    )
    assert state.pdf_url == f"/decisions/{published.slug}.pdf"
    assert state.public_url == f"/decisions/{published.slug}/"
    assert state.withdraw_url == reverse("approvals:withdraw", args=[published.pk])
    assert "Withdraw the record" in text
    assert panel(officer, published)[0].withdraw_url == ""


def test_panel_of_a_withdrawn_record(client, published, admin):
    client.force_login(admin)
    PAGES[1].post(client, published)
    state, text = panel(admin, published)
    assert state.state == "withdrawn"
    assert f"Withdrawn on {timezone.localdate():%-d %B %Y}: Superseded by a later decision." in text
    assert published.published_pdf_sha256 in text
    assert (state.extend_url, state.withdraw_url) == ("", "")


def test_panel_for_anonymous_offers_nothing(published):
    state, _ = panel(AnonymousUser(), published)
    assert (state.extend_url, state.withdraw_url) == ("", "")
