"""People acting at once: real threads, each with its own database connection.

On PostgreSQL the row locks (select_for_update, in the order of decisions.locking)
order them; on SQLite the IMMEDIATE write transactions do, waiting for each other
up to the busy timeout. Either way one acts and the other is told why not, nobody
gets a 500, and a request that only reads never waits for one that writes.
"""

import io
import threading
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from approvals import pdf
from approvals.clearance import CLEARANCE_LINES
from approvals.models import Action, SignOff
from approvals.services import clearance_confirm, decision_submit, decision_take
from core.errors import DomainError, StaleRecord
from core.roles import Role
from decisions.canonical import decision_content_hash
from decisions.locking import decision_row_lock
from decisions.models import Decision, ReferenceSeries
from tests.factories import PASSWORD
from tests.threads import run_together
from tests.workflow import clear_all, sign_to_approval, statements

Status = Decision.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data", "not_in_memory"),
]


def test_parallel_submissions_get_distinct_references(officer, ready_draft):
    drafts = [ready_draft() for _ in range(4)]
    results = run_together(
        *[
            lambda d=d: decision_submit(decision_id=d.pk, user=officer, lock_version=d.lock_version)
            for d in drafts
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        Decision.objects.filter(pk__in=[d.pk for d in drafts]).values_list("number", flat=True)
    )
    assert numbers == [1070, 1071, 1072, 1073]
    assert ReferenceSeries.objects.get(prefix="PCD").next_number == 1074


def test_parallel_approvals_act_once(officer, people, ready_draft, make_user):
    decision = ready_draft(amount="64500.00")  # the Chief Executive decides
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    clear_all(decision, people)
    second = make_user(Role.CHIEF_EXECUTIVE, username="ceo2")
    version = decision.lock_version
    results = run_together(
        *[
            lambda u=u: decision_take(
                decision_id=decision.pk,
                user=u,
                lock_version=version,
                password=PASSWORD,
                approve=True,
            )
            for u in (people[Role.CHIEF_EXECUTIVE], second)
        ]
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], DomainError)
    assert "changed this record at" in str(refused[0])
    assert decision.signoffs.filter(kind="decision").count() == 1
    assert decision.actions.filter(verb="approved").count() == 1


def test_two_advisers_confirming_the_same_line_at_once(officer, people, ready_draft, make_user):
    decision = ready_draft()
    decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)
    decision.refresh_from_db()
    other = make_user(Role.FINANCE, username="finance2")
    statement = statements("financial")[0]
    read = decision_content_hash(decision=decision)
    results = run_together(
        *[
            lambda u=u: clearance_confirm(
                decision_id=decision.pk,
                user=u,
                content_hash=read,
                kind="financial",
                statement=statement,
                password=PASSWORD,
            )
            for u in (people[Role.FINANCE], other)
        ]
    )
    # One signs; the other is told who did (409 on the page), never an error.
    assert sum(isinstance(r, StaleRecord) for r in results) == 1, results
    assert sum(isinstance(r, Decision) for r in results) == 1, results
    assert decision.signoffs.filter(declaration_kind="financial").count() == 1


def signed_in(user) -> dict:
    """The session cookie of a user signed in once, for clients in other threads."""
    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def client_with(cookies: dict) -> Client:
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def test_finding_b_twenty_identical_decide_posts_approve_once_and_refuse_the_rest(
    people, at_clearance
):
    """Twenty identical decide POSTs by one decision maker at once, through the views:
    one approval, nineteen 409s, no 500 (on PostgreSQL two of them once deadlocked:
    the publication held the record and checked the history's key to the user at
    commit, while the user's other request held the user's row FOR UPDATE and waited
    for the record)."""
    decision = sign_to_approval(clear_all(at_clearance, people), people)
    assert decision.status == Status.DECISION_MAKER
    cookies = signed_in(people[Role.DMPC])
    url = reverse("approvals:decide", args=[decision.pk])
    data = {
        "lock_version": decision.lock_version,
        "has_interest": "False",
        "approve": "True",
        "password": PASSWORD,
    }

    def post():
        return client_with(cookies).post(url, data).status_code

    statuses = run_together(*[post] * 20)
    assert sorted(statuses, key=str) == [302] + [409] * 19, statuses
    decision.refresh_from_db()
    assert decision.status in (Status.APPROVED, Status.PUBLISHED)
    assert decision.signoffs.filter(kind=SignOff.Kind.DECISION).count() == 1
    assert decision.actions.filter(verb=Action.Verb.APPROVED).count() == 1


def test_advisers_sign_different_lines_of_one_record_at_the_same_moment(people, at_clearance):
    """Every line by its own adviser, all at once, through the views: every one signs
    (the lines are independent: each page carries the content read, not the record's
    version), and the record moves on to the Chief Executive once, after the last."""
    read = decision_content_hash(decision=at_clearance)
    posts = []
    for kind, line in CLEARANCE_LINES.items():
        cookies = signed_in(people[line.role])
        url = reverse("approvals:clear", args=[at_clearance.pk, kind])
        data = {"content_hash": read, "statement": "0", "password": PASSWORD}
        posts.append(lambda c=cookies, u=url, d=data: client_with(c).post(u, d).status_code)

    statuses = run_together(*posts)
    assert statuses == [302] * len(CLEARANCE_LINES), statuses
    decision = Decision.objects.get(pk=at_clearance.pk)
    assert decision.status == Status.CHIEF_EXECUTIVE
    confirmed = decision.signoffs.filter(kind=SignOff.Kind.CLEARANCE, voided_at__isnull=True)
    assert sorted(confirmed.values_list("declaration_kind", flat=True)) == sorted(CLEARANCE_LINES)
    assert decision.actions.filter(verb=Action.Verb.CONFIRMED).count() == len(CLEARANCE_LINES)
    assert decision.declaration_lines.filter(
        kind__in=list(CLEARANCE_LINES), ticked=True
    ).count() == (len(CLEARANCE_LINES))


class HeldRender:
    """The PDF renderer, held part-way until released: a long render, for as long as
    the test needs, with no timer. (The one patch here: the point is the database.)"""

    def __init__(self, render):
        self.render = render
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args, **kwargs):
        self.started.set()
        self.release.wait(timeout=30)
        return self.render(*args, **kwargs)


def test_finding_c_a_long_render_never_blocks_a_public_get_nor_a_write(
    monkeypatch, make_user, officer, ready_draft
):
    """A staff PDF preview rendering at length holds no lock: the public register
    answers, and a write goes through, while it renders. (Under a transaction per
    request, SQLite's write lock was held for the whole render: the public GET waited
    for it, then failed with "database is locked".)"""
    previewed = ready_draft()
    other = ready_draft()
    held = HeldRender(pdf.html_to_pdf)
    monkeypatch.setattr(pdf, "html_to_pdf", held)
    # An administrator: a draft never submitted is read only by its officer and them.
    staff = client_with(signed_in(make_user(Role.ADMINISTRATOR)))
    drafter = client_with(signed_in(officer))
    preview: dict = {}

    def render():
        try:
            preview["response"] = staff.get(reverse("approvals:pdf_preview", args=[previewed.pk]))
        finally:
            from django.db import connections

            connections.close_all()

    thread = threading.Thread(target=render)
    thread.start()
    try:
        assert held.started.wait(timeout=30)
        public = Client().get(reverse("register:list"))
        assert public.status_code == 200
        saved = drafter.post(
            reverse("decisions:draft_title_summary", args=[other.pk]),
            {
                "lock_version": other.lock_version,
                "title": "Renamed while a preview renders",
                "executive_summary": "Still a summary.",
            },
        )
        assert saved.status_code == 302
        assert not preview, "the render finished before it was released"
    finally:
        held.release.set()
        thread.join(timeout=60)
    assert preview["response"].status_code == 200
    assert len(PdfReader(io.BytesIO(preview["response"].content)).pages) >= 1
    assert Decision.objects.get(pk=other.pk).title == "Renamed while a preview renders"


def test_finding_c_a_write_waits_for_another_write_instead_of_failing(officer, ready_draft):
    """A write sent while another transaction holds the write lock (SQLite) or the
    record's row (PostgreSQL) waits for it, then succeeds: not "database is locked"."""
    decision = ready_draft()
    drafter = client_with(signed_in(officer))
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    result: dict = {}

    def hold():
        from django.db import connections

        try:
            with transaction.atomic():
                decision_row_lock(decision_id=decision.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def write():
        from django.db import connections

        try:
            result["response"] = drafter.post(
                reverse("decisions:draft_title_summary", args=[decision.pk]),
                {
                    "lock_version": decision.lock_version,
                    "title": "Saved after the other write",
                    "executive_summary": "A summary.",
                },
            )
        finally:
            done.set()
            connections.close_all()

    holder, writer = threading.Thread(target=hold), threading.Thread(target=write)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        writer.start()
        # Long enough for the write to reach the lock; what is asserted is only that
        # it has not finished (nor failed) while the lock is held.
        time.sleep(0.5)
        assert not done.is_set(), result
    finally:
        release.set()
        holder.join(timeout=60)
        writer.join(timeout=60)
    assert result["response"].status_code == 302
    assert Decision.objects.get(pk=decision.pk).title == "Saved after the other write"


def test_finding_b_the_signers_lock_and_a_foreign_key_check_close_no_cycle(people, at_decision):
    """The cycle of finding B, step by step: one transaction holds the record's row and,
    at commit, checks the foreign key of a row it wrote naming the signer (FOR KEY
    SHARE on the signer's row); meanwhile the signer's other request has locked the
    signer's row (approvals.lockout.signing_locked) and waits for the record. With the
    signer's row held FOR UPDATE, each waited for the other and PostgreSQL killed one;
    FOR NO KEY UPDATE does not conflict with the check, so both finish. (On SQLite the
    second waits for the first's write transaction: no cycle either.)"""
    from django.db import connection, connections
    from django.test import RequestFactory

    from approvals.lockout import signing_locked

    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks: one write transaction at a time, no cycle")
    from approvals.workflow import record_action

    dmpc = people[Role.DMPC]
    holding, signer_locked = threading.Event(), threading.Event()

    def publication_like():
        try:
            with transaction.atomic():
                decision = decision_row_lock(decision_id=at_decision.pk)
                holding.set()
                signer_locked.wait(timeout=30)
                time.sleep(0.3)  # for the other to reach the record's lock
                # A row naming the signer: its key is checked at commit.
                record_action(decision=decision, verb=Action.Verb.CONFIRMED, actor=dmpc, now=now())
            return "committed"
        finally:
            connections.close_all()

    def signer_again():
        request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
        request.user = dmpc
        try:
            holding.wait(timeout=30)
            with transaction.atomic():
                signing_locked(request)
                signer_locked.set()
                decision_row_lock(decision_id=at_decision.pk)
            return "committed"
        finally:
            connections.close_all()

    results = run_together(publication_like, signer_again)
    assert results == ["committed", "committed"], results


def now():
    from django.utils import timezone

    return timezone.now()


def test_finding_c_sqlite_reads_beside_a_writer_and_writers_wait():
    """On SQLite: WAL journal mode (readers are not blocked by a writer), writes taking
    the write lock at their start (IMMEDIATE) and waiting for it (the busy timeout)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    assert connection.transaction_mode == "IMMEDIATE"
    assert not connection.settings_dict["ATOMIC_REQUESTS"]
