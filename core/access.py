from django.contrib.auth.decorators import login_required, permission_required
from django.views.decorators.http import require_safe


def staff_view(view):
    """A staff page written as a function, which only reads: GET or HEAD (else 405 with
    an Allow header, asked first), signed in (else to the login page) and holding
    decisions.view_decision (else 403), which every role has."""
    return require_safe(
        login_required(permission_required("decisions.view_decision", raise_exception=True)(view))
    )
