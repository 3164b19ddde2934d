"""The lockout's address: the client's, not the proxy's, and never one the client chose."""

import pytest
from django.test import RequestFactory

from accounts.client_ip import client_ip

PROXY = "10.0.0.2"


def request_from(forwarded: str | None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_address_is_the_connections(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.7")) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote the left entry itself; the proxy appended the real one.
        ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (" 2001:db8::1 ", "2001:db8::1"),
        # No header, an empty one, or one that is not an address: the proxy's.
        (None, PROXY),
        ("", PROXY),
        ("203.0.113.7, not-an-address", PROXY),
    ],
)
def test_behind_one_proxy_the_address_is_the_one_it_appended(settings, forwarded, expected):
    settings.PROXY_COUNT = 1
    assert client_ip(request_from(forwarded)) == expected


def test_behind_two_proxies_the_address_is_the_one_the_outer_proxy_appended(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request_from("198.51.100.1, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    assert client_ip(request_from("203.0.113.7")) == PROXY
