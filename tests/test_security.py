import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROOT = Path(__file__).resolve().parent.parent

# Pages anyone may open: signing in and out, and the public register, whose views
# are marked by register.views.public. Every other page must send an
# anonymous visitor to sign in.
PUBLIC = {"login", "logout"}


def is_public(name: str, pattern: URLPattern) -> bool:
    return name in PUBLIC or str(getattr(pattern.callback, "access", "")).startswith("public")


def named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin makes its own decision: staff and model permissions.
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += named_patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


# A real value for each named part of an address, so that the view itself answers.
SAMPLE_SLUGS = {"section": "introduction", "kind": "financial", "slug": "pcd-9999"}


def sample_kwargs(pattern: URLPattern) -> dict:
    return {
        name: SAMPLE_SLUGS.get(name, "x")
        if name in SAMPLE_SLUGS or converter.regex != "[0-9]+"
        else 1
        for name, converter in pattern.pattern.converters.items()
    }


ALL_VIEWS = named_patterns(get_resolver())


def test_every_view_is_listed():
    assert len(ALL_VIEWS) >= 18


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_every_view_decides_about_anonymous_visitors(client, name, pattern):
    url = reverse(name, kwargs=sample_kwargs(pattern))
    if name in PUBLIC:
        return  # signing in and out: tests/accounts/test_sign_in.py
    if is_public(name, pattern):
        # Public pages answer anyone, and only read: an unknown record is a 404.
        assert client.get(url).status_code in (200, 404), url
        assert client.post(url).status_code == 405, url
        return
    answered = 0
    for method in (client.get, client.post):
        response = method(url)
        if response.status_code == 405:
            # A method the page does not answer is refused before signing in
            # (tests/core/test_methods.py).
            continue
        answered += 1
        assert response.status_code == 302, f"{method.__name__} {url}"
        assert response.url.startswith(reverse("login")), url
    assert answered, url


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.production")
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="k" * 20 + "a-long-random-production-secret-for-the-check-0123456789",
        DJANGO_ALLOWED_HOSTS="decisions.example.org",
        DJANGO_SITE_URL="https://decisions.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="decisions.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_SECRET_KEY="s" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the site's host names" in result.stderr


PRODUCTION = {"DJANGO_SECRET_KEY": "s" * 60, "DJANGO_ALLOWED_HOSTS": "decisions.example.org"}
PRINT_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def test_production_refuses_to_start_without_a_site_address():
    # Links in mail would otherwise point at the development address.
    result = run_manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must be set" in result.stderr


@pytest.mark.parametrize(
    "address", ["decisions.example.org", "https://", "https://decisions.example.org/staff/"]
)
def test_production_refuses_a_site_address_that_is_not_a_scheme_and_host(address):
    result = run_manage("check", DJANGO_SITE_URL=address, **PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must be a scheme and a host name only" in result.stderr


def test_production_refuses_a_plain_http_site_address_while_redirecting_to_https():
    result = run_manage("check", DJANGO_SITE_URL="http://decisions.example.org", **PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must start with https://" in result.stderr


def test_production_takes_the_configured_site_address():
    result = run_manage(
        "shell",
        "-c",
        PRINT_SITE_URL,
        DJANGO_SITE_URL="https://decisions.example.org/",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://decisions.example.org"


def test_production_takes_a_plain_http_site_address_when_https_is_switched_off():
    result = run_manage(
        "shell",
        "-c",
        PRINT_SITE_URL,
        DJANGO_SITE_URL="http://127.0.0.1:8000",
        DJANGO_SECURE_SSL_REDIRECT="false",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000"
