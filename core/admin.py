"""The admin's base class for models that keep their history."""

from django.core.exceptions import PermissionDenied
from django.utils.encoding import force_str
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows each version of an object, and never restores one.

    django-simple-history's revert saves the old version whole, every field of it,
    those its form hides (is_superuser) or shows read-only included, and asks only
    for the view permission: it would let an administrator make a demoted account a
    superuser again, or undo a voided sign-off. The version page has no Revert
    button, and a POST to it is refused.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_form_view_title(self, request, obj):
        return f"View {force_str(obj)}"
