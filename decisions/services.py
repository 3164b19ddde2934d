"""Writes to decision records while they are drafted.

Each service locks the record's row, checks that the user may edit it and that
nobody has saved it since the form was loaded (its lock_version), writes, and
raises the record's lock_version once. A save that changes nothing writes
nothing: no new version, no history row.
"""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from core.errors import NotAllowed
from core.locking import save_new_version

from .locking import decision_lock
from .models import (
    BackgroundPaper,
    Decision,
    DeclarationLine,
    ExpenditureLine,
    FormType,
    PartTwo,
    Recommendation,
    RelatedDecision,
    SupportingReport,
)
from .policies import can_start_draft, can_view_part_two, why_not_edit_draft
from .sections import NOT_APPLICABLE_REASON_MAX, form_section
from .signals import content_changed
from .uploads import download_name
from .wording import DRAFTING_OFFICER_STATEMENT


def drafting_officer_statement(decision: Decision) -> str:
    """The drafting officer's line of the declaration, in the words of the paper form,
    naming the record's body."""
    officer = decision.drafting_officer
    name = officer.get_full_name() or officer.username
    return DRAFTING_OFFICER_STATEMENT.format(
        name=name, organisation=decision.form_type.organisation.short_name
    )


def decision_create(*, user: User, form_type: FormType, title: str) -> Decision:
    """Start a draft of the given form type, owned by the user who starts it."""
    if not can_start_draft(user):
        raise NotAllowed("Only drafting officers can start a decision record.")
    with transaction.atomic():
        decision = Decision(
            form_type=form_type, series=form_type.series, title=title, drafting_officer=user
        )
        decision._history_user = user
        decision.save()
        report = SupportingReport(decision=decision, title=title)
        report._history_user = user
        report.save()
    return decision


def _lock_for_edit(*, decision_id: int, user: User, lock_version: int) -> Decision:
    """The record, row-locked, if the user may edit it and nobody saved it since lock_version.

    Call inside transaction.atomic().
    """
    decision = decision_lock(decision_id=decision_id, user=user, lock_version=lock_version)
    if reason := why_not_edit_draft(user, decision):
        raise NotAllowed(reason)
    return decision


def _touch(*, decision: Decision, user: User, reason: str, fields: tuple[str, ...] = ()) -> None:
    """Record that the record's content changed: a new version, with who and why in its
    history, and the sign-offs given on the old content voided.

    The sign-offs voided are left on decision.voided_signoffs, for the page to say so.
    """
    save_new_version(decision, user=user, reason=reason, fields=list(fields))
    responses = content_changed.send(sender=Decision, decision=decision, user=user)
    decision.voided_signoffs = [signoff for _, voided in responses for signoff in voided]


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def decision_update(
    *, decision_id: int, user: User, lock_version: int, values: dict[str, Any], reason: str
) -> Decision:
    """Save fields of the decision form itself (title, summary, a Part I section …)."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        if _assign(decision, values):
            _touch(decision=decision, user=user, reason=reason, fields=tuple(values))
    return decision


def decision_set_section(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    field: str,
    text: str,
    not_applicable_reason: str = "",
) -> Decision:
    """Save one Part I section: its text, or (where its form allows) that it does not
    apply, with the reason published in its place. A section the record's form lacks,
    a reason on a section that may not be marked, or a reason with text is refused."""
    text = text or ""
    reason = " ".join((not_applicable_reason or "").split())
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        section = form_section(decision.form_type, field)
        if section is None:
            raise ValidationError(
                f"The form {decision.form_type.name} has no such section: choose one from "
                "the task list"
            )
        if reason and not section.may_be_not_applicable:
            raise ValidationError(
                {"text": f"{section.heading} cannot be marked as not applicable on this form"}
            )
        if reason and text.strip():
            raise ValidationError(
                {
                    "text": f"Remove the text of {section.heading}, or choose to write the "
                    "section: a section that does not apply is published with its reason only"
                }
            )
        if len(reason) > NOT_APPLICABLE_REASON_MAX:
            raise ValidationError(
                {
                    "not_applicable_reason": "The reason must be "
                    f"{NOT_APPLICABLE_REASON_MAX} characters or fewer"
                }
            )
        not_applicable = {
            kind: why
            for kind, why in (decision.sections_not_applicable or {}).items()
            if kind != field
        }
        if reason:
            not_applicable[field] = reason
        values = {field: text, "sections_not_applicable": not_applicable}
        if _assign(decision, values):
            _touch(
                decision=decision,
                user=user,
                reason=f"{section.heading} changed",
                fields=tuple(values),
            )
    return decision


def report_update(
    *, decision_id: int, user: User, lock_version: int, values: dict[str, Any], reason: str
) -> Decision:
    """Save fields of the supporting report."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        report = SupportingReport.objects.filter(decision=decision).first() or SupportingReport(
            decision=decision
        )
        if _assign(report, values) or report.pk is None:
            report._history_user = user
            report.save()
            _touch(decision=decision, user=user, reason=reason)
    return decision


def decision_set_recommendations(
    *, decision_id: int, user: User, lock_version: int, texts: list[str]
) -> Decision:
    """Replace the recommendations with these texts, in this order."""
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise NotAllowed("Enter at least one recommendation.")
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        existing = list(decision.recommendations.order_by("position", "pk"))
        if [r.text for r in existing] == texts:
            return decision
        for position, text in enumerate(texts, start=1):
            row = (
                existing[position - 1]
                if position <= len(existing)
                else Recommendation(decision=decision)
            )
            if _assign(row, {"position": position, "text": text}) or row.pk is None:
                row._history_user = user
                row.save()
        for row in existing[len(texts) :]:
            row._history_user = user
            row.delete()
        _touch(decision=decision, user=user, reason="Recommendations changed")
    return decision


EXPENDITURE_FIELDS = ("kind", "financial_year", "amount", "funding_source", "is_confidential")


def decision_set_expenditure(
    *, decision_id: int, user: User, lock_version: int, lines: list[dict[str, Any]]
) -> Decision:
    """Replace the money lines with these (each: kind, financial_year, amount, funding_source,
    is_confidential), in this order. An empty list means no money is involved."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        existing = list(decision.expenditure_lines.order_by("position", "pk"))
        wanted = [{name: line[name] for name in EXPENDITURE_FIELDS} for line in lines]
        current = [{name: getattr(row, name) for name in EXPENDITURE_FIELDS} for row in existing]
        if current == wanted:
            return decision
        for position, values in enumerate(wanted, start=1):
            row = (
                existing[position - 1]
                if position <= len(existing)
                else ExpenditureLine(decision=decision)
            )
            if _assign(row, {**values, "position": position}) or row.pk is None:
                row._history_user = user
                row.full_clean(exclude=["decision"])
                row.save()
        for row in existing[len(wanted) :]:
            row._history_user = user
            row.delete()
        _touch(decision=decision, user=user, reason="Money changed")
    return decision


def paper_add(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    title: str,
    upload: UploadedFile,
    content_type: str,
    publish: bool | None = None,
) -> BackgroundPaper:
    """Attach a background paper. The caller has checked its type by content and its size.

    Without `publish`, the paper is published with the record as the record's public
    access answers say (paper_publish_default)."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        name = download_name(upload.name, content_type)
        paper = BackgroundPaper(
            decision=decision,
            title=title,
            original_filename=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
            publish=paper_publish_default(decision) if publish is None else publish,
        )
        paper.file.save(name, upload, save=False)
        paper._history_user = user
        try:
            paper.save()
        except Exception:
            paper.file.delete(save=False)
            raise
        _touch(decision=decision, user=user, reason=f"Paper added: {title}")
        paper.voided_signoffs = decision.voided_signoffs
    return paper


def paper_publish_default(decision: Decision) -> bool:
    """Whether a new paper is published with the record, by default: only when the form
    says Part 1 is published without deferral and there is no Part 2. A record with a
    Part 2 holds confidential matter its papers may share, so there the drafter must
    choose to publish each paper."""
    return not decision.part1_deferred and not decision.has_part_two


def paper_set_publish(
    *, decision_id: int, paper_id: int, user: User, lock_version: int, publish: bool
) -> BackgroundPaper:
    """Mark a paper for publication with the record, or not; part of the signed content."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        paper = decision.papers.get(pk=paper_id)
        if paper.publish != publish:
            paper.publish = publish
            paper._history_user = user
            paper.save(update_fields=["publish"])
            state = "to be published" if publish else "not to be published"
            _touch(decision=decision, user=user, reason=f"Paper {state}: {paper.title}")
        paper.voided_signoffs = getattr(decision, "voided_signoffs", [])
    return paper


def paper_remove(*, decision_id: int, paper_id: int, user: User, lock_version: int) -> Decision:
    """Remove a background paper and its stored file."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        paper = decision.papers.get(pk=paper_id)
        stored = paper.file.name
        paper._history_user = user
        paper.delete()
        _touch(decision=decision, user=user, reason=f"Paper removed: {paper.title}")
        # The file goes only once the removal is committed.
        transaction.on_commit(lambda: paper.file.storage.delete(stored))
    return decision


def decision_set_publication(
    *,
    decision_id: int,
    user: User,
    lock_version: int,
    part1_deferred: bool,
    deferral_reason: str,
    deferred_until: datetime.date | None,
    has_part_two: bool,
    part_two_content: str,
    part_two_exemption: str,
    part_two_rationale: str,
) -> Decision:
    """Save publication choices: deferral of Part 1, and whether there is a Part 2 and what it says.

    Saying there is no Part 2 removes the Part 2 that was there (its history keeps it).
    """
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        if not can_view_part_two(user, decision):
            raise NotAllowed("You are not allowed to see Part 2 of this record.")
        values = {
            "part1_deferred": part1_deferred,
            "deferral_reason": deferral_reason if part1_deferred else "",
            "deferred_until": deferred_until if part1_deferred else None,
            "has_part_two": has_part_two,
            "publication_answered": True,
        }
        changed = _assign(decision, values)
        part_two = PartTwo.objects.filter(decision=decision).first()
        if has_part_two:
            part_two = part_two or PartTwo(decision=decision)
            part_values = {
                "content": part_two_content,
                "exemption": part_two_exemption,
                "rationale": part_two_rationale,
            }
            if _assign(part_two, part_values) or part_two.pk is None:
                part_two._history_user = user
                part_two.save()
                changed = True
        elif part_two is not None:
            part_two._history_user = user
            part_two.delete()
            changed = True
        if changed:
            decision.full_clean(
                exclude=[f.name for f in Decision._meta.fields if f.name not in values]
            )
            _touch(
                decision=decision,
                user=user,
                reason="Publication and Part 2 changed",
                fields=tuple(values),
            )
    return decision


def declaration_set_drafting_officer(
    *, decision_id: int, user: User, lock_version: int, confirmed: bool
) -> Decision:
    """The drafting officer's own line of the declaration: "X has drafted this report …"."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        statement = drafting_officer_statement(decision)
        kind = DeclarationLine.Kind.DRAFTING_OFFICER
        line = decision.declaration_lines.filter(kind=kind).first() or DeclarationLine(
            decision=decision, kind=kind
        )
        if _assign(line, {"statement": statement, "ticked": confirmed}) or line.pk is None:
            line._history_user = user
            line.save()
            _touch(decision=decision, user=user, reason="Drafting officer's declaration changed")
    return decision


# "PCD 134", "pcd134", "PCD-134": a series prefix and a number.
_REFERENCE = re.compile(r"\s*([A-Za-z]{2,10})[\s-]*([0-9]{1,9})\s*")
# The relations that say a later record acts on an earlier one: a chain of them
# must never come back to where it started.
DIRECTED_RELATIONS = ("amends", "supersedes", "revokes")


def _reference_error(message: str) -> ValidationError:
    return ValidationError({"reference": message})


def parse_reference(text: str) -> tuple[str, int]:
    """("PCD", 134) from "PCD 134"; a ValidationError of the reference field if malformed."""
    match = _REFERENCE.fullmatch(text or "")
    if not match:
        raise _reference_error("Enter a reference like PCD 134: the series, then the number")
    return match.group(1).upper(), int(match.group(2))


def _reaches(*, start_id: int, goal_id: int) -> bool:
    """Whether a chain of amends, supersedes or revokes links leads from start to goal.

    One query a step along the chain (chains are a few records long).
    """
    seen, frontier = {start_id}, {start_id}
    while frontier:
        if goal_id in frontier:
            return True
        frontier = (
            set(
                RelatedDecision.objects.filter(
                    from_decision_id__in=frontier,
                    relation__in=DIRECTED_RELATIONS,
                    to_decision__isnull=False,
                ).values_list("to_decision_id", flat=True)
            )
            - seen
        )
        seen |= frontier
    return False


def related_decision_add(
    *, decision_id: int, user: User, lock_version: int, relation: str, reference: str
) -> Decision:
    """Link the record to an earlier one, named by its reference ("Amends PCD 134").

    Refused, with a message for the reference field: a malformed reference, one that
    names no record, the record itself, a record already linked, or a link that would
    close a circle of amends, supersedes or revokes.
    """
    if relation not in RelatedDecision.Relation.values:
        raise ValidationError({"relation": "Select how this record relates to the other"})
    prefix, number = parse_reference(reference)
    canonical = f"{prefix} {number}"
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        target = Decision.objects.filter(series__prefix=prefix, number=number).first()
        if target is None:
            raise _reference_error(f"There is no record {canonical}")
        if target.pk == decision.pk:
            raise _reference_error("A record cannot be linked to itself")
        if decision.related_links.filter(to_reference=canonical).exists():
            raise _reference_error(f"This record is already linked to {canonical}")
        if relation in DIRECTED_RELATIONS and _reaches(start_id=target.pk, goal_id=decision.pk):
            raise _reference_error(
                f"{canonical} already amends, supersedes or revokes this record, "
                "directly or through others: the links would go round in a circle"
            )
        last = decision.related_links.order_by("-position").first()
        link = RelatedDecision(
            from_decision=decision,
            position=(last.position + 1) if last else 1,
            relation=relation,
            to_decision=target,
            to_reference=canonical,
        )
        link._history_user = user
        link.save()
        _touch(decision=decision, user=user, reason=f"Related decision added: {link}")
    return decision


def related_decision_remove(
    *, decision_id: int, link_id: int, user: User, lock_version: int
) -> Decision:
    """Remove a link to an earlier record. RelatedDecision.DoesNotExist if it is not this record's."""
    with transaction.atomic():
        decision = _lock_for_edit(decision_id=decision_id, user=user, lock_version=lock_version)
        link = decision.related_links.get(pk=link_id)
        link._history_user = user
        link.delete()
        _touch(decision=decision, user=user, reason=f"Related decision removed: {link}")
    return decision
