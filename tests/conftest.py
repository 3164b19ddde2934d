import pytest
from django.db import connection

from approvals.services import decision_submit
from core.roles import Role
from decisions.models import DeclarationLine
from tests.factories import (
    PASSWORD,
    DecisionFactory,
    DeclarationLineFactory,
    ExpenditureLineFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.workflow import clear_all, sign_to_approval


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db):
    """A user holding the given roles: make_user("dmpc"), make_user() for none."""

    def make(*roles: str, **kwargs):
        return UserFactory(roles=[Role(role) for role in roles], **kwargs)

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.DRAFTING_OFFICER, username="officer")


@pytest.fixture
def finance(make_user):
    return make_user(Role.FINANCE, username="finance")


@pytest.fixture
def dmpc(make_user):
    return make_user(Role.DMPC, username="dmpc")


@pytest.fixture
def no_role_user(make_user):
    return make_user(username="norole")


@pytest.fixture
def reader_without_part_two(make_user):
    """A member of staff on every record's route who may not see Part 2: the financial
    line's permission given alone, not through the Finance role (which holds
    decisions.view_parttwo). Since only a record's officer, its reviewers and
    administrators read it before publication, and every role among them sees Part 2,
    tests of what stays hidden read through this user."""
    from django.contrib.auth.models import Permission

    user = make_user(username="routereader")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="decisions", codename__in=["view_decision", "clear_financial"]
        )
    )
    return user


ROLE_USERNAMES = {
    Role.FINANCE: "finance",
    Role.LEGAL: "legal",
    Role.EQUALITIES: "equalities",
    Role.COMMERCIAL: "commercial",
    Role.INFORMATION_RIGHTS: "inforights",
    Role.DIRECTOR: "director",
    Role.CHIEF_EXECUTIVE: "ceo",
    Role.DMPC: "dmpc",
    Role.MAYOR: "mayor",
}


@pytest.fixture
def people(make_user, officer):
    """One user for each reviewing role, by role, plus the drafting officer."""
    found = {role: make_user(role, username=name) for role, name in ROLE_USERNAMES.items()}
    found[Role.DRAFTING_OFFICER] = officer
    return found


@pytest.fixture
def ready_draft(officer):
    """A draft complete enough to submit, worth £1,482,400.00."""

    def make(amount: str = "1482400.00", **fields):
        fields.setdefault("publication_answered", True)
        decision = DecisionFactory(drafting_officer=officer, **fields)
        RecommendationFactory(decision=decision)
        if amount:
            ExpenditureLineFactory(decision=decision, amount=amount)
        DeclarationLineFactory(
            decision=decision,
            kind=DeclarationLine.Kind.DRAFTING_OFFICER,
            statement="Craig James has drafted this report in accordance with MOPAC procedures.",
            ticked=True,
        )
        return decision

    return make


def restore_migration_data() -> None:
    """Put back what data migrations made (role groups, the default scheme), which a
    transactional test's flush removes; every step is idempotent."""
    from importlib import import_module

    from django.apps import apps

    for module, function in [
        ("decisions.migrations.0002_roles", "create_roles"),
        ("decisions.migrations.0013_organisations_offices", "install_offices"),
        ("decisions.migrations.0017_escalation_flags", "install_flags"),
        ("approvals.migrations.0009_organisations_offices", "install_default_scheme"),
        ("approvals.migrations.0004_administrator_manages_the_scheme", "grant"),
        ("decisions.migrations.0015_clearance_lines", "grant"),
    ]:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def migration_data(transactional_db):
    """For transactional tests (live server, threads): the data migrations' rows, present."""
    restore_migration_data()


@pytest.fixture
def not_in_memory():
    """For tests of real threads: skipped on an in-memory SQLite database."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        # An in-memory SQLite database is shared by threads through one cache and
        # does not take the write locks these tests are about.
        pytest.skip("concurrency needs a database file or a server (PostgreSQL in CI)")


@pytest.fixture
def approve(officer, people, ready_draft):
    """A record taken to approval through the real services: approve(**fields).

    decision_take enqueues publication only once its transaction commits, which a
    test's transaction never does: the record stays approved until a test publishes it.
    """

    def make(**fields):
        decision = ready_draft(**fields)
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
        return sign_to_approval(clear_all(decision, people), people, approve=True)

    return make
