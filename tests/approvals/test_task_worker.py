"""Production runs background work on django-tasks-db's database backend and its worker
(`manage.py db_worker`): approval only enqueues the publication, the worker publishes,
and a failed publication is queued again with back-off."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from approvals import publication
from approvals.pdf import PdfRenderError
from approvals.publication import RETRY_DELAYS
from decisions.models import Decision
from tests.test_security import run_manage

# The worker closes a connection it finds inside a transaction (close_old_connections),
# as a test's own transaction would be: the tests that run it commit for real.
commits = pytest.mark.django_db(transaction=True)

PUBLISH = "approvals.tasks.publish_decision"


@pytest.fixture(autouse=True)
def _media(media):
    pass


def time_passes() -> None:
    """Every deferred task becomes due, as if its delay had passed."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_production_settings_select_the_database_backend():
    result = run_manage(
        "shell",
        "-c",
        "from django_tasks import task_backends; print(type(task_backends['default']).__module__)",
        DJANGO_SECRET_KEY="s" * 60,
        DJANGO_ALLOWED_HOSTS="decisions.example.org",
        DJANGO_SITE_URL="https://decisions.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django_tasks_db.backend"


@commits
@pytest.mark.usefixtures("migration_data")
def test_the_worker_publishes_an_approved_record(approve, worker):
    decision = approve()
    # Approval only enqueued the publication.
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED
    assert decision.publication_state == Decision.PublicationState.PENDING
    assert DBTaskResult.objects.filter(task_path=PUBLISH, status="READY").count() == 1

    worker()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED
    assert decision.publication_state == Decision.PublicationState.PUBLISHED
    with default_storage.open(decision.published_pdf.name) as stored:
        text = PdfReader(stored).pages[0].extract_text()
    assert decision.reference in text
    assert DBTaskResult.objects.get(task_path=PUBLISH).status == "SUCCESSFUL"


@commits
@pytest.mark.usefixtures("migration_data")
def test_a_failed_publication_is_retried_by_the_worker_with_back_off(approve, worker, monkeypatch):
    def broken(*, decision, draft=False):
        raise PdfRenderError("the renderer ran out of time")

    monkeypatch.setattr(publication, "render_part_one_pdf", broken)
    decision = approve()

    delays = []
    for _ in range(len(RETRY_DELAYS) + 2):
        before = timezone.now()
        worker()
        queued = DBTaskResult.objects.filter(task_path=PUBLISH, status="READY").first()
        if queued is None:
            break
        delays.append(queued.run_after - before)
        time_passes()
    # Tried once, then after each delay in turn; then left failed and visible.
    assert [round(d / datetime.timedelta(minutes=1)) for d in delays] == [
        round(d / datetime.timedelta(minutes=1)) for d in RETRY_DELAYS
    ]
    decision.refresh_from_db()
    assert decision.publication_state == Decision.PublicationState.FAILED
    assert decision.publication_tries == len(RETRY_DELAYS) + 1
    assert decision.actions.filter(verb="publication_failed").count() == len(RETRY_DELAYS) + 1

    # The safety net still publishes it once the renderer is back.
    monkeypatch.setattr(publication, "render_part_one_pdf", lambda **_: b"%PDF-fake back")
    assert [d.pk for d in publication.publish_due().published] == [decision.pk]
