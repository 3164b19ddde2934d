"""The read rule of approvals.policies, answered through Django's permission system.

The decisions layer may not import approvals, yet its pages (drafting, papers) and
selectors must apply a rule that needs the record's route. They ask
user.has_perm(decisions.policies.READ_RECORD or READ_WORKINGS, decision); this
backend (in settings' AUTHENTICATION_BACKENDS) answers from the one policy.
Without it only a superuser would read a record: the rule fails closed.
"""

from django.contrib.auth.backends import BaseBackend

from decisions.models import Decision
from decisions.policies import READ_RECORD, READ_WORKINGS

from . import policies


class RecordReadBackend(BaseBackend):
    """Answers READ_RECORD and READ_WORKINGS about one record; nothing else, and never
    signs anyone in (authenticate is BaseBackend's, which returns None)."""

    def has_perm(self, user_obj, perm, obj=None):
        if not isinstance(obj, Decision) or not user_obj.is_active:
            return False
        if perm == READ_RECORD:
            return policies.can_read_record(user_obj, obj)
        if perm == READ_WORKINGS:
            return policies.can_read_workings(user_obj, obj)
        return False
