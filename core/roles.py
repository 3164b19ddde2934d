"""The roles of the product. Each role is a Group; what it may do are its permissions.

The groups themselves, with their permissions, are created by the migration
decisions/migrations/0002_roles.py, which keeps its own copy of this table as
migrations must.
"""

from django.db import models


class Role(models.TextChoices):
    DRAFTING_OFFICER = "drafting_officer", "Drafting officer"
    FINANCE = "finance", "Finance"
    LEGAL = "legal", "Legal"
    EQUALITIES = "equalities", "Equalities"
    COMMERCIAL = "commercial", "Commercial"
    INFORMATION_RIGHTS = "information_rights", "Information rights"
    DIRECTOR = "director", "Director / Head of Service"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    DMPC = "dmpc", "Deputy Mayor for Policing and Crime"
    MAYOR = "mayor", "Mayor"
    ADMINISTRATOR = "administrator", "Administrator"


# The Group that stands for each role (the names administrators see).
ROLE_GROUP_NAMES: dict[str, str] = {
    Role.DRAFTING_OFFICER: "Drafting officer",
    Role.FINANCE: "Finance",
    Role.LEGAL: "Legal",
    Role.EQUALITIES: "Equalities",
    Role.COMMERCIAL: "Commercial",
    Role.INFORMATION_RIGHTS: "Information rights",
    Role.DIRECTOR: "Director / Head of Service",
    Role.CHIEF_EXECUTIVE: "Chief Executive",
    Role.DMPC: "DMPC",
    Role.MAYOR: "Mayor",
    Role.ADMINISTRATOR: "Administrator",
}


def user_roles(user) -> list[Role]:
    """The roles a user holds, in the order of Role."""
    if not user.is_authenticated:
        return []
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if ROLE_GROUP_NAMES.get(role) in names]
