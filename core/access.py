from django.contrib.auth.decorators import login_required, permission_required


def staff_view(view):
    """Every staff page: signed in (else to the login page) and holding
    decisions.view_decision (else 403), which every role has."""
    return login_required(
        permission_required("decisions.view_decision", raise_exception=True)(view)
    )
