"""Sign-offs: who signed what, in which role, when, and the hash of what they signed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from decisions.roles import Role


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
    kind = models.CharField(max_length=20, choices=Kind.choices)
    role = models.CharField(max_length=30, choices=Role.choices)
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
