"""Publish the records that are due and send the deferral reminders: run it from cron or a
periodic task (every few minutes to once a day). Safe to run twice at once.

The safety net beside the worker (`manage.py db_worker`): it publishes every approved
record that is due and not published, whatever became of its task, including one
left in progress by a process that stopped (recorded as a failure first). It also
sends the mail whose task was never queued (the queue refused it when its act
committed), once it is a few minutes old.

Exit code 0 when everything due was published (or nothing was due); 1 when a
publication failed (recorded on the record, retried on the next run) or on any
other error, so that the scheduler reports it.
"""

from django.core.management.base import BaseCommand, CommandError

from approvals.publication import publish_due


class Command(BaseCommand):
    help = (
        "Publish approved records whose deferral has ended, and remind drafting officers of "
        "deferrals ending soon. Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = publish_due()
        for line in result.report():
            self.stdout.write(line)
        if not result.ok:
            count = len(result.failed) + len(result.errors)
            raise CommandError(
                f"{count} record(s) could not be published; see above. "
                "They will be tried again on the next run."
            )
