"""Approvals' answers to what the record layer announces (decisions.signals)."""

from django.dispatch import receiver

from decisions.signals import content_changed

from .services import signoffs_void_stale


@receiver(content_changed, dispatch_uid="approvals.void_stale_signoffs")
def void_stale_signoffs(sender, *, decision, user, **kwargs):
    """A change to signed content voids the sign-offs given on the old content."""
    return signoffs_void_stale(decision=decision, user=user)
