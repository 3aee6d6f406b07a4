"""Worker tasks: thin wrappers around notifications.delivery."""

from django_tasks import task

from notifications import delivery


@task()
def deliver_notification(notification_id):
    """Enqueued by outbox.queue() once the message's transaction has committed."""
    return delivery.deliver(notification_id)


@task()
def deliver_due_notifications():
    """The periodic sweep (core.scheduler): retries, expired leases and lost hand-offs."""
    return delivery.deliver_due()
