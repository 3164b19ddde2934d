"""Background work (django-tasks). With the immediate backend (the default) a task runs
as soon as it is enqueued; a worker backend runs it out of the request."""

from django_tasks import task

from .publication import decision_publish


@task()
def publish_decision(decision_id: int) -> None:
    """Publish a newly approved record's Part 1 if it is not deferred."""
    decision_publish(decision_id=decision_id)
