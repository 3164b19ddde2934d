"""Issue 9, findings F and C: a publication is never lost, and never stalls the site.

A publishing process killed mid-render, or its database connection dropped between
the render and marking the record published, leaves the record visibly in progress
or failed (with an action), and the retry or publish_due publishes it. The approval
and the pending state commit together. While a publication renders, no transaction
is open, so a public page answers at once, even on SQLite.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from approvals import publication
from approvals.models import Action
from approvals.publication import decision_publish, publish_due
from approvals.views_publication import publication_panel_context
from decisions.models import Decision
from tests.approvals.conftest import DATABASE_BACKEND
from tests.threads import run_together

Status = Decision.Status
State = Decision.PublicationState
ROOT = Path(__file__).resolve().parents[2]

DUMMY_BACKEND = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _media(media):
    pass


@pytest.fixture
def approved(settings, approve):
    """An approved record whose publication task is only queued (a dummy backend), even
    where the approval commits (transactional tests)."""
    settings.TASKS = DUMMY_BACKEND
    return approve()


def fresh(decision: Decision) -> Decision:
    return Decision.objects.get(pk=decision.pk)


def verbs(decision: Decision) -> list[str]:
    return list(decision.actions.values_list("verb", flat=True))


def panel_text(user, decision: Decision) -> str:
    from django.template.loader import render_to_string

    context = publication_panel_context(user=user, decision=fresh(decision))
    return " ".join(render_to_string("decisions/includes/publication_panel.html", context).split())


# A publishing process killed while it renders.

CHILD = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["PUBLISH_TEST_DATABASE"]
import django
django.setup()
from approvals import publication

def hook(point):
    if point == "rendering":
        print("rendering", flush=True)
        time.sleep(120)

settings.PUBLICATION_TEST_HOOK = hook
publication.decision_publish(decision_id=int(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data", "not_in_memory")
def test_finding_f_a_publishing_process_killed_mid_render_is_found_and_published(
    approved, officer, settings, fake_renderer
):
    env = {
        **os.environ,
        "PUBLISH_TEST_DATABASE": connection.settings_dict["NAME"],
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    child = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", CHILD, str(approved.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "rendering", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # Killed while rendering: the record says publication is in progress, and since when.
    decision = fresh(approved)
    assert (decision.status, decision.publication_state) == (Status.APPROVED, State.IN_PROGRESS)
    started = decision.publication_started_at
    assert started is not None
    text = panel_text(officer, decision)
    assert "Publication in progress since" in text
    # Another run meanwhile leaves it to the process it takes to be still rendering.
    assert publish_due().busy == 1
    assert fresh(decision).publication_state == State.IN_PROGRESS

    # Once the claim is older than any render may take, the page says the process
    # stopped, and publish_due records the failure with an action and publishes it.
    settings.PUBLICATION_STALE_AFTER = 0
    assert "the process publishing it seems to have stopped" in panel_text(officer, decision)
    result = publish_due(now=timezone.now() + datetime.timedelta(seconds=1))
    assert [d.pk for d in result.published] == [decision.pk]
    decision = fresh(decision)
    assert (decision.status, decision.publication_state) == (Status.PUBLISHED, State.PUBLISHED)
    failure = decision.actions.get(verb=Action.Verb.PUBLICATION_FAILED)
    assert "did not finish: the process publishing it stopped" in failure.detail
    assert verbs(decision)[-2:] == [Action.Verb.PUBLICATION_FAILED, Action.Verb.PUBLISHED]
    assert decision.publication_tries == 1
    with default_storage.open(decision.published_pdf.name) as stored:
        assert stored.read() == b"%PDF-fake PCD 1070"


# The database connection dropped between the render and marking it published.


def drop_the_connection(point: str) -> None:
    """At the moment the PDF is stored, end this process's database connection: on
    PostgreSQL from another connection (pg_terminate_backend), as a database restart
    would; on SQLite, which has no server, by failing the next statement as a lost
    connection does."""
    if point != "published_pdf_stored":
        return
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid

        def terminate():
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                other.close()

        thread = threading.Thread(target=terminate)
        thread.start()
        thread.join()
    else:
        connection.close()
        real = connection.ensure_connection

        def lost():
            connection.ensure_connection = real
            from django.db import OperationalError

            raise OperationalError("disk I/O error: the database went away")

        connection.ensure_connection = lost


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data", "not_in_memory")
def test_finding_f_a_connection_dropped_mid_publication_is_recorded_then_published(
    approved, officer, settings, fake_renderer
):
    settings.PUBLICATION_TEST_HOOK = drop_the_connection
    with pytest.raises(Exception) as raised:
        decision_publish(decision_id=approved.pk)
    assert raised.type.__module__.startswith(("django.db", "psycopg2"))
    settings.PUBLICATION_TEST_HOOK = None

    # Recorded on a fresh connection: failed, with its error and an action; no file left.
    decision = fresh(approved)
    assert (decision.status, decision.publication_state) == (Status.APPROVED, State.FAILED)
    assert decision.publication_error.startswith("Publication stopped by an error:")
    assert decision.actions.filter(verb=Action.Verb.PUBLICATION_FAILED).count() == 1
    assert decision.published_pdf.name == ""
    assert not default_storage.exists("published") or default_storage.listdir("published")[1] == []
    assert "Publication failed" in panel_text(officer, decision)

    # The retry publishes it.
    decision_publish(decision_id=decision.pk)
    decision = fresh(decision)
    assert (decision.status, decision.publication_state) == (Status.PUBLISHED, State.PUBLISHED)
    assert decision.publication_error == ""


# The approval and the pending state commit together.


def test_finding_f_the_approval_and_the_pending_state_commit_together(
    settings, approve, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_BACKEND
    decision = approve()
    assert decision.status == Status.APPROVED
    assert fresh(decision).publication_state == State.PENDING


def test_finding_f_a_rolled_back_approval_leaves_no_pending_state_and_no_task(
    settings, officer, people, ready_draft, django_capture_on_commit_callbacks
):
    from approvals.services import decision_submit
    from tests.workflow import clear_all, sign_to_approval

    settings.TASKS = DATABASE_BACKEND
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision = clear_all(decision, people)

    class Undone(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undone), transaction.atomic():
            sign_to_approval(decision, people, approve=True)
            assert fresh(decision).publication_state == State.PENDING
            raise Undone
    assert callbacks == []
    decision = fresh(decision)
    assert decision.status != Status.APPROVED
    assert decision.publication_state == ""
    assert not DBTaskResult.objects.exists()

    # Committed, the approval brings its pending state and its queued task together.
    with django_capture_on_commit_callbacks(execute=True):
        sign_to_approval(decision, people, approve=True)
    assert fresh(decision).publication_state == State.PENDING
    task = DBTaskResult.objects.get(task_path="approvals.tasks.publish_decision")
    assert task.args_kwargs == {"args": [decision.pk], "kwargs": {}}


# Finding C: a long render holds no lock; the public register answers meanwhile.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data", "not_in_memory")
def test_finding_c_a_public_page_answers_while_a_publication_renders(
    approved, settings, monkeypatch
):
    rendering = threading.Event()
    answered = threading.Event()

    def render(*, decision, draft=False):
        rendering.set()
        # Rendering until the public page has answered (or a minute, if it never does).
        answered.wait(timeout=60)
        return b"%PDF-fake slow"

    monkeypatch.setattr(publication, "render_part_one_pdf", render)

    def public_get():
        assert rendering.wait(timeout=30)
        try:
            return Client().get("/decisions/").status_code
        finally:
            answered.set()

    published, status = run_together(lambda: publish_due(), public_get)
    assert status == 200
    assert [d.pk for d in published.published] == [approved.pk]


def test_finding_f_a_run_whose_claim_was_taken_over_keeps_nothing(approve, settings, fake_renderer):
    """A run taken for stopped (its claim stale) and replaced by another: when it comes
    back, it marks nothing published and deletes the file it stored."""
    decision = approve()

    def taken_over(point: str) -> None:
        if point == "published_pdf_stored":
            Decision.objects.filter(pk=decision.pk).update(
                publication_started_at=timezone.now() + datetime.timedelta(seconds=5)
            )

    settings.PUBLICATION_TEST_HOOK = taken_over
    assert (
        publication._publish(decision_id=decision.pk, now=timezone.now(), skip_locked=False)[1]
        == publication.Outcome.BUSY
    )
    decision = fresh(decision)
    assert (decision.status, decision.publication_state) == (Status.APPROVED, State.IN_PROGRESS)
    assert decision.published_pdf.name == ""
    assert default_storage.listdir("published")[1] == []
    assert not decision.actions.filter(verb=Action.Verb.PUBLISHED).exists()
