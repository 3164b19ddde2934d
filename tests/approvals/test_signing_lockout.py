"""Wrong signing passwords lock signing, and signing in, like wrong sign-in passwords.

The signing page asks for the password again, so it must not be a way to guess
it from a session left open: django-axes counts signing and sign-in failures
together, per username and address.
"""

import html

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client
from django.urls import reverse

from approvals.lockout import locked_message
from approvals.models import SignOff
from core.roles import Role
from tests.approvals.test_views import (
    WRONG_PASSWORD,
    clear_url,
    decide,
    errors_in,
    fresh,
    read,
)
from tests.factories import PASSWORD
from tests.threads import run_together

pytestmark = pytest.mark.django_db

LIMIT = 5
WRONG = "The password is not correct. Enter your own password to sign"


def confirm(client, decision, password: str, statement: str = "1"):
    return client.post(
        clear_url(decision),
        {"content_hash": read(decision), "statement": statement, "password": password},
    )


def test_the_fifth_wrong_password_locks_signing_and_keeps_the_form(client, people, at_clearance):
    finance = people[Role.FINANCE]
    client.force_login(finance)
    for _ in range(LIMIT - 1):
        response = confirm(client, at_clearance, WRONG_PASSWORD)
        assert response.status_code == 400
        assert errors_in(response) == [WRONG]

    response = confirm(client, at_clearance, WRONG_PASSWORD)
    assert response.status_code == 429
    assert errors_in(response) == [locked_message()]
    page = response.content.decode()
    # The signing page itself, with the chosen statement, not the sign-in lockout page.
    assert "Confirm the Financial Advice line" in html.unescape(page)
    assert 'id="id_statement_1" name="statement" type="radio" value="1" checked' in page
    assert WRONG_PASSWORD not in page

    # The right password no longer signs.
    response = confirm(client, at_clearance, PASSWORD)
    assert response.status_code == 429
    assert errors_in(response) == [locked_message()]
    assert not SignOff.objects.filter(decision=at_clearance).exists()
    assert AccessAttempt.objects.get(username=finance.username).failures_since_start == LIMIT

    # Nor does signing in, from this address.
    client.logout()
    response = client.post(reverse("login"), {"username": finance.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()


def test_wrong_sign_in_passwords_count_towards_the_signing_lock(client, people, at_clearance):
    finance = people[Role.FINANCE]
    for _ in range(LIMIT - 1):
        response = client.post(
            reverse("login"), {"username": finance.username, "password": WRONG_PASSWORD}
        )
        assert response.status_code == 400
    client.force_login(finance)
    response = confirm(client, fresh(at_clearance), WRONG_PASSWORD)
    assert response.status_code == 429
    assert errors_in(response) == [locked_message()]


def test_the_lock_is_per_person(client, people, at_clearance):
    client.force_login(people[Role.FINANCE])
    for _ in range(LIMIT):
        confirm(client, at_clearance, WRONG_PASSWORD)
    client.force_login(people[Role.LEGAL])
    response = client.post(
        clear_url(at_clearance, "legal"),
        {"content_hash": read(at_clearance), "statement": "0", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert SignOff.objects.filter(decision=at_clearance, user=people[Role.LEGAL]).exists()


def test_an_administrator_unlocks_signing(client, people, at_clearance):
    finance = people[Role.FINANCE]
    client.force_login(finance)
    for _ in range(LIMIT):
        confirm(client, at_clearance, WRONG_PASSWORD)
    reset(username=finance.username)
    response = confirm(client, fresh(at_clearance), PASSWORD)
    assert response.status_code == 302
    assert SignOff.objects.filter(decision=at_clearance, user=finance).exists()


def test_a_locked_decision_maker_may_still_pass_the_record_back(client, people, at_decision):
    dmpc = people[Role.DMPC]
    client.force_login(dmpc)
    for _ in range(LIMIT - 1):
        assert (
            decide(
                client, at_decision, has_interest="False", approve="True", password=WRONG_PASSWORD
            ).status_code
            == 400
        )
    response = decide(
        client, at_decision, has_interest="False", approve="True", password=WRONG_PASSWORD
    )
    assert response.status_code == 429
    assert errors_in(response) == [locked_message()]

    # Passing the record back on a declared interest is not a signature.
    response = decide(
        client,
        fresh(at_decision),
        has_interest="True",
        interests="I sit on the supplier's board.",
        interest_action="pass_back",
    )
    assert response.status_code == 302
    assert fresh(at_decision).status == "draft"


def test_the_lock_does_not_apply_when_axes_is_off(client, people, at_clearance, settings):
    settings.AXES_ENABLED = False
    client.force_login(people[Role.FINANCE])
    for _ in range(LIMIT):
        assert confirm(client, at_clearance, WRONG_PASSWORD).status_code == 400
    assert confirm(client, at_clearance, PASSWORD).status_code == 302


def test_the_chief_executive_is_locked_too(client, people, at_chief_executive):
    client.force_login(people[Role.CHIEF_EXECUTIVE])
    url = reverse("approvals:chief_executive", args=[at_chief_executive.pk])
    data = {"lock_version": at_chief_executive.lock_version, "password": WRONG_PASSWORD}
    statuses = [client.post(url, data).status_code for _ in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]
    response = client.post(url, {**data, "password": PASSWORD})
    assert response.status_code == 429
    assert errors_in(response) == [locked_message()]
    assert not SignOff.objects.filter(decision=at_chief_executive, kind="chief_executive").exists()


def test_wrong_passwords_from_another_address_do_not_lock_the_signer(
    client, people, at_clearance, settings
):
    """Behind the HTTPS proxy, the address is the client's (accounts.client_ip)."""
    settings.PROXY_COUNT = 1
    finance = people[Role.FINANCE]
    for _ in range(LIMIT + 1):
        client.post(
            reverse("login"),
            {"username": finance.username, "password": WRONG_PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            # The attacker writes the signer's address first; the proxy appends theirs.
            HTTP_X_FORWARDED_FOR="203.0.113.7, 203.0.113.66",
        )
    client.force_login(finance)
    response = client.post(
        clear_url(at_clearance),
        {"content_hash": read(at_clearance), "statement": "0", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.get(ip_address="203.0.113.66").failures_since_start == LIMIT + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data", "not_in_memory")
def test_wrong_passwords_sent_at_once_are_counted_one_after_another(people, at_clearance):
    """Eight wrong passwords at once, each in its own request and transaction: five
    are checked and counted (the fifth locks), the other three are refused unchecked,
    and the count outlives the requests."""
    finance = people[Role.FINANCE]

    def attempt():
        client = Client()
        client.force_login(finance)
        return confirm(client, at_clearance, WRONG_PASSWORD).status_code

    statuses = run_together(*[attempt] * 8)
    assert sorted(statuses) == [400] * (LIMIT - 1) + [429] * (8 - LIMIT + 1), statuses
    assert AccessAttempt.objects.get(username=finance.username).failures_since_start == LIMIT


def test_an_address_locked_for_trying_many_usernames_does_not_stop_a_signer_elsewhere(
    client, people, at_clearance
):
    for i in range(25):
        Client().post(
            reverse("login"),
            {"username": f"someone{i}", "password": WRONG_PASSWORD},
            REMOTE_ADDR="203.0.113.66",
        )
    legal = people[Role.LEGAL].username
    response = Client().post(
        reverse("login"), {"username": legal, "password": PASSWORD}, REMOTE_ADDR="203.0.113.66"
    )
    assert response.status_code == 429
    client.force_login(people[Role.FINANCE])
    assert confirm(client, at_clearance, PASSWORD).status_code == 302
