"""The decision record and every part of it (see ../shared/DESIGN.md, "Anatomy of a record")."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from simple_history.models import HistoricalRecords

from . import wording
from .sections import DEFAULT_HEADING_PATTERN, PART_ONE_SECTIONS, SECTION_KIND_CHOICES
from .validators import (
    validate_financial_year,
    validate_heading_pattern,
    validate_series_prefix,
)


class ReferenceSeries(models.Model):
    """A run of reference numbers, such as PCD 1, PCD 2 … Numbers are never reused."""

    prefix = models.CharField(max_length=10, unique=True, validators=[validate_series_prefix])
    name = models.CharField(max_length=200)
    next_number = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="The number the next submitted record receives.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["prefix"]
        verbose_name_plural = "reference series"
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="series_next_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} – {self.name}"

    def clean(self) -> None:
        # Numbers are never reused: the next one stays above every number given.
        if self.pk:
            highest = self.decisions.aggregate(models.Max("number"))["number__max"] or 0
            if self.next_number <= highest:
                raise ValidationError(
                    {"next_number": f"The next number must be more than {highest}, the last given"}
                )


class Organisation(models.Model):
    """A body that takes formal decisions, and the fixed wording its forms and PDFs use.

    Everything on a record that names its body comes from here (through its form type).
    """

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=50, help_text="As forms print it, for example the initials of the body"
    )
    slug = models.SlugField(max_length=50, unique=True)
    website = models.URLField(blank=True)
    public_access_paragraph = models.TextField(
        "Public access paragraph",
        default=(
            "Information in this form (Part 1) is subject to the Freedom of Information Act "
            "2000 (FOIA) and will be made available on the {short_name} website following "
            "approval."
        ),
        help_text='Printed under "Public access to information". {short_name} is replaced '
        "by the body's short name.",
    )
    legal_team_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="As advice names it, for example the council's legal team",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_access_text(self) -> str:
        return self.public_access_paragraph.replace("{short_name}", self.short_name)


class Office(models.Model):
    """An office that takes decisions for a body, such as the Deputy Mayor for Policing and
    Crime: who holds it (the members of its group), how it signs, and whether another
    office signs a statement before it decides (the Chief Executive before the DMPC)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offices")
    code = models.SlugField(
        max_length=20,
        help_text="Short and stable: it is the register's filter value, for example dmpc",
    )
    title = models.CharField(max_length=200, help_text="Deputy Mayor for Policing and Crime")
    short_title = models.CharField(max_length=50, help_text="As headings print it: DMPC")
    group = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="offices",
        help_text="Its members hold the office. They sign only while their group also holds "
        "the permission to take decisions, which only a superuser grants.",
    )
    rank = models.PositiveSmallIntegerField(
        default=1,
        help_text="A higher rank is a higher office: a record can be referred up to one.",
    )
    statement_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="precedes",
        help_text="An office that signs a statement before this one decides.",
    )
    statement_heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="The heading of its statement on the form (Chief Executive Officer); "
        "blank: its title.",
    )
    statement_wording = models.TextField(
        blank=True,
        default=wording.CHIEF_EXECUTIVE_STATEMENT,
        help_text="What this office signs when it precedes another; {decision_maker} is "
        "replaced by that office's title.",
    )
    declaration = models.TextField(
        default=wording.DECISION_MAKER_DECLARATION,
        help_text="Printed above the decision and signed with it.",
    )
    approval_statement = models.CharField(max_length=255, default=wording.APPROVAL_STATEMENT)
    refusal_statement = models.CharField(max_length=255, default=wording.REFUSAL_STATEMENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-rank", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="office_code_once_per_body",
                violation_error_message="The body already has an office with this code",
            ),
            models.CheckConstraint(
                condition=~Q(statement_by=F("pk")),
                name="office_statement_not_itself",
                violation_error_message="An office cannot sign a statement before itself",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.statement_by_id is not None:
            if self.pk is not None and self.statement_by_id == self.pk:
                raise ValidationError(
                    {"statement_by": "An office cannot sign a statement before itself"}
                )
            if (
                self.organisation_id is not None
                and self.statement_by.organisation_id != self.organisation_id
            ):
                raise ValidationError({"statement_by": "Choose an office of the same body"})
            # Never round in a circle: A's statement by B, B's by A.
            seen, office = {self.pk}, self.statement_by
            while office is not None:
                if office.pk in seen:
                    raise ValidationError(
                        {
                            "statement_by": f"{office.title} already signs, directly or "
                            "through others, after this office: the statements would go "
                            "round in a circle"
                        }
                    )
                seen.add(office.pk)
                office = office.statement_by

    @property
    def statement_heading_text(self) -> str:
        return self.statement_heading or self.title

    def statement_for(self, decision_maker: "Office") -> str:
        """The statement this office signs before `decision_maker` decides."""
        return self.statement_wording.replace("{decision_maker}", decision_maker.title)


class NumberingStyle(models.TextChoices):
    ARABIC = "1", "1, 2, 3"
    LOWER_ROMAN = "i", "i, ii, iii"
    LOWER_ALPHA = "a", "a, b, c"


class FormType(models.Model):
    """A kind of decision form of one body, such as "DMPC Decision", numbered from one series."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="form_types"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    series = models.ForeignKey(ReferenceSeries, on_delete=models.PROTECT, related_name="form_types")
    description = models.TextField(blank=True)
    offices = models.ManyToManyField(
        Office,
        related_name="form_types",
        blank=True,
        help_text="The offices a record on this form can go to. A record the scheme routes "
        "to another office must be drafted on a form that serves it.",
    )
    follows_route = models.BooleanField(
        default=False,
        help_text="When the scheme routes a record on this form to an office it does not "
        "serve, submission moves the record to this body's form that serves that office and "
        "numbers from the same series. Otherwise submission is refused.",
    )
    heading_pattern = models.CharField(
        max_length=200,
        default=DEFAULT_HEADING_PATTERN,
        validators=[validate_heading_pattern],
        help_text="The heading of the form, with {reference}, {form}, {office} or "
        "{office_short} where they go; for example Mayoral Decision {reference}.",
    )
    recommendations_heading = models.CharField(
        max_length=100,
        default="Recommendation",
        help_text="Printed above the recommendations, for example Recommendation or Decision.",
    )
    pluralise_heading = models.BooleanField(
        "Add an s to the heading when there is more than one",
        default=True,
        help_text="Recommendation becomes Recommendations.",
    )
    numbering_style = models.CharField(
        "Numbering of the recommendations",
        max_length=1,
        choices=NumberingStyle.choices,
        default=NumberingStyle.ARABIC,
    )
    has_supporting_report = models.BooleanField(
        "The form has a supporting report",
        default=True,
        help_text="A report (its details, summary and facts and advice) drafted with the "
        "decision and published after it, as the 2021 PCD form has.",
    )
    recommendations_lead_in = models.CharField(
        "Line before the recommendations",
        max_length=255,
        blank=True,
        help_text="For example: The Mayor is recommended to:",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="form_type_name_once_per_body",
                violation_error_message="The body already has a form type with this name",
            ),
            models.CheckConstraint(
                condition=Q(numbering_style__in=["1", "i", "a"]),
                name="form_type_numbering_style_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def add_clearance_lines(self, rows: list[dict]) -> None:
        """Give a form type without clearance lines these (FormClearanceLine fields)."""
        if not self.clearance_lines.exists():
            FormClearanceLine.objects.bulk_create(
                FormClearanceLine(form_type=self, **row) for row in rows
            )

    def add_default_sections(self) -> None:
        """Give a form type without sections those of the 2021 PCD form."""
        if not self.sections.exists():
            FormSection.objects.bulk_create(
                FormSection(form_type=self, position=position, kind=section.field)
                for position, section in enumerate(PART_ONE_SECTIONS, start=1)
            )


class FormSection(models.Model):
    """A Part I section of a form type: which kind (decisions.sections), where, and under
    which label. Its records are numbered 1, 2 … over the sections their form has."""

    form_type = models.ForeignKey(FormType, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=40, choices=SECTION_KIND_CHOICES)
    label = models.CharField(
        max_length=200, blank=True, help_text="The printed heading; blank for the usual one."
    )
    help_text = models.TextField(
        blank=True, help_text="What drafters read under the heading; blank for the usual."
    )
    may_be_not_applicable = models.BooleanField(
        "May be marked not applicable",
        default=False,
        help_text="A record may then say, with a short reason, that the section does not "
        "apply to it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["form_type", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_type", "kind"],
                name="form_section_kind_once",
                violation_error_message="A form has each kind of section once",
            ),
            models.UniqueConstraint(
                fields=["form_type", "position"],
                name="form_section_position_once",
                violation_error_message="Two sections cannot have the same position",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[field for field, _ in SECTION_KIND_CHOICES]),
                name="form_section_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label or self.get_kind_display()}"


class RecordFlag(models.TextChoices):
    """The flags a record can carry for the scheme of delegation to route on (its fields of
    the same names). What each says, to the drafter and in a route's reason, is data of
    each body: EscalationFlag."""

    RESERVED_TO_MAYOR = "reserved_to_mayor", "Reserved to the Mayor"
    SIGNIFICANT_PUBLIC_INTEREST = (
        "significant_public_interest",
        "Of significant public interest, contentious or novel",
    )


class EscalationFlag(models.Model):
    """A body's wording of a flag that escalates a record whatever its value: what the
    drafter ticks, what the route's reason says, and whether the drafter must say why."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="escalation_flags"
    )
    code = models.CharField(max_length=40, choices=RecordFlag.choices)
    label = models.CharField(
        max_length=255,
        help_text="What the drafter ticks: The matter is of significant public interest, "
        "contentious or novel",
    )
    reason = models.CharField(
        max_length=255,
        help_text="In the route's reason, after the office: the matter is of significant "
        "public interest, contentious or novel",
    )
    help_text = models.CharField(max_length=255, blank=True)
    requires_justification = models.BooleanField(
        default=False,
        help_text="The drafter must say why the flag is set; the route's reason and the "
        "published record show it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="escalation_flag_once_per_body",
                violation_error_message="The body already has wording for this flag",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CLEARANCE = "clearance", "Clearance"
    CHIEF_EXECUTIVE = "chief_executive", "With the Chief Executive"
    DECISION_MAKER = "decision_maker", "With the decision maker"
    APPROVED = "approved", "Approved"
    NOT_APPROVED = "not_approved", "Not approved"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PublicationState(models.TextChoices):
    PENDING = "pending", "Publication pending"
    IN_PROGRESS = "in_progress", "Publication in progress"
    FAILED = "failed", "Publication failed"
    PUBLISHED = "published", "Published"


class Decision(models.Model):
    """One decision record: the decision form and everything attached to it."""

    Status = DecisionStatus
    PublicationState = PublicationState

    form_type = models.ForeignKey(FormType, on_delete=models.PROTECT, related_name="decisions")
    # The series is fixed when the record starts, so that its number, given on
    # submission, is unique within that series whatever happens to the form type.
    series = models.ForeignKey(ReferenceSeries, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=255)
    executive_summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafting_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_decisions"
    )
    decision_maker = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The office that takes the decision, as the scheme of delegation routes it.",
    )
    # Flags the scheme of delegation routes on, whatever the value.
    reserved_to_mayor = models.BooleanField(
        "Reserved to the Mayor",
        default=False,
        help_text="Issuing the police and crime plan; appointing or removing the most senior officers.",
    )
    significant_public_interest = models.BooleanField(
        "Of significant public interest, contentious or novel", default=False
    )
    # Why each flag set is set, by its code (RecordFlag): required where the body's
    # EscalationFlag says so, and put in the route's reason.
    flag_justifications = models.JSONField("Why the flags are set", default=dict, blank=True)
    # The route as frozen on submission, as facts: which rule of which scheme version,
    # on what total, and the flags that were set. approvals.routing.Route composes the
    # sentence from them for each reader (with the total only for those who may see it).
    route_rule = models.ForeignKey(
        "approvals.Rule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    route_total_confidential = models.BooleanField(
        "A confidential amount counted in the route's total", default=False
    )
    route_flags = models.JSONField("Flags set when routed", default=list, blank=True)
    # The sentence as anyone may read it (never a confidential total), written with the
    # facts: the action log copies it. Pages compose their own from the facts.
    route_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    # Publication of Part 1 (approvals.publication). The PDF is rendered once,
    # stored, and never changes; its SHA-256 is kept beside it.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_pdf = models.FileField(upload_to="published/", max_length=200, blank=True)
    published_pdf_sha256 = models.CharField(max_length=64, blank=True)
    publication_error = models.TextField(blank=True)
    publication_attempted_at = models.DateTimeField(null=True, blank=True)
    # Where publication stands, committed with the approval (pending) so that it is
    # never lost: in progress from publication_started_at (a claim older than the
    # render time limit is a stopped process), failed after publication_tries
    # failures (publication_error says why), or published.
    publication_state = models.CharField(
        max_length=20, choices=PublicationState.choices, blank=True, default=""
    )
    publication_started_at = models.DateTimeField(null=True, blank=True)
    publication_tries = models.PositiveSmallIntegerField(default=0)
    deferral_reminded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    # The published Part 1 as plain text, for the register's full-text search.
    # Written at publication from Part 1 only.
    search_text = models.TextField(blank=True, editable=False)
    # On PostgreSQL, search_text as a tsvector (English), kept by a database trigger
    # whenever search_text is written and indexed with GIN (migration 0007); the
    # register searches this. Elsewhere it stays empty and unused.
    search_vector = SearchVectorField(null=True, editable=False)
    # The two are large and only the register's search reads them: pages defer them
    # (together, so that no save writes one without the other).
    SEARCH_FIELDS = ("search_text", "search_vector")

    # Part I – non-confidential facts and advice, each a run of paragraphs
    # separated by a blank line, published numbered 1.1, 1.2 …
    introduction = models.TextField("Introduction and background", blank=True)
    issues_for_consideration = models.TextField("Issues for consideration", blank=True)
    financial_comments = models.TextField("Financial comments", blank=True)
    legal_comments = models.TextField("Legal comments", blank=True)
    commercial_issues = models.TextField("Commercial issues", blank=True)
    gdpr_privacy = models.TextField("GDPR and data privacy", blank=True)
    equality_comments = models.TextField("Equality comments", blank=True)
    supporting_papers = models.TextField("Background/supporting papers", blank=True)
    # The sections of the record's form that may be marked not applicable and are, each
    # with the reason published in its place: {"commercial_issues": "No procurement."}.
    sections_not_applicable = models.JSONField("Sections not applicable", default=dict, blank=True)

    # Public access to information.
    part1_deferred = models.BooleanField("Publication of Part 1 deferred", default=False)
    deferral_reason = models.TextField("Reason for deferral", blank=True)
    deferred_until = models.DateField("Deferred until", null=True, blank=True)
    has_part_two = models.BooleanField("There is a Part 2", default=False)
    # The two questions above have defaults; this says the drafter has answered them.
    publication_answered = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every save through the services: a form carries the version it
    # was loaded from, and a save from an older version is refused.
    lock_version = models.PositiveIntegerField(default=1)

    # search_vector is derived from search_text, which the history keeps.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"], name="decision_unique_reference_in_series"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="decision_number_positive",
            ),
            # On the register means numbered, published and stored with its hash.
            models.CheckConstraint(
                condition=~Q(status__in=["published", "withdrawn"])
                | (
                    Q(number__isnull=False, published_at__isnull=False)
                    & ~Q(published_pdf="")
                    & ~Q(published_pdf_sha256="")
                ),
                name="decision_published_has_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="decision_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(part1_deferred=False) | Q(deferred_until__isnull=False),
                name="decision_deferral_has_date",
                violation_error_message="Enter the date until which publication is deferred",
            ),
        ]
        permissions = [
            ("draft_decision", "Can start and draft decision records"),
            ("edit_any_draft", "Can edit any draft (administrators)"),
            ("clear_financial", "Can confirm the financial advice line"),
            ("clear_legal", "Can confirm the legal advice line"),
            ("clear_equalities", "Can confirm the equalities advice line"),
            ("clear_commercial", "Can confirm the commercial issues line"),
            ("clear_privacy", "Can confirm the GDPR and data privacy line"),
            ("clear_director", "Can confirm the Director / Head of Service line"),
            (
                "sign_chief_executive",
                "Can sign the statement before a decision, for an office their group holds",
            ),
            ("take_decisions", "Can take decisions, for an office their group holds"),
            ("withdraw_decision", "Can withdraw a published decision"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.number else self.title

    @property
    def reference(self) -> str:
        """ "PCD 1069", or "" before the record is numbered on submission."""
        return f"{self.series.prefix} {self.number}" if self.number else ""

    @property
    def slug(self) -> str:
        """The public address part: "pcd-1069"."""
        return f"{self.series.prefix.lower()}-{self.number}" if self.number else ""

    @property
    def organisation(self) -> Organisation:
        return self.form_type.organisation

    @property
    def decision_maker_title(self) -> str:
        """The office's title, or "" before the record is routed."""
        return self.decision_maker.title if self.decision_maker_id else ""

    @property
    def decision_maker_short(self) -> str:
        return self.decision_maker.short_title if self.decision_maker_id else "decision maker"


# What a page of a record loads with it: its series, form type and body, drafting officer,
# and its office with the office that signs a statement before it.
PUBLIC_RELATIONS = ("series", "form_type__organisation", "decision_maker__statement_by")
DECISION_RELATIONS = (*PUBLIC_RELATIONS, "drafting_officer")


class Recommendation(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ExpenditureLine(models.Model):
    """One line of money: capital or revenue, in one financial year, in exact pounds and pence."""

    class Kind(models.TextChoices):
        CAPITAL = "capital", "Capital"
        REVENUE = "revenue", "Revenue"

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="expenditure_lines"
    )
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    financial_year = models.CharField(
        max_length=7, validators=[validate_financial_year], help_text="For example 2021/22"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    funding_source = models.CharField(max_length=255, blank=True)
    is_confidential = models.BooleanField(
        "Amount is confidential",
        default=False,
        help_text="Stated only in Part 2; it still counts towards the route.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="expenditure_amount_not_negative",
                violation_error_message="The amount cannot be negative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["capital", "revenue"]), name="expenditure_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.financial_year} £{self.amount:,}"


class SupportingReport(models.Model):
    """The report that went with the decision form (for example to an advisory meeting)."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="report")
    organisation = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=255, blank=True)
    meeting = models.CharField("Meeting it went to", max_length=255, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    report_by = models.CharField("Report by", max_length=200, blank=True)
    on_behalf_of = models.CharField("On behalf of", max_length=200, blank=True)
    protective_marking = models.CharField(
        "Protective marking of Part 1", max_length=100, default="OFFICIAL – PUBLIC"
    )
    executive_summary = models.TextField(blank=True)
    recommendations_intro = models.TextField("Recommendations: introduction", blank=True)
    recommendations = models.TextField(blank=True)
    decision_required_by = models.DateField(null=True, blank=True)
    time_sensitivity = models.TextField(blank=True)
    introduction = models.TextField("Introduction and background", blank=True)
    issues_for_consideration = models.TextField(blank=True)
    police_crime_plan_name = models.CharField(
        "Name of the police and crime plan",
        max_length=200,
        blank=True,
        help_text="As the heading prints it, for example Police and Crime Plan 2021-2025",
    )
    police_crime_plan = models.TextField("Contributes to the Police and Crime Plan", blank=True)
    financial_comments = models.TextField(
        "Financial, commercial and procurement comments", blank=True
    )
    legal_comments = models.TextField(blank=True)
    equality_comments = models.TextField(blank=True)
    privacy_comments = models.TextField(blank=True)
    real_estate = models.TextField("Real estate implications", blank=True)
    environmental = models.TextField("Environmental implications", blank=True)
    background_papers = models.TextField("Background/supporting papers", blank=True)
    report_author = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Report: {self.title}"


class PartTwo(models.Model):
    """The confidential Part 2: exempt facts and advice. Never published.

    Seeing it takes the permission decisions.view_parttwo (or drafting the record).
    """

    class Exemption(models.TextChoices):
        COMMERCIAL = "commercial", "Commercially sensitive"
        PERSONAL_DATA = "personal_data", "Personal data"
        LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        # The ground the policing office's records cite (stored in 20 characters).
        SPECIFIED_INFORMATION = (
            "specified_info_order",
            "Paragraph 2(2) of the Elected Local Policing Bodies (Specified Information) "
            "Order 2011",
        )
        OTHER = "other", "Other"

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="part_two")
    content = models.TextField("Exempt facts and advice")
    exemption = models.CharField(max_length=20, choices=Exemption.choices, blank=True)
    rationale = models.TextField("Legal rationale for not publishing")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Part 2"
        verbose_name_plural = "Part 2 forms"

    def __str__(self) -> str:
        return f"Part 2 of decision {self.decision_id}"


def background_paper_path(instance: "BackgroundPaper", filename: str) -> str:
    # Never the uploader's name on disk: a random name keeps only a known extension.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in BackgroundPaper.ALLOWED_EXTENSIONS:
        suffix = ""
    return f"papers/{uuid.uuid4().hex}{suffix}"


class BackgroundPaper(models.Model):
    ALLOWED_EXTENSIONS = (".pdf", ".docx", ".odt", ".xlsx")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=255)
    file = models.FileField(upload_to=background_paper_path, max_length=200)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Served on the public register with the record when true. Set on upload from the
    # record's public access answers (paper_publish_default) and signed with the record.
    publish = models.BooleanField("Publish with the decision", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class RelatedDecision(models.Model):
    """A typed link from a record to an earlier one: "Amends PCD 134".

    The target is chosen by its reference and must name a record (the service refuses
    one that does not); the reference is kept beside the link as typed, in its standard
    form, so that the link reads the same whatever happens to the target.
    """

    class Relation(models.TextChoices):
        AMENDS = "amends", "Amends"
        SUPERSEDES = "supersedes", "Supersedes"
        REVOKES = "revokes", "Revokes"
        RELATES_TO = "relates_to", "Relates to"

    # How the earlier record reads the link: "Amended by PCD 740".
    INVERSE = {
        "amends": "Amended by",
        "supersedes": "Superseded by",
        "revokes": "Revoked by",
        "relates_to": "Related to",
    }

    from_decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="related_links"
    )
    position = models.PositiveSmallIntegerField(default=1)
    relation = models.CharField(max_length=20, choices=Relation.choices)
    # Null only for a target not (yet) held as a record, such as one of the historic
    # register's; drafting always links to a record.
    to_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_from",
    )
    to_reference = models.CharField(max_length=30)
    history = HistoricalRecords()

    class Meta:
        ordering = ["from_decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_decision", "to_reference"],
                name="related_decision_once_per_target",
                violation_error_message="This record is already linked to that one",
            ),
            models.CheckConstraint(
                condition=~Q(from_decision=F("to_decision")),
                name="related_decision_not_itself",
                violation_error_message="A record cannot be linked to itself",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=["amends", "supersedes", "revokes", "relates_to"]),
                name="related_decision_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.to_reference}"

    @property
    def inverse_display(self) -> str:
        return self.INVERSE.get(self.relation, "Related to")


class DeclarationKind(models.TextChoices):
    FINANCIAL = "financial", "Financial Advice"
    LEGAL = "legal", "Legal Advice"
    EQUALITIES = "equalities", "Equalities Advice"
    COMMERCIAL = "commercial", "Commercial Issues"
    PRIVACY = "privacy", "GDPR/Data Privacy"
    DRAFTING_OFFICER = "drafting_officer", "Drafting Officer"
    DIRECTOR = "director", "Director/Head of Service"


class DeclarationLine(models.Model):
    """One line of the Originating Officer Declaration, ticked when confirmed."""

    Kind = DeclarationKind

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="declaration_lines"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    statement = models.TextField(help_text="One statement a line.")
    ticked = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        # The order of the paper form, which is the order of Kind.
        ordering = [
            "decision",
            Case(
                *[When(kind=kind, then=Value(i)) for i, kind in enumerate(DeclarationKind.values)],
                output_field=models.IntegerField(),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="declaration_line_once"),
            models.CheckConstraint(
                condition=Q(kind__in=DeclarationKind.values),
                name="declaration_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'✓' if self.ticked else '–'}"


class FormClearanceLine(models.Model):
    """A line of a form type's Originating Officer Declaration that an adviser confirms
    (the kind says which adviser: approvals.clearance), and the statements, in the body's
    own words, they choose the true one from. A form without a line is never asked it."""

    form_type = models.ForeignKey(
        FormType, on_delete=models.CASCADE, related_name="clearance_lines"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=DeclarationKind.choices)
    statements = models.TextField(
        help_text="The statements the adviser chooses from, separated by a blank line; one "
        "statement may run over several lines."
    )
    not_applicable_statement = models.CharField(
        "Not applicable wording",
        max_length=255,
        blank=True,
        help_text="Offered as well, for a record to which the line does not apply: for "
        "example There are no commercial issues.",
    )
    history = HistoricalRecords()

    # The lines an adviser confirms: every kind but the drafting officer's own.
    ADVISER_KINDS = [k for k in DeclarationKind.values if k != DeclarationKind.DRAFTING_OFFICER]

    class Meta:
        ordering = ["form_type", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_type", "kind"],
                name="form_clearance_line_once",
                violation_error_message="A form has each line of the declaration once",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "financial",
                        "legal",
                        "equalities",
                        "commercial",
                        "privacy",
                        "director",
                    ]
                ),
                name="form_clearance_line_kind_valid",
                violation_error_message="The drafting officer's own line is not confirmed by an "
                "adviser",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def options(self) -> tuple[str, ...]:
        """The statements offered, in order: each of `statements`, then the not
        applicable wording if there is one."""
        found = [
            "\n".join(line.strip() for line in block.strip().splitlines())
            for block in self.statements.replace("\r\n", "\n").split("\n\n")
            if block.strip()
        ]
        if self.not_applicable_statement.strip():
            found.append(self.not_applicable_statement.strip())
        return tuple(found)

    def clean(self) -> None:
        if not self.options:
            raise ValidationError({"statements": "Give at least one statement"})
