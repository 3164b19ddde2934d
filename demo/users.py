"""One demo account per role, and one per office of the second body (Northbridge), all
sharing one published password.

The names are invented, except the drafting officer's: PCD 1069's declaration says
"Craig James has drafted this report", so the account that drafted it carries that name.
"""

from dataclasses import dataclass

from core.roles import ROLE_GROUP_NAMES, Role

from . import northbridge

# Published on purpose (the command prints it): these accounts exist for demonstrations only.
DEMO_PASSWORD = "demo-decisions-2026"  # noqa: S105

EMAIL_DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    # A core role, or else the code of a Northbridge office (whose group the user joins).
    role: Role | None
    is_staff: bool = False
    office: str = ""

    @property
    def group_name(self) -> str:
        if self.role is not None:
            return ROLE_GROUP_NAMES[self.role]
        return northbridge.OFFICES[self.office]["group"]

    @property
    def label(self) -> str:
        """What the user signs as, as load_demo prints it."""
        if self.role is not None:
            return self.role.label
        title = northbridge.OFFICES[self.office]["title"]
        body = northbridge.ORGANISATION["short_name"]
        return title if body in title else f"{title} ({body})"

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
    # The City of Northbridge Council: its drafting officer and the holders of its offices.
    # Its records are cleared by the advisers above: clearance lines are shared by all bodies.
    DemoUser("nb-officer", "Fiona", "Marsden", Role.DRAFTING_OFFICER),
    DemoUser("nb-mayor", "Olivia", "Pennington", None, office=northbridge.MAYOR),
    DemoUser("nb-director", "Gareth", "Lloyd", None, office=northbridge.DIRECTOR),
    DemoUser("nb-assistant", "Nadia", "Farouk", None, office=northbridge.ASSISTANT_DIRECTOR),
    DemoUser("nb-head", "Peter", "Quinn", None, office=northbridge.HEAD_OF_SERVICE),
)

# The policing office's user of each role (the first listed): who clears and signs its records.
USERNAME_FOR_ROLE: dict[str, str] = {}
for _user in DEMO_USERS:
    if _user.role is not None:
        USERNAME_FOR_ROLE.setdefault(_user.role, _user.username)
