"""The scheme of delegation, approval cycles, sign-offs and the action log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from core.roles import Role
from decisions.models import DeclarationKind

# The role an action or sign-off was taken in: a role of core.roles, or "decision maker"
# for an office whose group is none of them (offices are data: decisions.models.Office).
OFFICE_HOLDER = "decision_maker"
ACTING_ROLES = [*Role.choices, (OFFICE_HOLDER, "Decision maker")]


class Scheme(models.Model):
    """A version of a body's scheme of delegation, in force between two dates.

    A record routes by its own body's scheme only."""

    organisation = models.ForeignKey(
        "decisions.Organisation", on_delete=models.PROTECT, related_name="schemes"
    )
    name = models.CharField(max_length=200, default="Scheme of Delegation and Consent")
    version = models.CharField(max_length=50)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "version"],
                name="scheme_version_once",
                violation_error_message="The body already has this version of this scheme",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="scheme_dates_in_order",
                violation_error_message="The scheme cannot end before it starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"

    def clean(self) -> None:
        # scheme_dates_in_order, beside the end date. The constraint alone is checked by a
        # form only when both dates are in it: once the scheme has routed a record its
        # start date is read-only in the admin, and the database refused the save.
        if (
            self.effective_from is not None
            and self.effective_until is not None
            and self.effective_until < self.effective_from
        ):
            raise ValidationError(
                {"effective_until": "The scheme cannot end before it starts"},
                code="scheme_dates_in_order",
            )


class RuleCondition(models.TextChoices):
    VALUE_AT_LEAST = "value_at_least", "Total value at or above a threshold"
    FLAG = "flag", "The record is flagged"
    OTHERWISE = "otherwise", "Anything else"


class RuleFlag(models.TextChoices):
    RESERVED_TO_MAYOR = "reserved_to_mayor", "Reserved to the Mayor"
    SIGNIFICANT_PUBLIC_INTEREST = (
        "significant_public_interest",
        "Of significant public interest, contentious or novel",
    )


class Rule(models.Model):
    """One paragraph of a scheme: if the condition holds, this decision maker decides.

    Rules are tried in order of priority (lowest first); the first that holds wins.
    """

    Condition = RuleCondition
    Flag = RuleFlag

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveSmallIntegerField()
    paragraph = models.CharField(max_length=20, help_text="For example 4.8")
    decision_maker = models.ForeignKey(
        "decisions.Office", on_delete=models.PROTECT, related_name="rules"
    )
    condition = models.CharField(max_length=20, choices=RuleCondition.choices)
    threshold = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    flag = models.CharField(max_length=40, choices=RuleFlag.choices, blank=True)
    description = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "priority"], name="rule_priority_once"),
            models.CheckConstraint(
                condition=(
                    Q(
                        condition="value_at_least",
                        threshold__isnull=False,
                        threshold__gte=0,
                        flag="",
                    )
                    | Q(condition="flag", threshold__isnull=True, flag__in=RuleFlag.values)
                    | Q(condition="otherwise", threshold__isnull=True, flag="")
                ),
                name="rule_condition_complete",
                violation_error_message=(
                    "A value rule needs a threshold, a flag rule needs a flag, and neither "
                    "needs the other"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: para {self.paragraph}"

    def clean(self) -> None:
        # A rule names an office of its own scheme's body (the scheme may be new, unsaved,
        # as on the admin's add page).
        try:
            scheme = self.scheme
        except Scheme.DoesNotExist:
            scheme = None
        if (
            scheme is not None
            and scheme.organisation_id is not None
            and self.decision_maker_id is not None
            and self.decision_maker.organisation_id != scheme.organisation_id
        ):
            raise ValidationError({"decision_maker": f"Choose an office of {scheme.organisation}"})


class ApprovalCycle(models.Model):
    """One trip of a record from submission to a decision or a return to draft."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        RETURNED = "returned", "Returned to draft"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="cycles"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(outcome="open"),
                name="one_open_cycle_per_decision",
                violation_error_message="This record already has an open approval cycle",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["open", "returned", "approved", "not_approved"]),
                name="cycle_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="open", closed_at__isnull=True)
                | (~Q(outcome="open") & Q(closed_at__isnull=False)),
                name="cycle_closed_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle of decision {self.decision_id} opened {self.opened_at:%d/%m/%Y}"


class ActionVerb(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for clearance"
    CONFIRMED = "confirmed", "Confirmed a declaration line"
    CHIEF_EXECUTIVE_SIGNED = "chief_executive_signed", "Signed the Chief Executive's statement"
    APPROVED = "approved", "Approved"
    NOT_APPROVED = "not_approved", "Did not approve"
    RETURNED = "returned", "Returned to the drafting officer"
    PASSED_BACK = "passed_back", "Passed back on a declared interest"
    REFERRED_UP = "referred_up", "Referred up to a higher office"
    SIGNOFFS_VOIDED = "signoffs_voided", "Sign-offs voided by a change of content"
    PUBLISHED = "published", "Published Part 1"
    PUBLICATION_FAILED = "publication_failed", "Publication failed"
    DEFERRAL_EXTENDED = "deferral_extended", "Extended the deferral of publication"
    DEFERRAL_REMINDED = "deferral_reminded", "Reminded the drafting officer of the deferral"
    WITHDRAWN = "withdrawn", "Withdrew the published record"


class Action(models.Model):
    """The action log: every workflow step, who took it, and the rule that applied."""

    Verb = ActionVerb

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="actions"
    )
    cycle = models.ForeignKey(
        ApprovalCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    # None for what the application does by itself (publication on the deferral date).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    role = models.CharField(max_length=30, choices=ACTING_ROLES, blank=True)
    at = models.DateTimeField()
    rule = models.TextField("Rule applied", blank=True)
    detail = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verb__in=ActionVerb.values),
                name="action_verb_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} by {self.actor} at {self.at:%d/%m/%Y %H:%M}"


class SignOff(models.Model):
    class Kind(models.TextChoices):
        CLEARANCE = "clearance", "Clearance"
        CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
        DECISION = "decision", "Decision"

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="signoffs"
    )
    cycle = models.ForeignKey(
        ApprovalCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="signoffs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Clearance only: the line of the Originating Officer Declaration confirmed.
    declaration_kind = models.CharField(max_length=20, choices=DeclarationKind.choices, blank=True)
    role = models.CharField(max_length=30, choices=ACTING_ROLES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs"
    )
    name_as_signed = models.CharField(max_length=200)
    statement = models.TextField()
    # Decision maker only: the personal or prejudicial interests declared; blank for none.
    interests = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    signed_at = models.DateTimeField()
    # SHA-256 of the record's canonical content (Part 1 and Part 2) when signed.
    content_hash = models.CharField(max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "signed_at", "pk"]
        constraints = [
            # One person holds one role per record: at most one standing sign-off each.
            models.UniqueConstraint(
                fields=["decision", "user"],
                condition=Q(voided_at__isnull=True),
                name="signoff_one_role_per_person",
                violation_error_message="You have already signed off this record in another role",
            ),
            # Each line, and each of the two signatures, is signed once.
            models.UniqueConstraint(
                fields=["decision", "kind", "declaration_kind"],
                condition=Q(voided_at__isnull=True),
                name="signoff_once_per_step",
                violation_error_message="This step has already been signed off",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["clearance", "chief_executive", "decision"]),
                name="signoff_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["confirmed", "approved", "not_approved"]),
                name="signoff_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Exact(Length("content_hash"), 64),
                name="signoff_hash_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.name_as_signed} on {self.signed_at:%d/%m/%Y}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class Notification(models.Model):
    """One mail about a record, kept until it is delivered (approvals.notifications).

    The worker tries it after the transaction that wrote it commits, and again with
    back-off when the mail server fails; the record page shows staff any mail not
    delivered, with the last error.
    """

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="notifications"
    )
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.recipients)}"
