"""Publication through its services: once, on time, retried after a failure, extended,
withdrawn. Time travels by passing `now`; rendering is faked except where the PDF
itself is the point (WeasyPrint takes about half a second a record)."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from approvals import publication, workflow
from approvals.models import Action
from approvals.pdf import PdfRenderError
from approvals.policies import can_extend_deferral
from approvals.publication import (
    decision_publish,
    decision_withdraw,
    deferral_extend,
    publish_due,
)
from core.errors import DomainError, NotAllowed, StaleRecord
from core.roles import Role
from decisions.models import Decision, Recommendation

pytestmark = pytest.mark.django_db

Status = Decision.Status
LONDON = ZoneInfo("Europe/London")
# In British Summer Time: 00:30 on the 10th in London is still the 9th in UTC.
DEFERRED_UNTIL = datetime.date(2027, 6, 10)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def fresh(decision: Decision) -> Decision:
    decision.refresh_from_db()
    return decision


def stored_bytes(decision: Decision) -> bytes:
    with default_storage.open(decision.published_pdf.name) as stored:
        return stored.read()


def stored_names() -> list[str]:
    if not default_storage.exists("published"):
        return []
    return sorted(default_storage.listdir("published")[1])


def verbs(decision: Decision) -> list[str]:
    return list(decision.actions.values_list("verb", flat=True))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its PDFs in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path


class FakeRenderer:
    """Stands in for WeasyPrint: different bytes on every call, and a count of calls."""

    def __init__(self):
        self.calls = 0
        self.failures: list[Exception] = []

    def __call__(self, *, decision, draft=False):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return f"%PDF-fake {decision.reference} render {self.calls}".encode()


@pytest.fixture
def renderer(monkeypatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(publication, "render_part_one_pdf", fake)
    return fake


@pytest.fixture
def deferred(approve):
    def make(until: datetime.date = DEFERRED_UNTIL) -> Decision:
        return approve(
            part1_deferred=True,
            deferred_until=until,
            deferral_reason="Publication would compromise the procurement.",
        )

    return make


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin")


# Rendered once, stored with its hash, never changed.


def test_an_approved_record_is_published_once_with_its_hash(approve, renderer):
    decision = approve()
    assert decision.status == Status.APPROVED
    now = at(datetime.date(2027, 1, 5))
    decision_publish(decision_id=decision.pk, now=now)
    decision = fresh(decision)
    assert decision.status == Status.PUBLISHED
    assert decision.published_pdf.name == "published/pcd-1070.pdf"
    assert stored_bytes(decision) == b"%PDF-fake PCD 1070 render 1"
    assert decision.published_pdf_sha256 == hashlib.sha256(stored_bytes(decision)).hexdigest()
    assert (decision.published_at, decision.publication_attempted_at) == (now, now)
    assert "First paragraph." in decision.search_text
    published = decision.actions.get(verb=Action.Verb.PUBLISHED)
    assert published.actor is None
    assert published.detail == f"published/pcd-1070.pdf (SHA-256 {decision.published_pdf_sha256})"

    decision_publish(decision_id=decision.pk, now=now + days(1))
    assert renderer.calls == 1
    again = fresh(decision)
    assert (again.published_at, again.published_pdf_sha256) == (now, decision.published_pdf_sha256)
    assert verbs(decision).count(Action.Verb.PUBLISHED) == 1
    assert stored_names() == ["pcd-1070.pdf"]


def test_the_real_pdf_never_changes_once_published(approve):
    """The one test here that renders with WeasyPrint."""
    decision = approve()
    first = publish_due(now=at(datetime.date(2027, 1, 5)))
    assert [d.pk for d in first.published] == [decision.pk]
    decision = fresh(decision)
    pdf = stored_bytes(decision)
    assert pdf.startswith(b"%PDF-")
    assert decision.published_pdf_sha256 == hashlib.sha256(pdf).hexdigest()

    # Anything edited afterwards changes nothing stored.
    Decision.objects.filter(pk=decision.pk).update(title="A different title", introduction="New")
    Recommendation.objects.filter(decision=decision).update(text="Something else entirely.")
    second = publish_due(now=at(datetime.date(2027, 1, 6)))
    decision_publish(decision_id=decision.pk)
    assert second.published == [] and second.ok
    after = fresh(decision)
    assert (after.published_pdf.name, after.published_pdf_sha256) == (
        decision.published_pdf.name,
        decision.published_pdf_sha256,
    )
    assert stored_bytes(after) == pdf
    assert stored_names() == ["pcd-1070.pdf"]
    assert verbs(decision).count(Action.Verb.PUBLISHED) == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CLEARANCE, Status.NOT_APPROVED])
def test_a_record_not_approved_is_not_published(ready_draft, renderer, status):
    decision = ready_draft(status=status)
    decision_publish(decision_id=decision.pk)
    assert publish_due().published == []
    assert fresh(decision).status == status
    assert renderer.calls == 0
    assert not decision.actions.exists()


def test_an_existing_file_of_the_same_name_is_never_overwritten(approve, renderer):
    default_storage.save("published/pcd-1070.pdf", ContentFile(b"left over"))
    decision = approve()
    decision_publish(decision_id=decision.pk)
    decision = fresh(decision)
    assert decision.published_pdf.name != "published/pcd-1070.pdf"
    assert stored_bytes(decision).startswith(b"%PDF-fake")
    with default_storage.open("published/pcd-1070.pdf") as left_over:
        assert left_over.read() == b"left over"


def test_no_orphan_file_is_left_when_the_transaction_fails(approve, renderer, monkeypatch):
    decision = approve()
    real_log = workflow.record_action

    def failing_log(**kwargs):
        if kwargs["verb"] == Action.Verb.PUBLISHED:
            raise RuntimeError("database went away")
        return real_log(**kwargs)

    monkeypatch.setattr(workflow, "record_action", failing_log)
    with pytest.raises(RuntimeError):
        decision_publish(decision_id=decision.pk)
    assert renderer.calls == 1
    assert stored_names() == []
    decision = fresh(decision)
    assert (decision.status, decision.published_pdf.name) == (Status.APPROVED, "")


def test_an_unexpected_error_on_one_record_does_not_stop_the_others(approve, renderer, monkeypatch):
    first, second = approve(), approve()
    real_log = workflow.record_action
    broken = []

    def log_failing_once(**kwargs):
        if kwargs["verb"] == Action.Verb.PUBLISHED and not broken:
            broken.append(kwargs["decision"].pk)
            raise RuntimeError("database went away")
        return real_log(**kwargs)

    monkeypatch.setattr(workflow, "record_action", log_failing_once)
    result = publish_due()
    assert not result.ok
    assert result.errors == [
        f"Publication of record {first.pk} stopped: RuntimeError('database went away')"
    ]
    assert [d.pk for d in result.published] == [second.pk]
    assert fresh(first).status == Status.APPROVED
    assert stored_names() == ["pcd-1071.pdf"]
    assert publish_due().published[0].pk == first.pk


# Deferral: published on its date, not the day before.


def test_a_deferred_record_is_published_on_its_date_and_not_before(deferred, renderer):
    decision = deferred()
    decision_publish(decision_id=decision.pk, now=at(DEFERRED_UNTIL - days(20)))
    late_on_the_eve = at(DEFERRED_UNTIL - days(1), 23, 59)
    assert publish_due(now=late_on_the_eve).published == []
    assert fresh(decision).status == Status.APPROVED
    assert renderer.calls == 0

    just_after_midnight = at(DEFERRED_UNTIL, 0, 30)
    result = publish_due(now=just_after_midnight)
    assert [d.pk for d in result.published] == [decision.pk]
    decision = fresh(decision)
    assert (decision.status, decision.published_at) == (Status.PUBLISHED, just_after_midnight)


def test_a_record_whose_date_passed_is_published_by_the_next_run(deferred, renderer):
    decision = deferred()
    publish_due(now=at(DEFERRED_UNTIL + days(3)))
    assert fresh(decision).status == Status.PUBLISHED


def test_publish_due_twice_publishes_once(approve, deferred, renderer):
    now_due, later = approve(), deferred()
    first = publish_due(now=at(datetime.date(2027, 1, 5)))
    second = publish_due(now=at(datetime.date(2027, 1, 5)))
    assert [d.pk for d in first.published] == [now_due.pk]
    assert second.published == [] and second.reminded == [] and second.ok
    assert second.report() == ["Nothing to publish and nobody to remind."]
    assert renderer.calls == 1
    assert fresh(later).status == Status.APPROVED


# A failure leaves the approval standing; the next run tries again.


def test_a_rendering_failure_is_shown_and_retried(approve, renderer):
    decision = approve()
    renderer.failures.append(PdfRenderError("Font not found: Arial"))
    first_try = at(datetime.date(2027, 1, 5), 2)
    result = publish_due(now=first_try)
    assert not result.ok
    assert [d.pk for d in result.failed] == [decision.pk]
    assert result.report() == [
        "Publication of PCD 1070 failed: The PDF could not be made: Font not found: Arial. "
        "It will be tried again on the next run."
    ]
    decision = fresh(decision)
    assert decision.status == Status.APPROVED
    assert decision.publication_error == "The PDF could not be made: Font not found: Arial"
    assert decision.publication_attempted_at == first_try
    assert decision.signoffs.filter(kind="decision", voided_at__isnull=True).exists()
    failed = decision.actions.get(verb=Action.Verb.PUBLICATION_FAILED)
    assert (failed.actor, failed.detail) == (None, decision.publication_error)
    assert stored_names() == []

    result = publish_due(now=first_try + days(1))
    assert result.ok and [d.pk for d in result.published] == [decision.pk]
    decision = fresh(decision)
    assert (decision.status, decision.publication_error) == (Status.PUBLISHED, "")
    assert verbs(decision)[-2:] == [Action.Verb.PUBLICATION_FAILED, Action.Verb.PUBLISHED]


def test_a_storage_failure_is_recorded_like_a_rendering_failure(approve, renderer, monkeypatch):
    decision = approve()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", full_disk)
    result = publish_due()
    assert [d.pk for d in result.failed] == [decision.pk]
    decision = fresh(decision)
    assert decision.status == Status.APPROVED
    assert decision.publication_error.startswith("The PDF could not be stored: ")
    assert "No space left on device" in decision.publication_error


# Reminders before the date, once.


def test_the_drafting_officer_is_reminded_once_before_the_date(
    deferred, renderer, officer, mailoutbox, django_capture_on_commit_callbacks
):
    decision = deferred()
    too_early = at(DEFERRED_UNTIL - days(8))
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due(now=too_early).reminded == []
    assert mailoutbox == []

    in_time = at(DEFERRED_UNTIL - days(7))
    with django_capture_on_commit_callbacks(execute=True):
        result = publish_due(now=in_time)
        again = publish_due(now=in_time + days(1))
    assert [d.pk for d in result.reminded] == [decision.pk]
    assert again.reminded == []
    assert result.report() == [
        "Reminded officer@example.org that PCD 1070 will be published on 10 June 2027"
    ]
    [mail] = mailoutbox
    assert mail.to == [officer.email]
    assert mail.subject == f"PCD 1070 will be published on 10 June 2027: {decision.title}"
    assert "will be published on the register on 10 June 2027 unless the deferral is extended" in (
        mail.body
    )
    assert f"/records/{decision.pk}/publication/extend/" in mail.body
    decision = fresh(decision)
    assert decision.deferral_reminded_at == in_time
    reminded = decision.actions.get(verb=Action.Verb.DEFERRAL_REMINDED)
    assert reminded.actor is None
    assert reminded.detail.endswith("that Part 1 will be published on 10 June 2027")
    assert renderer.calls == 0


def test_the_reminder_period_is_a_setting(deferred, settings, renderer):
    settings.PUBLICATION_REMINDER_DAYS = 14
    decision = deferred()
    publish_due(now=at(DEFERRED_UNTIL - days(14)))
    assert fresh(decision).deferral_reminded_at is not None


def test_a_record_due_today_is_published_not_reminded(deferred, renderer, mailoutbox):
    decision = deferred()
    result = publish_due(now=at(DEFERRED_UNTIL))
    assert result.reminded == []
    assert [d.pk for d in result.published] == [decision.pk]
    assert Action.Verb.DEFERRAL_REMINDED not in verbs(decision)


# Extending a deferral.


def extend(decision, user, until, reason="The contract is not yet signed.", **kwargs):
    decision.refresh_from_db()
    kwargs.setdefault("now", at(DEFERRED_UNTIL - days(5)))
    return deferral_extend(
        decision_id=decision.pk,
        user=user,
        lock_version=kwargs.pop("lock_version", decision.lock_version),
        until=until,
        reason=reason,
        **kwargs,
    )


def test_the_drafting_officer_extends_the_deferral(deferred, officer, renderer):
    decision = deferred()
    publish_due(now=at(DEFERRED_UNTIL - days(5)))
    version = fresh(decision).lock_version
    assert decision.deferral_reminded_at is not None
    new_date = datetime.date(2027, 9, 1)
    extend(decision, officer, new_date, reason="  The contract is not yet signed.  ")
    after = fresh(decision)
    assert after.deferred_until == new_date
    assert after.deferral_reason == "Publication would compromise the procurement."
    assert after.deferral_reminded_at is None
    assert after.lock_version == version + 1
    extended = after.actions.get(verb=Action.Verb.DEFERRAL_EXTENDED)
    assert (extended.actor, extended.role) == (officer, Role.DRAFTING_OFFICER)
    assert extended.detail == (
        "Extended from 10 June 2027 to 1 September 2027: The contract is not yet signed."
    )
    # Not published on the old date; reminded again before the new one, then published.
    assert publish_due(now=at(DEFERRED_UNTIL)).published == []
    assert publish_due(now=at(new_date - days(7))).reminded[0].pk == decision.pk
    assert publish_due(now=at(new_date)).published[0].pk == decision.pk


def test_an_administrator_extends_any_deferral(deferred, admin):
    decision = deferred()
    extend(decision, admin, datetime.date(2027, 9, 1))
    extended = decision.actions.get(verb=Action.Verb.DEFERRAL_EXTENDED)
    assert (extended.actor, extended.role) == (admin, Role.ADMINISTRATOR)


def test_only_the_drafting_officer_or_an_administrator_extends(deferred, people, make_user):
    decision = deferred()
    other_officer = make_user(Role.DRAFTING_OFFICER, username="other")
    for user in (other_officer, people[Role.DMPC], people[Role.CHIEF_EXECUTIVE]):
        assert not can_extend_deferral(user, decision)
        with pytest.raises(
            NotAllowed, match="Only the drafting officer of this record or an admin"
        ):
            extend(decision, user, datetime.date(2027, 9, 1))
    assert fresh(decision).deferred_until == DEFERRED_UNTIL


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (DEFERRED_UNTIL, "must be after 10 June 2027, the current date"),
        (DEFERRED_UNTIL - days(1), "must be after 10 June 2027, the current date"),
        (DEFERRED_UNTIL - days(5), "must be in the future"),
        (DEFERRED_UNTIL - days(30), "must be in the future"),
    ],
)
def test_the_new_date_must_be_later_and_in_the_future(deferred, officer, until, message):
    decision = deferred()
    with pytest.raises(DomainError, match=message):
        extend(decision, officer, until)
    assert fresh(decision).deferred_until == DEFERRED_UNTIL


def test_an_extension_needs_a_reason(deferred, officer):
    decision = deferred()
    with pytest.raises(DomainError, match="Enter the reason for extending the deferral"):
        extend(decision, officer, datetime.date(2027, 9, 1), reason="   ")


def test_an_extension_from_a_stale_page_is_refused(deferred, officer, admin):
    decision = deferred()
    stale = decision.lock_version
    extend(decision, admin, datetime.date(2027, 8, 1))
    with pytest.raises(StaleRecord):
        extend(decision, officer, datetime.date(2027, 9, 1), lock_version=stale)
    assert fresh(decision).deferred_until == datetime.date(2027, 8, 1)


def test_only_an_approved_deferred_unpublished_record_is_extended(
    approve, deferred, ready_draft, officer, renderer
):
    not_deferred = approve()
    with pytest.raises(NotAllowed, match="Publication of this record is not deferred"):
        extend(not_deferred, officer, datetime.date(2027, 9, 1))
    draft = ready_draft(part1_deferred=True, deferred_until=DEFERRED_UNTIL)
    with pytest.raises(NotAllowed, match="Only the deferral of an approved record"):
        extend(draft, officer, datetime.date(2027, 9, 1))
    published = deferred()
    publish_due(now=at(DEFERRED_UNTIL))
    with pytest.raises(NotAllowed, match="has been published: its deferral can no longer"):
        extend(published, officer, datetime.date(2027, 9, 1), now=at(DEFERRED_UNTIL))


# Withdrawal.


@pytest.fixture
def published(approve, renderer):
    decision = approve()
    decision_publish(decision_id=decision.pk, now=at(datetime.date(2027, 1, 5)))
    return fresh(decision)


def withdraw(decision, user, reason="Published in error: superseded by PCD 1080.", **kwargs):
    decision.refresh_from_db()
    return decision_withdraw(
        decision_id=decision.pk,
        user=user,
        lock_version=kwargs.pop("lock_version", decision.lock_version),
        reason=reason,
        **kwargs,
    )


def test_an_administrator_withdraws_a_published_record(published, admin, renderer):
    pdf = stored_bytes(published)
    now = at(datetime.date(2027, 2, 1))
    withdraw(published, admin, reason=" Superseded by PCD 1080. ", now=now)
    decision = fresh(published)
    assert decision.status == Status.WITHDRAWN
    assert (decision.withdrawn_at, decision.withdrawal_reason) == (now, "Superseded by PCD 1080.")
    withdrawn = decision.actions.get(verb=Action.Verb.WITHDRAWN)
    assert (withdrawn.actor, withdrawn.role, withdrawn.detail) == (
        admin,
        Role.ADMINISTRATOR,
        "Superseded by PCD 1080.",
    )
    # The PDF stays exactly as published, and is not rendered again.
    assert (decision.published_pdf.name, decision.published_at) == (
        published.published_pdf.name,
        published.published_at,
    )
    assert stored_bytes(decision) == pdf
    assert decision.published_pdf_sha256 == published.published_pdf_sha256
    decision_publish(decision_id=decision.pk)
    publish_due()
    assert renderer.calls == 1
    assert fresh(decision).status == Status.WITHDRAWN


def test_only_an_administrator_withdraws(published, officer, people):
    for user in (officer, people[Role.DMPC], people[Role.CHIEF_EXECUTIVE]):
        with pytest.raises(NotAllowed, match="Only an administrator can withdraw"):
            withdraw(published, user)
    assert fresh(published).status == Status.PUBLISHED


def test_only_a_published_record_is_withdrawn(approve, published, admin):
    with pytest.raises(NotAllowed, match="Only a published record can be withdrawn"):
        withdraw(approve(), admin)
    withdraw(published, admin)
    with pytest.raises(NotAllowed, match="already been withdrawn"):
        withdraw(published, admin)
    assert published.actions.filter(verb=Action.Verb.WITHDRAWN).count() == 1


def test_a_withdrawal_needs_a_reason_and_a_current_page(published, admin):
    with pytest.raises(DomainError, match="Enter the reason for withdrawing the record"):
        withdraw(published, admin, reason=" ")
    with pytest.raises(StaleRecord):
        withdraw(published, admin, lock_version=published.lock_version - 1)
    assert fresh(published).status == Status.PUBLISHED
