"""Hostile input answered with 400 and a clear message, never a 500 or a silent drop:
request charsets (finding H, first half) and control characters in one-line fields (I)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DecisionFactory

TOKEN = "a" * 32


def hostile_client(user=None) -> Client:
    # As a browser that has the CSRF cookie: Django's CSRF check then reads the body.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = TOKEN
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, content_type: str):
    body = f"csrfmiddlewaretoken={TOKEN}&title=x".encode()
    # generic(), not post(): the test client would itself encode the data in the charset.
    return client.generic("POST", url, body, content_type=content_type)


BOGUS = [
    "application/x-www-form-urlencoded; charset=utf-32",
    "application/x-www-form-urlencoded; charset=UTF-16",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf8",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    'application/x-www-form-urlencoded; charset="utf-32"',
    "multipart/form-data; boundary=xx; charset=utf-32",
    "multipart/form-data; boundary=xx; charset=no-such-charset",
]


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", BOGUS)
def test_finding_h_utf32_post_to_a_public_page_answers_400(content_type):
    response = post(hostile_client(), reverse("register:list"), content_type)
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", BOGUS)
def test_finding_h_utf32_post_to_the_login_page_answers_400(content_type):
    response = post(hostile_client(), reverse("login"), content_type)
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", BOGUS)
def test_finding_h_utf32_post_to_a_staff_page_answers_400(officer, content_type):
    draft = DecisionFactory(drafting_officer=officer)
    url = reverse("decisions:draft_papers", args=[draft.pk])
    for user in (None, officer):
        assert post(hostile_client(user), url, content_type).status_code == 400


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=UTF-8",
    ],
)
def test_finding_h_utf8_forms_still_reach_the_csrf_check(db, content_type):
    # The token in the body matches the cookie: the login form itself answers.
    response = post(hostile_client(), reverse("login"), content_type)
    assert response.status_code == 400
    assert "<title>Error: Sign in" in response.content.decode()
