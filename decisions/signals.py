"""What the record tells the layers above it, which it does not import."""

from django.dispatch import Signal

# Sent by the drafting services inside the transaction that changed a record's signed
# content, with decision= and user=. A receiver returns the sign-offs it voided
# (approvals voids those given on the old content), for the page to name them.
content_changed = Signal()
