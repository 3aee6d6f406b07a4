"""Queueing messages into the outbox (the only way the platform sends anything).

Call these inside the transaction of the change that causes the message.
The row commits with the change; delivery is handed to a worker only after
commit, and the worker's periodic sweep picks up anything whose hand-off was
lost (a crash between commit and enqueue), so no message is ever lost.
"""

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from notifications.models import Notification

SUBJECT_PREFIX = "Subjek:"


def render_message(template, channel, context):
    """Render notifications/<template>.<channel>.txt; an e-mail's first line is 'Subjek: …'."""
    text = render_to_string(f"notifications/{template}.{channel}.txt", context).strip()
    subject = ""
    if channel == Notification.Channel.EMAIL:
        first, _, rest = text.partition("\n")
        if not first.startswith(SUBJECT_PREFIX):
            raise ValueError(f"Template e-mail {template} harus diawali baris '{SUBJECT_PREFIX} …'.")
        subject, text = first[len(SUBJECT_PREFIX) :].strip(), rest.strip()
    return subject, text


def queue(*, channel, recipient, template, context, user=None, about=None, dedupe_key=None):
    """Write one message to the outbox; with a dedupe_key, queueing it again returns the first one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notifications.queue() must run inside the transaction of the change that causes it.")
    subject, body = render_message(template, channel, context)
    fields = dict(
        channel=channel,
        recipient=recipient,
        template=template,
        subject=subject,
        body=body,
        user=user,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        notification = Notification.objects.create(**fields)
    else:
        try:
            # A savepoint, so that losing the race on the dedupe key leaves the caller's transaction usable.
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:
            return Notification.objects.get(dedupe_key=dedupe_key)
    from notifications.tasks import deliver_notification

    # robust: if the hand-off to the task queue fails, the change has still
    # committed and the periodic sweep delivers the message instead.
    transaction.on_commit(lambda: deliver_notification.enqueue(notification.pk), robust=True)
    return notification


def notify_user(user, template, context, *, about=None, dedupe_key=None):
    """Tell a user on every channel they have verified (SMS and e-mail); returns the queued messages.

    Officers' contacts are entered by the city admin and count as verified.
    """
    context = {"user": user, **context}
    channels = [
        (Notification.Channel.SMS, user.phone, user.phone_verified_at),
        (Notification.Channel.EMAIL, user.email, user.email_verified_at),
    ]
    return [
        queue(
            channel=channel,
            recipient=address,
            template=template,
            context=context,
            user=user,
            about=about,
            dedupe_key=f"{dedupe_key}:{channel}" if dedupe_key else None,
        )
        for channel, address, verified_at in channels
        if address and (verified_at or user.is_officer)
    ]
