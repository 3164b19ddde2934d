import signal

import pytest
from django.core.management import call_command

from tests.workflow import clear_all, sign_to_approval

# The task backend production uses, for the tests of the worker and publication.
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def at_clearance(officer, people, ready_draft):
    """A record submitted for clearance, no line yet confirmed."""
    from approvals.services import decision_submit

    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def at_chief_executive(at_clearance, people):
    """Every line confirmed: with the Chief Executive."""
    return clear_all(at_clearance, people)


@pytest.fixture
def at_decision(at_chief_executive, people):
    """Signed by the Chief Executive: with the decision maker."""
    return sign_to_approval(at_chief_executive, people)


@pytest.fixture
def media(settings, tmp_path):
    """Stored files (published PDFs, previews) in this test's own folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fake_renderer(monkeypatch):
    """Publication stores a few bytes naming the record instead of rendering its PDF."""
    from approvals import publication

    def render(*, decision, draft=False):
        return f"%PDF-fake {decision.reference}".encode()

    monkeypatch.setattr(publication, "render_part_one_pdf", render)


@pytest.fixture
def worker(settings):
    """Run `manage.py db_worker --batch` on the database backend: every task that is due,
    then stop. The worker installs its own signal handlers; the test run's are put back."""
    settings.TASKS = DATABASE_BACKEND
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)
