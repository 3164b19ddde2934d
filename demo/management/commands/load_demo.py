from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.loader import DemoLoadError, DemoResult, demo_load


class Command(BaseCommand):
    help = (
        "Load demonstration data: one user per role and per office (sharing one printed "
        "password), the policing office's PCD series with PCD 1069 as published and records "
        "at every other stage, and a second body, the City of Northbridge Council, set up "
        "through data with one record of each of its forms. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even though DEBUG is off. The demo accounts share a published password.",
        )

    def handle(self, *args, allow_production: bool = False, verbosity: int = 1, **options) -> None:
        # DEBUG off means a real site: demo accounts there would be open doors.
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data: DEBUG is off, so this may be a production site, and "
                "the demo creates accounts whose password is printed. If this really is a "
                "demonstration site, run again with --allow-production."
            )
        try:
            result = demo_load(stdout=self.stdout if verbosity >= 1 else None)
        except DemoLoadError as error:
            raise CommandError(str(error)) from error
        if not result.changed:
            self.stdout.write("The demo data was already loaded; nothing changed.")
        self._print_logins(result)

    def _print_logins(self, result: DemoResult) -> None:
        header = ("Username", "Name", "Role")
        rows = [(login.username, login.name, login.role) for login in result.logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo password for every account: {result.password}")
        )
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
        for username in result.foreign_users:
            self.stderr.write(
                f"Note: {username} is an existing account, not a demo one; "
                "its password is unchanged."
            )
