import datetime


class DomainError(Exception):
    """A rule of the product said no. The message is for the user."""


class NotAllowed(DomainError):
    pass


class WrongPassword(NotAllowed):
    """A signature's password re-entry did not match: an error of the password field."""

    field = "password"


class StaleRecord(DomainError):
    """The record was saved by someone since the form was loaded."""

    def __init__(self, *, changed_by: str, changed_at: datetime.datetime):
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(
            f"{changed_by} changed this record at {changed_at:%H:%M on %-d %B %Y} since you "
            "opened this page. Your changes have not been saved: they are still below. "
            "Open the record again in another tab to see what changed, then save again."
        )
