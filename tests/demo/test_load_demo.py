"""load_demo itself, each test from an empty database: idempotent, refused on a real site
without its flag, all or nothing, and careful of accounts that are not the demo's."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import User
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.models import Decision
from demo import loader
from demo.loader import DemoLoadError, demo_load
from demo.users import DEMO_USERS

pytestmark = pytest.mark.django_db


# --- load_demo -------------------------------------------------------------------------


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table the demo touches, history and memberships included."""
    labels = {"accounts", "approvals", "decisions", "auth"}
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
    }


def test_loading_twice_changes_nothing():
    call_command("load_demo", "--allow-production", stdout=io.StringIO())
    before = snapshot()
    # Six records, each with a version for every step the workflow took it through.
    assert len(before["decisions.HistoricalDecision"]) > 6
    # Both bodies, the second set up entirely by the loader.
    assert len(before["decisions.Organisation"]) == 2
    assert len(before["decisions.Office"]) == 7
    assert len(before["approvals.Scheme"]) == 2
    out = io.StringIO()
    call_command("load_demo", "--allow-production", stdout=out)
    after = snapshot()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before
    assert "nothing changed" in out.getvalue()


def test_refuses_when_debug_is_off_without_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Decision.objects.exists()


def test_loads_when_debug_is_off_with_the_flag(settings):
    settings.DEBUG = False
    call_command("load_demo", "--allow-production", stdout=io.StringIO())
    assert Decision.objects.filter(number=1069).exists()


def test_loads_without_the_flag_when_debug_is_on(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    assert Decision.objects.filter(number=1069).exists()


def test_nothing_is_written_if_loading_fails_half_way(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "_advance_series", fail)
    with pytest.raises(RuntimeError):
        demo_load()
    assert not User.objects.exists()
    assert not Decision.objects.exists()


def test_missing_role_groups_are_reported():
    Group.objects.filter(name=ROLE_GROUP_NAMES[Role.FINANCE]).delete()
    with pytest.raises(DemoLoadError, match="migrate"):
        demo_load()


# --- The demo users --------------------------------------------------------------------


def test_the_printed_password_logs_every_user_in(client):
    out = io.StringIO()
    call_command("load_demo", "--allow-production", stdout=out)
    printed = out.getvalue()
    password = re.search(r"Demo password for every account: (\S+)", printed).group(1)
    for username in [demo.username for demo in DEMO_USERS]:
        assert re.search(rf"^{username}\s+\S", printed, re.MULTILINE), username
        request = RequestFactory().post("/login/")
        assert client.login(request=request, username=username, password=password), username
        client.logout()


def test_an_existing_account_that_is_not_a_demo_one_is_left_alone():
    own = User(username="admin", email="me@mopac.example", is_superuser=True, is_staff=True)
    own.set_password("my own password")
    own.save()
    result = demo_load()
    own.refresh_from_db()
    assert result.foreign_users == ["admin"]
    assert own.check_password("my own password")
    assert own.email == "me@mopac.example"


def test_pcd_1069_carries_its_route_and_the_steps_the_services_took():
    call_command("load_demo", "--allow-production", stdout=io.StringIO())
    decision = Decision.objects.get(number=1069)
    assert decision.route_reason == (
        "To the Deputy Mayor for Policing and Crime: total £1,482,400.00 is £500,000.00 or more "
        "(Scheme of Delegation and Consent, para 4.8)"
    )
    assert [a.verb for a in decision.actions.all()] == [
        "submitted",
        *["confirmed"] * 6,
        "chief_executive_signed",
        "approved",
        "published",
    ]
    assert decision.cycles.get().outcome == "approved"
    assert decision.signoffs.filter(voided_at__isnull=True).count() == 8
    assert decision.decided_at.date().isoformat() == "2021-11-05"
