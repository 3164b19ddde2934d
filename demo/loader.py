"""Loading the demo data: two bodies (the policing office, whose offices its migration
installs, and the City of Northbridge Council, set up here only through data), users for
every role and office, each body's series and form types, and the demo records.

Idempotent by construction: nothing is written that is already there, so loading twice
adds no rows and no history. Records are found by their reference (series and number),
an unnumbered draft by its title and drafting officer; a record found is left alone.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.db.models import Max
from django.test.utils import override_settings

from accounts.models import User
from approvals.models import Rule, Scheme, SignOff
from approvals.publication import decision_publish
from approvals.services import (
    chief_executive_sign,
    clearance_confirm,
    decision_submit,
    decision_take,
)
from core.errors import DomainError
from core.roles import ROLE_GROUP_NAMES, Role
from decisions.canonical import decision_content_hash
from decisions.models import (
    Decision,
    DecisionStatus,
    DeclarationKind,
    DeclarationLine,
    ExpenditureLine,
    FormSection,
    FormType,
    Office,
    Organisation,
    PartTwo,
    Recommendation,
    ReferenceSeries,
    SupportingReport,
)

from . import northbridge
from .clearance import POLICING_CLEARANCE_LINES, clearance_line_rows
from .records import DEMO_RECORDS, FORM_TYPES, SERIES_NAME, SERIES_PREFIX
from .spec import RecordSpec
from .users import DEMO_PASSWORD, DEMO_USERS, USERNAME_FOR_ROLE, DemoUser

# Shown in each history row the loader writes, so that demo rows can be told apart.
CHANGE_REASON = "Demo data (load_demo)"

# The adviser who confirms each line of the Originating Officer Declaration.
CLEARING_ROLE: dict[str, Role] = {
    DeclarationKind.FINANCIAL: Role.FINANCE,
    DeclarationKind.LEGAL: Role.LEGAL,
    DeclarationKind.EQUALITIES: Role.EQUALITIES,
    DeclarationKind.COMMERCIAL: Role.COMMERCIAL,
    DeclarationKind.PRIVACY: Role.INFORMATION_RIGHTS,
    DeclarationKind.DIRECTOR: Role.DIRECTOR,
}


class DemoLoadError(Exception):
    """The demo cannot be loaded into this database (for example, migrations not applied)."""


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


Say = Callable[[str], None]


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str


@dataclass
class DemoResult:
    """What demo_load did, and how to log in as each demo user."""

    password: str
    logins: list[Login] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)
    updated_users: list[str] = field(default_factory=list)
    # Accounts with a demo username that the demo did not create: never touched.
    foreign_users: list[str] = field(default_factory=list)
    created_records: list[str] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)
    # The series moved on past the numbers in use: prefix → its new next number.
    series_moved: dict[str, int] = field(default_factory=dict)
    # What was set up of the second body (organisation, offices, series, forms, scheme).
    created_setup: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created_users
            or self.updated_users
            or self.created_records
            or self.series_moved
            or self.created_setup
        )


def demo_load(*, stdout: Writer | None = None) -> DemoResult:
    """Load the demo users, the two bodies' series and form types (and the whole set-up of
    the second body), PCD 1069 and the other demo records of both bodies.

    Everything is written in one transaction; running it again writes nothing. Progress
    lines go to `stdout` when given. Raises DemoLoadError if the role groups are missing.
    """
    result = DemoResult(password=DEMO_PASSWORD)

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(f"{line}\n")

    # The workflow services mail whoever acts next; a demo load mails nobody.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        office_groups = _load_northbridge(result=result, say=say)
        users = _load_users(office_groups=office_groups, result=result, say=say)
        series = _load_series()
        form_types = _load_form_types(series=series)
        form_types |= {
            form_type.slug: form_type
            for form_type in FormType.objects.filter(organisation__slug="northbridge")
        }
        for spec in (*DEMO_RECORDS, *northbridge.RECORDS):
            _load_record(spec=spec, form_types=form_types, users=users, result=result, say=say)
        for every in ReferenceSeries.objects.filter(
            prefix__in=[SERIES_PREFIX, *northbridge.SERIES]
        ):
            _advance_series(series=every, result=result, say=say)
    return result


def _save(obj: models.Model) -> None:
    """Validate and save one new or changed row, labelling its history row."""
    obj.full_clean()
    obj._change_reason = CHANGE_REASON
    obj.save()


def _load_users(
    *, office_groups: dict[str, Group], result: DemoResult, say: Say
) -> dict[str, User]:
    groups = {
        group.name: group for group in Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    }
    missing = sorted(set(ROLE_GROUP_NAMES.values()) - set(groups))
    if missing:
        raise DemoLoadError(
            f"The role groups {', '.join(missing)} do not exist: run `manage.py migrate` first."
        )
    groups |= office_groups
    users = {}
    for demo in DEMO_USERS:
        group = groups[demo.group_name]
        users[demo.username] = _load_user(demo=demo, group=group, result=result, say=say)
        result.logins.append(Login(demo.username, demo.full_name, demo.label))
    return users


def _load_user(*, demo: DemoUser, group: Group, result: DemoResult, say: Say) -> User:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        user = User(username=demo.username)
        _set_profile(user, demo)
        user.set_password(DEMO_PASSWORD)
        _save(user)
        user.groups.add(group)
        result.created_users.append(demo.username)
        say(f"Created user {demo.username} ({demo.full_name}, {demo.label})")
        return user
    # Someone's own account under a demo username: used by the records, never reset.
    if user.email.lower() != demo.email:
        result.foreign_users.append(demo.username)
        say(f"Left user {demo.username} alone: it is not a demo account (email {user.email!r})")
        return user
    changed = _set_profile(user, demo)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        _save(user)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        changed = True
    if changed:
        result.updated_users.append(demo.username)
        say(f"Reset user {demo.username} to the demo profile and password")
    return user


def _set_profile(user: User, demo: DemoUser) -> bool:
    """Copy the demo profile onto `user`; True if anything differed."""
    wanted = {
        "first_name": demo.first_name,
        "last_name": demo.last_name,
        "email": demo.email,
        "is_staff": demo.is_staff,
        "is_active": True,
    }
    changed = False
    for name, value in wanted.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    return changed


def _load_series() -> ReferenceSeries:
    series = ReferenceSeries.objects.select_for_update().filter(prefix=SERIES_PREFIX).first()
    if series is None:
        # Continues the published register: PCD 1069 is the last number issued before us.
        series = ReferenceSeries(prefix=SERIES_PREFIX, name=SERIES_NAME, next_number=1069)
        _save(series)
    return series


def _load_form_types(*, series: ReferenceSeries) -> dict[str, FormType]:
    # The policing office and its offices are installed by migration decisions 0013.
    organisation = Organisation.objects.filter(slug="mopac").first()
    if organisation is None:
        raise DemoLoadError("The policing office (mopac) is missing: run migrate first.")
    form_types = {}
    for name, slug, description, codes, heading_pattern in FORM_TYPES:
        form_type = FormType.objects.filter(slug=slug).first()
        if form_type is None:
            form_type = FormType(
                organisation=organisation,
                name=name,
                slug=slug,
                series=series,
                description=description,
                heading_pattern=heading_pattern,
            )
            _save(form_type)
            form_type.offices.set(organisation.offices.filter(code__in=codes))
            form_type.add_default_sections()
            form_type.add_clearance_lines(clearance_line_rows(POLICING_CLEARANCE_LINES))
        form_types[slug] = form_type
    return form_types


def _load_northbridge(*, result: DemoResult, say: Say) -> dict[str, Group]:
    """The City of Northbridge Council as an administrator (and a superuser, for its offices
    and their groups) sets it up in the admin: its wording, offices, series, form types and
    scheme. Each part is made only if missing, found by its natural key, and never changed
    once there. Returns the groups that hold its offices, by name."""
    spec = northbridge.ORGANISATION
    organisation = Organisation.objects.filter(slug=spec["slug"]).first()
    if organisation is None:
        organisation = Organisation(**spec)
        _save(organisation)
        result.created_setup.append(organisation.name)
        say(f"Created the body {organisation.name}")

    permissions = {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type__app_label="decisions",
            codename__in=[*northbridge.OFFICE_PERMISSIONS, northbridge.STATEMENT_PERMISSION],
        )
    }
    if len(permissions) != len(northbridge.OFFICE_PERMISSIONS) + 1:
        raise DemoLoadError("The decision permissions are missing: run `manage.py migrate` first.")
    groups: dict[str, Group] = {}
    offices: dict[str, Office] = {}
    for code, fields in northbridge.OFFICES.items():
        group = Group.objects.filter(name=fields["group"]).first()
        if group is None:
            group = Group.objects.create(name=fields["group"])
            result.created_setup.append(group.name)
        codenames = list(northbridge.OFFICE_PERMISSIONS)
        if any(other.get("statement_by") == code for other in northbridge.OFFICES.values()):
            codenames.append(northbridge.STATEMENT_PERMISSION)
        wanted = {permissions[codename] for codename in codenames}
        if not wanted <= set(group.permissions.all()):
            group.permissions.add(*wanted)
        groups[group.name] = group

        office = Office.objects.filter(organisation=organisation, code=code).first()
        if office is None:
            statement_by = fields.get("statement_by")
            office = Office(
                organisation=organisation,
                code=code,
                group=group,
                statement_by=offices[statement_by] if statement_by else None,
                **{
                    name: value
                    for name, value in fields.items()
                    if name not in {"group", "statement_by"}
                },
            )
            _save(office)
            result.created_setup.append(office.title)
            say(f"Created the office {office.title} ({organisation.short_name})")
        offices[code] = office

    series = {}
    for prefix, name in northbridge.SERIES.items():
        found = ReferenceSeries.objects.select_for_update().filter(prefix=prefix).first()
        if found is None:
            found = ReferenceSeries(
                prefix=prefix, name=name, next_number=northbridge.FIRST_NUMBERS[prefix]
            )
            _save(found)
            result.created_setup.append(f"series {prefix}")
        series[prefix] = found

    for name, slug, prefix, code, description in northbridge.FORM_TYPES:
        if not FormType.objects.filter(slug=slug).exists():
            setup = northbridge.FORM_SETUP[slug]
            form_type = FormType(
                organisation=organisation,
                name=name,
                slug=slug,
                series=series[prefix],
                description=description,
                **{k: v for k, v in setup.items() if k not in ("sections", "lines")},
            )
            _save(form_type)
            form_type.offices.set([offices[code]])
            for position, (kind, label, may_not_apply) in enumerate(setup["sections"], start=1):
                _save(
                    FormSection(
                        form_type=form_type,
                        position=position,
                        kind=kind,
                        label=label,
                        may_be_not_applicable=may_not_apply,
                    )
                )
            form_type.add_clearance_lines(
                clearance_line_rows(
                    {kind: northbridge.CLEARANCE_LINES[kind] for kind in setup["lines"]}
                )
            )
            result.created_setup.append(name)
            say(f"Created the form type {name} ({prefix})")

    scheme_spec = northbridge.SCHEME
    if not Scheme.objects.filter(
        organisation=organisation, name=scheme_spec["name"], version=scheme_spec["version"]
    ).exists():
        scheme = Scheme(organisation=organisation, **scheme_spec)
        _save(scheme)
        for priority, paragraph, code, condition, threshold, description in northbridge.RULES:
            _save(
                Rule(
                    scheme=scheme,
                    priority=priority,
                    paragraph=paragraph,
                    decision_maker=offices[code],
                    condition=condition,
                    threshold=threshold,
                    description=description,
                )
            )
        result.created_setup.append(str(scheme))
        say(f"Created the {scheme}, with {len(northbridge.RULES)} rules")
    return groups


def _advance_series(*, series: ReferenceSeries, result: DemoResult, say: Say) -> None:
    """Move the series past the highest number in use, if it is not already."""
    highest = Decision.objects.filter(series=series).aggregate(highest=Max("number"))["highest"]
    # Never backwards: numbers already issued are not issued again.
    wanted = max(series.next_number, (highest or 0) + 1)
    if wanted != series.next_number:
        series.next_number = wanted
        _save(series)
        say(f"Series {series.prefix} continues at {wanted}")
        result.series_moved[series.prefix] = wanted


def _find_record(*, spec: RecordSpec, series: ReferenceSeries, officer: User) -> Decision | None:
    if spec.number is not None:
        return Decision.objects.filter(series=series, number=spec.number).first()
    return Decision.objects.filter(
        title=spec.title, drafting_officer=officer, number__isnull=True
    ).first()


def _load_record(
    *,
    spec: RecordSpec,
    form_types: dict[str, FormType],
    users: dict[str, User],
    result: DemoResult,
    say: Say,
) -> None:
    form_type = form_types[spec.form_type]
    # Each record is numbered from its own form type's series, read afresh (locked) since
    # the records before it may have moved it on.
    series = ReferenceSeries.objects.select_for_update().get(pk=form_type.series_id)
    label = f"{series.prefix} {spec.number}" if spec.number else "draft"
    officer = users[spec.drafted_by]
    existing = _find_record(spec=spec, series=series, officer=officer)
    if existing is not None:
        why = "already there" if existing.title == spec.title else f"taken by {existing.title!r}"
        result.skipped_records.append(f"{label} {spec.title}")
        say(f"Skipped {label} {spec.title!r}: {why}")
        return

    submitted = spec.status != DecisionStatus.DRAFT
    if submitted and series.next_number != spec.number:
        if series.next_number > spec.number:
            result.skipped_records.append(f"{label} {spec.title}")
            say(f"Skipped {label} {spec.title!r}: the series has already issued that number")
            return
        series.next_number = spec.number
        _save(series)
    decision = Decision(
        form_type=form_type,
        series=series,
        title=spec.title,
        status=DecisionStatus.DRAFT,
        drafting_officer=officer,
        # Nothing is submitted before the drafter has answered the publication questions.
        publication_answered=submitted,
        **spec.fields,
    )
    _save(decision)
    _add_parts(decision=decision, spec=spec)
    if submitted:
        _walk_workflow(decision=decision, spec=spec, users=users)
    if spec.started_at is not None:
        # created_at is set on insert; an update() dates it without another history row.
        Decision.objects.filter(pk=decision.pk).update(created_at=spec.started_at)
    result.created_records.append(f"{label} {spec.title}")
    say(f"Created {label} {spec.title!r} ({decision.get_status_display()})")


def _add_parts(*, decision: Decision, spec: RecordSpec) -> None:
    for position, text in enumerate(spec.recommendations, start=1):
        _save(Recommendation(decision=decision, position=position, text=text))
    for position, money in enumerate(spec.expenditure, start=1):
        _save(
            ExpenditureLine(
                decision=decision,
                position=position,
                kind=money.kind,
                financial_year=money.financial_year,
                amount=money.amount,
                funding_source=money.funding_source,
                is_confidential=money.is_confidential,
            )
        )
    if spec.report is not None:
        _save(SupportingReport(decision=decision, **spec.report))
    if spec.part_two is not None:
        _save(PartTwo(decision=decision, **spec.part_two))
    for line in spec.declaration:
        if line.kind == DeclarationKind.DRAFTING_OFFICER or spec.status == DecisionStatus.DRAFT:
            _save(
                DeclarationLine(
                    decision=decision, kind=line.kind, statement=line.statement, ticked=line.ticked
                )
            )


def _walk_workflow(*, decision: Decision, spec: RecordSpec, users: dict[str, User]) -> None:
    """Submit the record and have each demo user sign it, through the workflow services,
    at the dates the record gives: route, number, cycle, sign-offs and action log are then
    what the application itself makes.
    """
    cleared = sorted(
        (line for line in spec.declaration if line.cleared_at is not None),
        key=lambda line: line.cleared_at,
    )
    if spec.submitted_at is not None:
        submitted_at = spec.submitted_at
    else:
        first_step = cleared[0].cleared_at if cleared else spec.signatures[0].signed_at
        submitted_at = first_step - timedelta(days=1)
    officer = users[spec.drafted_by]

    def act(service, user: User, **kwargs) -> None:
        decision.refresh_from_db()
        # A clearance line is signed on the content read; every other step on the version.
        if service is clearance_confirm:
            kwargs["content_hash"] = decision_content_hash(decision=decision)
        else:
            kwargs["lock_version"] = decision.lock_version
        try:
            service(decision_id=decision.pk, user=user, **kwargs)
        except DomainError as error:
            raise DemoLoadError(f"{spec.title}: {user.username} could not act: {error}") from error

    act(decision_submit, officer, now=submitted_at)
    for line in cleared:
        act(
            clearance_confirm,
            users[USERNAME_FOR_ROLE[CLEARING_ROLE[line.kind]]],
            kind=line.kind,
            statement=line.statement,
            password=DEMO_PASSWORD,
            now=line.cleared_at,
        )
    for signature in spec.signatures:
        signer = users[signature.username or USERNAME_FOR_ROLE[signature.role]]
        if signature.kind == SignOff.Kind.CHIEF_EXECUTIVE:
            act(chief_executive_sign, signer, password=DEMO_PASSWORD, now=signature.signed_at)
        else:
            act(
                decision_take,
                signer,
                password=DEMO_PASSWORD,
                now=signature.signed_at,
                approve=signature.outcome == SignOff.Outcome.APPROVED,
                interests=signature.interests,
            )
    if spec.status == DecisionStatus.PUBLISHED:
        # Published the day after approval, as the application does it.
        decided = next(s for s in spec.signatures if s.kind == SignOff.Kind.DECISION)
        decision_publish(decision_id=decision.pk, now=decided.signed_at + timedelta(days=1))
    decision.refresh_from_db()
    if decision.status != spec.status:
        raise DemoLoadError(
            f"{spec.title} ended at {decision.status!r}, not {spec.status!r}: check its data"
        )
