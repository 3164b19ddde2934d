"""One demo account per role, all sharing one published password.

The names are invented, except the drafting officer's: PCD 1069's declaration says
"Craig James has drafted this report", so the account that drafted it carries that name.
"""

from dataclasses import dataclass

from core.roles import Role

# Published on purpose (the command prints it): these accounts exist for demonstrations only.
DEMO_PASSWORD = "demo-decisions-2026"  # noqa: S105

EMAIL_DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    is_staff: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@{EMAIL_DOMAIN}".lower()


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("officer", "Craig", "James", Role.DRAFTING_OFFICER),
    DemoUser("finance", "Priya", "Raman", Role.FINANCE),
    DemoUser("legal", "Thomas", "Okafor", Role.LEGAL),
    DemoUser("equalities", "Hannah", "Whitfield", Role.EQUALITIES),
    DemoUser("commercial", "Marcus", "Bellamy", Role.COMMERCIAL),
    DemoUser("inforights", "Aisha", "Mahmood", Role.INFORMATION_RIGHTS),
    DemoUser("director", "Eleanor", "Shawcross", Role.DIRECTOR),
    DemoUser("ceo", "Jonathan", "Marsh", Role.CHIEF_EXECUTIVE),
    DemoUser("dmpc", "Rebecca", "Holloway", Role.DMPC),
    DemoUser("mayor", "Daniel", "Ashworth", Role.MAYOR),
    DemoUser("admin", "Sam", "Okonjo", Role.ADMINISTRATOR, is_staff=True),
)

USERNAME_FOR_ROLE: dict[str, str] = {user.role: user.username for user in DEMO_USERS}
