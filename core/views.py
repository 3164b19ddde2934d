"""View helpers shared by every app."""

from django.core.exceptions import ValidationError

from .errors import NotAllowed, StaleRecord


def add_domain_error(form, error: Exception) -> int:
    """Put a refusal from a service on the form; the status code to answer with."""
    field = getattr(error, "field", None)
    if field in form.fields:
        # A refusal about one field (a wrong password) stands beside that field.
        form.add_error(field, str(error))
        return 400
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return 400
    form.add_error(None, str(error) if not isinstance(error, ValidationError) else error.messages)
    if isinstance(error, StaleRecord):
        return 409
    return 403 if isinstance(error, NotAllowed) else 400
