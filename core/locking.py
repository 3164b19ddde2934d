"""Optimistic locking: a record's lock_version, raised by every save through a service."""

from django.db import models


def save_new_version(
    instance: models.Model, *, user: models.Model | None, reason: str, fields: list[str]
) -> None:
    """Save these fields of a row-locked record as its next version, with who saved it and why.

    The record needs a lock_version and an updated_at field, and django-simple-history
    (whose user and change reason are set here). Call inside the transaction that
    holds the record's row lock, so two saves cannot take the same version.
    """
    instance.lock_version += 1
    instance._history_user = user
    instance._change_reason = reason
    instance.save(update_fields=[*dict.fromkeys(fields), "lock_version", "updated_at"])
