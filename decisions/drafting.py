"""The task list of a draft: its sections, grouped, each with a status derived from the record.

Statuses are computed from the record as loaded by
selectors.decision_detail_for_user (lists prefetched), so the task list costs
no query per section.
"""

from collections.abc import Callable
from typing import NamedTuple

from core.forms import VersionedForm, section_size_message

from .forms import ReportDetailsForm, ReportSummaryForm
from .models import Decision, EscalationFlag, RecordFlag
from .sections import (
    KINDS_BY_SLUG,
    PART_ONE_SECTIONS,
    REPORT_SECTIONS,
    form_sections,
    recommendations_heading,
)

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
# A section over the bound of core.forms (saved before it, or through the admin):
# submission refuses it, so the task list says which.
TOO_LONG = "Too long"


def _filled(values: list) -> str:
    filled = sum(1 for value in values if value not in (None, ""))
    if filled == 0:
        return NOT_STARTED
    return COMPLETED if filled == len(values) else IN_PROGRESS


def _any(items) -> str:
    return COMPLETED if items else NOT_STARTED


def _report(decision: Decision):
    return getattr(decision, "report", None)


def _route_status(decision: Decision) -> str:
    # A query only when a flag is set without a justification.
    justified = decision.flag_justifications or {}
    unjustified = [c for c in RecordFlag.values if getattr(decision, c) and not justified.get(c)]
    if (
        unjustified
        and EscalationFlag.objects.filter(
            organisation_id=decision.form_type.organisation_id,
            code__in=unjustified,
            requires_justification=True,
        ).exists()
    ):
        return IN_PROGRESS
    return COMPLETED


def _too_long(values: list) -> bool:
    return any(isinstance(v, str) and section_size_message("", v) for v in values)


def _report_fields(names: list[str]) -> Callable[[Decision], str]:
    def status(decision: Decision) -> str:
        report = _report(decision)
        if not report:
            return NOT_STARTED
        values = [getattr(report, name) for name in names]
        return TOO_LONG if _too_long(values) else _filled(values)

    return status


class DraftTask(NamedTuple):
    slug: str
    name: str
    group: str
    status: Callable[[Decision], str]

    @property
    def path(self) -> str:
        """Where its form is, below the draft's task list."""
        prefix = "part-one/" if self.slug in PART_ONE_BY_SLUG else ""
        return f"{prefix}{self.slug}/"


# Every kind of section a form may have, by the slug of its page.
PART_ONE_BY_SLUG = KINDS_BY_SLUG


def _part_one_status(field: str) -> Callable[[Decision], str]:
    def status(decision: Decision) -> str:
        text = getattr(decision, field)
        if _too_long([text]):
            return TOO_LONG
        # A section marked not applicable is done: its reason stands for its text.
        if not text and (decision.sections_not_applicable or {}).get(field):
            return COMPLETED
        return _filled([text])

    return status


def _part_one_task(field: str, heading: str) -> DraftTask:
    return DraftTask(
        field.replace("_", "-"), heading, "Part I: facts and advice", _part_one_status(field)
    )


def _form_fields(form_class: type[VersionedForm]) -> list[str]:
    """The record's fields a drafting form edits: a task is complete when they are filled."""
    return [name for name in form_class.base_fields if name != "lock_version"]


REPORT_DETAIL_FIELDS = _form_fields(ReportDetailsForm)
REPORT_SUMMARY_FIELDS = _form_fields(ReportSummaryForm)

# Background papers are often none; every other section says something, if only "none".
# (Not the form's fields: the plan's name is optional, and the form builds its sections.)
REPORT_ADVICE_REQUIRED = [s.field for s in REPORT_SECTIONS if s.field != "background_papers"]

_BEFORE_PART_ONE: list[DraftTask] = [
    DraftTask(
        "title-summary",
        "Title and executive summary",
        "The decision",
        lambda d: (
            TOO_LONG
            if _too_long([d.executive_summary])
            else _filled([d.title, d.executive_summary])
        ),
    ),
    DraftTask(
        "recommendations",
        "Recommendations",
        "The decision",
        lambda d: _any(d.recommendations.all()),
    ),
    DraftTask("money", "Money", "The decision", lambda d: _any(d.expenditure_lines.all())),
    # Questions with "no" for an answer by default: complete unless a flag is set
    # without the justification its body requires.
    DraftTask("route", "Reserved and significant matters", "The decision", _route_status),
]
_AFTER_PART_ONE: list[DraftTask] = [
    DraftTask(
        "report-details",
        "Report details",
        "Supporting report",
        _report_fields(REPORT_DETAIL_FIELDS),
    ),
    DraftTask(
        "report-summary",
        "Summary, recommendations and time sensitivity",
        "Supporting report",
        _report_fields(REPORT_SUMMARY_FIELDS),
    ),
    DraftTask(
        "report-advice",
        "Facts and advice",
        "Supporting report",
        _report_fields(REPORT_ADVICE_REQUIRED),
    ),
    # Most records relate to no other: nothing to complete.
    DraftTask("related", "Related decisions", "Papers and publication", lambda d: COMPLETED),
    # Not "Background papers": a form's Part I section may be called that.
    DraftTask(
        "papers", "Papers to attach", "Papers and publication", lambda d: _any(d.papers.all())
    ),
    DraftTask(
        "publication",
        "Publication and Part 2",
        "Papers and publication",
        lambda d: COMPLETED if d.publication_answered else NOT_STARTED,
    ),
    DraftTask(
        "declaration",
        "Your declaration",
        "Declaration",
        lambda d: (
            COMPLETED
            if any(
                line.kind == "drafting_officer" and line.ticked
                for line in d.declaration_lines.all()
            )
            else NOT_STARTED
        ),
    ),
]


def tasks_for(form_type, *, has_flags: bool = True) -> list[DraftTask]:
    """The tasks of a draft on this form type: its Part I sections, in its order under its
    labels, among the rest (a section the form lacks is no task); its recommendations under
    the form's own heading; the supporting report only where the form has one, and the
    escalation flags only where its body has some (`has_flags`)."""
    before = [
        task._replace(name=recommendations_heading(form_type, 2).rstrip(":"))
        if task.slug == "recommendations"
        else task
        for task in _BEFORE_PART_ONE
        if task.slug != "route" or has_flags
    ]
    after = [
        task
        for task in _AFTER_PART_ONE
        if form_type.has_supporting_report or task.group != "Supporting report"
    ]
    return [
        *before,
        *[_part_one_task(section.field, section.heading) for section in form_sections(form_type)],
        *after,
    ]


# The tasks of a form with every section (the 2021 PCD form's).
TASKS: list[DraftTask] = [
    *_BEFORE_PART_ONE,
    *[_part_one_task(section.field, section.heading) for section in PART_ONE_SECTIONS],
    *_AFTER_PART_ONE,
]


def task_groups(decision: Decision) -> list[tuple[str, list[tuple[DraftTask, str]]]]:
    """[(group, [(task, status), …]), …] in the order of the record's form."""
    groups: dict[str, list[tuple[DraftTask, str]]] = {}
    has_flags = decision.form_type.organisation.escalation_flags.exists()
    for task in tasks_for(decision.form_type, has_flags=has_flags):
        groups.setdefault(task.group, []).append((task, task.status(decision)))
    return list(groups.items())
