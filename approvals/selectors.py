"""Reads for the workflow: the scheme in force, work queues, a record's timeline."""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import holidays
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, Field, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from decisions import selectors as decision_selectors
from decisions.models import (
    DECISION_RELATIONS,
    Decision,
    ExpenditureLine,
    FormType,
    Office,
    PartTwo,
    SupportingReport,
)
from decisions.policies import can_view_part_two
from decisions.sections import KINDS_BY_FIELD

from .clearance import CLEARANCE_LINES, form_line_kinds
from .models import Action, Rule, Scheme, SignOff
from .policies import (
    DECIDING_PERMISSION,
    SIGNING_PERMISSIONS,
    STATEMENT_PERMISSION,
    group_ids,
)
from .routing import NoRuleApplies, Route, route_decision
from .workflow import waiting_for


def scheme_in_force(*, organisation_id: int, on: datetime.date) -> Scheme | None:
    """The body's scheme version in force on a date: the latest that has started and not
    ended. A record routes by its own body's scheme only."""
    return (
        Scheme.objects.filter(organisation_id=organisation_id, effective_from__lte=on)
        .exclude(effective_until__lt=on)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("rules", queryset=Rule.objects.select_related("decision_maker")),
            "organisation__escalation_flags",
        )
        .order_by("-effective_from", "-pk")
        .first()
    )


def _standing_signoffs_prefetch() -> Prefetch:
    return Prefetch(
        "signoffs", queryset=SignOff.objects.filter(voided_at__isnull=True).select_related("user")
    )


def decision_detail_for_user(*, user: User, pk: int) -> Decision:
    """A record for a workflow page: decisions.selectors.decision_detail_for_user, and the
    standing sign-offs (decision.signoffs.all()) prefetched with their signers."""
    return decision_selectors.decision_detail_for_user(
        user=user, pk=pk, also=[_standing_signoffs_prefetch()]
    )


def decision_with_parts(*, pk: int) -> Decision:
    """Every Part 1 part and the standing sign-offs, for publication. Not scoped to a user."""
    return decision_selectors.decision_with_parts(pk=pk, also=[_standing_signoffs_prefetch()])


def live_route(*, decision: Decision) -> Route | None:
    """The route a draft would take if submitted today, or None when no scheme or rule applies.

    Expects the record's expenditure lines prefetched; costs one query for the scheme.
    """
    scheme = scheme_in_force(
        organisation_id=decision.form_type.organisation_id, on=timezone.localdate()
    )
    if scheme is None:
        return None
    try:
        return route_decision(decision=decision, scheme=scheme, rules=list(scheme.rules.all()))
    except NoRuleApplies:
        return None


def _a(name: str) -> str:
    return f"an {name}" if name[:1].upper() in "AEIOU" else f"a {name}"


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def form_type_mismatch(*, decision: Decision, office: Office) -> str:
    """Why a record on its form type cannot go to this office, naming the form types of
    the same body that serve it; "" when its form type serves the office. Two queries,
    whichever the answer (the task list costs the same for every form)."""
    form_type = decision.form_type
    served = list(form_type.offices.all())
    fitting = list(
        FormType.objects.filter(organisation_id=form_type.organisation_id, offices=office)
        .select_related("organisation")
        .order_by("name")
    )
    if any(served_office.pk == office.pk for served_office in served):
        return ""
    if served:
        goes = "goes only to " + _either([f"the {o.title}" for o in served])
    else:
        goes = "goes to no office"
    if fitting:
        start = f"Start it on {_a(_either([other.name for other in fitting]))} form."
    else:
        start = (
            f"No form of {form_type.organisation.name} goes to the {office.title}: "
            "ask an administrator."
        )
    return f"This record goes to the {office.title}, but {_a(form_type.name)} form {goes}. {start}"


def form_type_following(*, decision: Decision, office: Office) -> FormType | None:
    """The form a record moves to on submission when its own does not serve the office its
    route names and says it follows the route (FormType.follows_route): the body's form
    serving that office numbered from the record's series; None when there is none."""
    form_type = decision.form_type
    if not form_type.follows_route:
        return None
    return (
        FormType.objects.filter(
            organisation_id=form_type.organisation_id, offices=office, series_id=decision.series_id
        )
        .exclude(pk=form_type.pk)
        .order_by("name", "pk")
        .first()
    )


def higher_offices(*, decision: Decision) -> list[Office]:
    """The offices a record can be referred up to: of its body, ranked above its decision
    maker, served by its form type; lowest first. One query."""
    if not decision.decision_maker_id:
        return []
    maker = decision.decision_maker
    return list(
        decision.form_type.offices.filter(
            organisation_id=maker.organisation_id, rank__gt=maker.rank
        ).order_by("rank", "title")
    )


def with_live_office(decision: Decision) -> Decision:
    """A draft as its Part 1 would read on submission today: naming the office its live
    route gives (its declaration and signature block), in memory only, never saved."""
    if decision.status == Decision.Status.DRAFT:
        route = live_route(decision=decision)
        if route is not None:
            decision.decision_maker = route.decision_maker
    return decision


def live_route_reason(*, user, decision: Decision) -> str:
    """The sentence of live_route as this user may read it, or "" when no rule applies:
    composed as a frozen route's is (route_reason_for)."""
    route = live_route(decision=decision)
    if route is None:
        return ""
    return route.reason_for(may_see_part_two=can_view_part_two(user, decision))


# Reads for the approval pages, the work queues and the history page.
# (Appended below the selectors above, which the workflow services use.)


def route_reason_for(*, user: User, decision: Decision) -> str:
    """The record's frozen route as a sentence this user may read.

    Composed from the facts frozen on submission: the total is in it unless a
    confidential amount counted in it and the user may not see Part 2. A record
    routed before the facts were kept without a total to state shows the sentence
    stored then, which never carries a confidential total. Costs a query for the
    rule and its scheme unless decision.route_rule is loaded.
    """
    route = Route.frozen_on(decision)
    if route is None:
        return decision.route_reason
    may_see_part_two = can_view_part_two(user, decision)
    if not may_see_part_two and had_confidential_amount(decision_id=decision.pk):
        route = route.told_as_confidential()
    return route.reason_for(may_see_part_two=may_see_part_two)


def had_confidential_amount(*, decision_id: int) -> bool:
    """Whether any money line of the record is, or ever was, confidential: a line made
    confidential after the route was frozen hides that route's total too (Part 2 only)."""
    return ExpenditureLine.history.filter(decision_id=decision_id, is_confidential=True).exists()


def signoff_list(*, decision: Decision) -> list[SignOff]:
    """Every sign-off of a record, standing and voided, oldest first, with its signer."""
    return list(
        SignOff.objects.filter(decision=decision).select_related("user").order_by("signed_at", "pk")
    )


# Work queues.

DUE_SOON_WORKING_DAYS = 5
OVERDUE = "Overdue"
DUE_SOON = "Due soon"


@functools.cache
def _bank_holidays(country: str, subdivision: str, year: int) -> frozenset[datetime.date]:
    # A holidays object fills itself in a year at a time as it is asked, which is not
    # safe across threads: each year is made whole, in an object of its own, and kept
    # as a frozen set.
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a bank holiday of settings.BANK_HOLIDAYS (England's)."""
    return day.weekday() < 5 and day not in _bank_holidays(*settings.BANK_HOLIDAYS, day.year)


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The date `count` working days after `day` (see is_working_day)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def due_flag(*, due: datetime.date | None, today: datetime.date) -> str:
    """ "Overdue" once the date has passed, "Due soon" within 5 working days, else ""."""
    if due is None:
        return ""
    if due < today:
        return OVERDUE
    if due <= working_days_after(today, DUE_SOON_WORKING_DAYS):
        return DUE_SOON
    return ""


@dataclass(frozen=True)
class QueueItem:
    decision: Decision
    # The report's "decision required by" date, and "Overdue", "Due soon" or "".
    due: datetime.date | None = None
    flag: str = ""
    # A draft sent back to its officer: the reason of the last return.
    returned_reason: str = ""


@dataclass(frozen=True)
class QueueGroup:
    """Records waiting for one kind of action by the user, and the page each is done on."""

    title: str
    action: str
    url_name: str
    items: list[QueueItem]
    # Clearance only: the line of the declaration, part of the page's address.
    kind: str = ""

    @property
    def count(self) -> int:
        return len(self.items)


_FLAG_ORDER = {OVERDUE: 0, DUE_SOON: 1, "": 2}


def _queue_items(decisions: Iterable[Decision], *, today: datetime.date) -> list[QueueItem]:
    items = []
    for decision in decisions:
        report = getattr(decision, "report", None)
        due = report.decision_required_by if report else None
        items.append(
            QueueItem(
                decision=decision,
                due=due,
                flag=due_flag(due=due, today=today),
                returned_reason=getattr(decision, "returned_reason", None) or "",
            )
        )
    # Overdue first, then due soon, each by date; then the rest, oldest first.
    return sorted(
        items,
        key=lambda item: (
            _FLAG_ORDER[item.flag],
            item.due or datetime.date.max,
            item.decision.submitted_at or item.decision.created_at,
            item.decision.pk,
        ),
    )


def _waiting_for(user: User, verb: str) -> QuerySet[Decision]:
    """Records at the stage where this verb is taken (workflow.TRANSITIONS) that this user
    may sign: not drafted by them, and holding no standing sign-off of theirs (one person,
    one role per record)."""
    theirs = SignOff.objects.filter(decision=OuterRef("pk"), user=user, voided_at__isnull=True)
    return (
        Decision.objects.filter(waiting_for(verb))
        .exclude(drafting_officer=user)
        .filter(~Exists(theirs))
        .select_related(*DECISION_RELATIONS, "report")
        .defer(*Decision.SEARCH_FIELDS)
    )


def awaiting_action(*, user: User, today: datetime.date) -> list[QueueGroup]:
    """What waits for this user, grouped by what they have to do, each group non-empty.

    - each clearance line the user's role confirms: records at clearance whose
      line is not confirmed, not drafted by the user, and on which the user holds
      no other standing sign-off;
    - the Chief Executive's statement: records with the Chief Executive;
    - decisions: records with the decision maker the user's permissions make them;
    - for a drafting officer, their own drafts, returned ones with the reason.

    Items are flagged "Overdue" or "Due soon" from the report's "decision
    required by" date. Costs a fixed number of queries, however many records wait.
    """
    if not user.is_authenticated:
        return []
    groups: list[QueueGroup] = []
    lines = [line for line in CLEARANCE_LINES.values() if user.has_perm(line.permission)]
    if lines:
        standing = SignOff.objects.filter(kind=SignOff.Kind.CLEARANCE, voided_at__isnull=True)
        at_clearance = list(
            _waiting_for(user, Action.Verb.CONFIRMED).prefetch_related(
                Prefetch("signoffs", queryset=standing, to_attr="clearance_signoffs"),
                "form_type__clearance_lines",
            )
        )
        for line in lines:
            # Records whose form has the line, not yet confirmed.
            waiting = [
                decision
                for decision in at_clearance
                if line.kind in form_line_kinds(decision)
                and all(s.declaration_kind != line.kind for s in decision.clearance_signoffs)
            ]
            groups.append(
                QueueGroup(
                    title=f"{line.kind.label} line to confirm",
                    action=f"Confirm the {line.kind.label} line",
                    url_name="approvals:clear",
                    kind=line.kind,
                    items=_queue_items(waiting, today=today),
                )
            )
    mine = group_ids(user)
    if user.has_perm(STATEMENT_PERMISSION) and mine:
        # One group for each office the user holds that signs a statement before another
        # decides: "Chief Executive's statement to sign".
        waiting = list(
            _waiting_for(user, Action.Verb.CHIEF_EXECUTIVE_SIGNED).filter(
                decision_maker__statement_by__group__in=mine
            )
        )
        stating = {d.decision_maker.statement_by for d in waiting}
        for office in sorted(stating, key=lambda o: o.title):
            groups.append(
                QueueGroup(
                    title=f"{office.title}'s statement to sign",
                    action=f"Sign as {office.title}",
                    url_name="approvals:chief_executive",
                    items=_queue_items(
                        [d for d in waiting if d.decision_maker.statement_by_id == office.pk],
                        today=today,
                    ),
                )
            )
    if user.has_perm(DECIDING_PERMISSION) and mine:
        deciding = _waiting_for(user, Action.Verb.APPROVED).filter(decision_maker__group__in=mine)
        groups.append(
            QueueGroup(
                title="Decisions to take",
                action="Take the decision",
                url_name="approvals:decide",
                items=_queue_items(deciding, today=today),
            )
        )
    if user.has_perm("decisions.draft_decision"):
        last_return = Action.objects.filter(
            decision=OuterRef("pk"), verb__in=[Action.Verb.RETURNED, Action.Verb.PASSED_BACK]
        ).order_by("-at", "-pk")
        drafts = (
            Decision.objects.filter(waiting_for(Action.Verb.SUBMITTED), drafting_officer=user)
            .select_related(*DECISION_RELATIONS, "report")
            .annotate(returned_reason=Subquery(last_return.values("detail")[:1]))
        )
        groups.append(
            QueueGroup(
                title="Your drafts",
                action="Continue drafting",
                url_name="approvals:task_list",
                items=_queue_items(drafts, today=today),
            )
        )
    return [group for group in groups if group.items]


# A record's history: the action log and the versions of its parts.

# Bookkeeping that changes with every save and says nothing to a reader.
# search_text is Part 1 again as plain text, written at publication: not a change to show.
_UNSHOWN_FIELDS = {"id", "created_at", "updated_at", "lock_version", "search_text"}
# The route's facts are shown as one change, its sentence (under "route_reason").
_ROUTE_FACTS = {"route_total", "route_total_confidential", "route_flags"}
SHORT_TEXT = 160


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    """One saved version of a part of a record, with what changed from the one before."""

    part: str
    verb: str
    who: str
    at: datetime.datetime
    reason: str
    changes: list[FieldChange]


def decision_timeline(*, decision: Decision) -> list[Action]:
    """Every workflow action on a record, oldest first, with its actor, in one query.

    The rule applied (`rule`) is the route's sentence as anyone may read it
    (Route.public_reason), written when the action was taken.
    """
    return list(
        Action.objects.filter(decision=decision).select_related("actor").order_by("at", "pk")
    )


def decision_versions(*, decision: Decision, include_part_two: bool) -> list[Version]:
    """The saved versions of a record, its supporting report and (if included) its Part 2,
    oldest first, each with who saved it, when, why, and the fields it changed.

    A change of route is shown as its sentence, composed from each version's facts,
    with a total that counted a confidential amount only when include_part_two.
    Costs one query a part, and one for the rules cited, however many versions there
    are. Callers pass include_part_two only for users allowed to see Part 2
    (policies.can_view_part_two).
    """
    parts = [
        ("Decision record", Decision, decision.history.all()),
        (
            "Supporting report",
            SupportingReport,
            SupportingReport.history.filter(decision_id=decision.pk),
        ),
    ]
    if include_part_two:
        parts.append(("Part 2", PartTwo, PartTwo.history.filter(decision_id=decision.pk)))
    versions: list[Version] = []
    for part, model, history in parts:
        # Only the fields the history keeps (not, say, Decision.search_vector).
        kept = {field.name for field in model.history.model._meta.concrete_fields}
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.is_relation
            and field.name in kept
            and field.name not in _UNSHOWN_FIELDS | _ROUTE_FACTS
        ]
        records = history.select_related("history_user").order_by("history_date", "history_id")
        records = list(records)
        route_reason = None
        if model is Decision:
            route_reason = _route_reasons(records, may_see_part_two=include_part_two)
        versions.extend(_part_versions(part, fields, records, route_reason=route_reason))
    return sorted(versions, key=lambda version: version.at)


def _route_reasons(records: list[Model], *, may_see_part_two: bool) -> Callable[[Model], str]:
    """For versions of a record: a function from a version to its route's sentence."""
    ids = {record.route_rule_id for record in records if record.route_rule_id}
    rules = Rule.objects.select_related("scheme").in_bulk(ids) if ids else {}
    hide_every_total = bool(ids) and not may_see_part_two
    hide_every_total = hide_every_total and had_confidential_amount(decision_id=records[0].id)

    def reason(record: Model) -> str:
        route = Route.frozen_on(record, rule=rules.get(record.route_rule_id))
        if route is None:
            return record.route_reason
        if hide_every_total:
            route = route.told_as_confidential()
        return route.reason_for(may_see_part_two=may_see_part_two)

    return reason


_VERBS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _part_versions(
    part: str,
    fields: list[Field],
    records: list[Model],
    *,
    route_reason: Callable[[Model], str] | None = None,
) -> list[Version]:
    versions = []
    previous = None
    for record in records:
        changes = []
        for field in fields:
            if route_reason is not None and field.name == "route_reason":
                # The route's facts, shown together as the sentence they make.
                old = route_reason(previous) if previous is not None else None
                new = route_reason(record)
            else:
                old = getattr(previous, field.attname) if previous is not None else None
                new = getattr(record, field.attname)
            if old == new or (previous is None and new in (None, "", False, {})):
                continue
            old_text, new_text = _shown(field, old), _shown(field, new)
            old_text, new_text = _shortened(old_text, new_text)
            changes.append(FieldChange(str(field.verbose_name).capitalize(), old_text, new_text))
        reason = record.history_change_reason or ""
        if changes or reason or record.history_type != "~":
            user = record.history_user
            versions.append(
                Version(
                    part=part,
                    verb=_VERBS.get(record.history_type, "Changed"),
                    who=(user.get_full_name() or user.username) if user else "The system",
                    at=record.history_date,
                    reason=reason,
                    changes=changes,
                )
            )
        previous = record
    return versions


def _shown(field: Field, value: Any) -> str:
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, dict):
        # The sections not applicable: "Commercial Issues: No procurement." each.
        return "; ".join(
            f"{KINDS_BY_FIELD[key].heading if key in KINDS_BY_FIELD else key}: {item}"
            for key, item in sorted(value.items())
        )
    return str(value)


def _shortened(old: str, new: str) -> tuple[str, str]:
    """Long texts cut to a readable length, from a little before where they first differ."""
    if len(old) <= SHORT_TEXT and len(new) <= SHORT_TEXT:
        return old, new
    same = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        same += 1
    start = max(0, same - 40)
    return _cut(old, start), _cut(new, start)


def _cut(text: str, start: int) -> str:
    part = text[start : start + SHORT_TEXT]
    prefix = "…" if start > 0 and text else ""
    suffix = "…" if start + SHORT_TEXT < len(text) else ""
    return f"{prefix}{part}{suffix}"


def signing_permissions() -> QuerySet[Permission]:
    """The Permission rows that let their holder sign (SIGNING_PERMISSIONS)."""
    query = Q(pk__in=[])
    for name in SIGNING_PERMISSIONS:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def signing_groups() -> QuerySet[Group]:
    """The groups that hold at least one signing permission, or hold an office."""
    return Group.objects.filter(
        Q(permissions__in=signing_permissions()) | Q(offices__isnull=False)
    ).distinct()


def group_grants_signing(group: Group) -> bool:
    """Whether the group holds a signing permission."""
    return signing_groups().filter(pk=group.pk).exists()


def account_can_sign(user: User) -> bool:
    """Whether the account is a superuser or holds a signing permission, directly or
    through a group. Asked of the stored account, active or not: has_perm() says no
    for an inactive one, which an administrator could otherwise reactivate."""
    if user.is_superuser:
        return True
    permissions = signing_permissions()
    return (
        user.user_permissions.filter(pk__in=permissions).exists()
        or user.groups.filter(Q(permissions__in=permissions) | Q(offices__isnull=False)).exists()
    )
