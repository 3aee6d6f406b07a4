"""Delivering the outbox: claim a message, send it, record the outcome.

Claiming. A worker takes a message with one conditional UPDATE: the message
must be pending and due, or "sending" under a lease (claimed_until) that ran
out because its worker died mid-send. The database lets exactly one such
UPDATE win, so however many workers run the per-message task and the
periodic sweep at once, only the winner sends. Every claim is a try: it
counts in `attempts` and opens a row in the delivery log (DeliveryAttempt);
a row left without `finished_at` is a try whose worker died.

Retrying. A failed try is logged with its error and the message is
rescheduled with exponential backoff: 1, 2, 4, 8 … minutes, at most an hour,
shortened by up to 10 % of jitter so a burst of failures does not retry in
lockstep. After settings.NOTIFICATION_MAX_ATTEMPTS tries it is marked
failed, for an admin to see and resend ("kirim ulang"); so is a message
whose worker died on every one of its tries (each lease ran out), or a
message that crashes its worker would be taken again for ever. A rejection that a
retry cannot fix fails at once: an SMTP 5xx refusing the recipient, or an
HTTP 4xx from the SMS gateway (a bad number, bad credentials); after fixing
the cause, an admin resends it.

Never lost, never twice. A message is marked sent only after the remote end
accepted it; a crash before that leaves the lease to expire and another
worker sends it again, so nothing is lost, and the remote end never saw the
unfinished try. One window cannot be closed from our side alone: a crash
after the remote end accepted the message but before "sent" is committed.
That message goes out again. Every delivery therefore carries a stable
idempotency key, Notification.message_id, as the e-mail's Message-ID header
and as the SMS gateway's `reference`, so the receiver recognises the repeat
and can drop it. The lease (settings.NOTIFICATION_LEASE_SECONDS) must outlast
any single send (EMAIL_TIMEOUT, SMS_GATEWAY_TIMEOUT), or another worker
could take over a message that is merely slow.
"""

import logging
import random
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications import sms
from notifications.models import DeliveryAttempt, Notification

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
SWEEP_LIMIT = 500


def due(now):
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_until__lt=now
    )


def retry_delay(attempts):
    """Wait after the n-th failed try: 1, 2, 4 … minutes up to an hour, minus up to 10 % jitter."""
    delay = min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), LONGEST_RETRY_DELAY)
    return delay * random.uniform(0.9, 1.0)


def backend_name(channel):
    if channel == Notification.Channel.EMAIL:
        return settings.EMAIL_BACKEND
    backend = sms.backend_class()
    return f"{backend.__module__}.{backend.__qualname__}"


WORKER_DIED = "Worker berhenti di tengah pengiriman (masa klaim habis)."


def claim(notification_id):
    """Take the message if it is free and due; returns (notification, attempt) or (None, None)."""
    now = timezone.now()
    with transaction.atomic():
        if give_up_abandoned(notification_id, now):
            return None, None
        won = Notification.objects.filter(due(now), pk=notification_id).update(
            status=Notification.Status.SENDING,
            claimed_until=now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
        if not won:
            return None, None
        notification = Notification.objects.get(pk=notification_id)
        attempt = DeliveryAttempt.objects.create(
            notification=notification, started_at=now, backend=backend_name(notification.channel)
        )
    return notification, attempt


def give_up_abandoned(notification_id, now):
    """Fail a message whose lease ran out on its last allowed try: its worker died sending it every time."""
    given_up = Notification.objects.filter(
        pk=notification_id,
        status=Notification.Status.SENDING,
        claimed_until__lt=now,
        attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).update(status=Notification.Status.FAILED, claimed_until=None, last_error=WORKER_DIED)
    if given_up:
        DeliveryAttempt.objects.filter(notification_id=notification_id, finished_at__isnull=True).update(
            finished_at=now, ok=False, error=WORKER_DIED
        )
        logger.warning("Notifikasi %s gagal permanen: worker berhenti pada setiap percobaan.", notification_id)
    return bool(given_up)


def send(notification):
    if notification.channel == Notification.Channel.EMAIL:
        message = EmailMessage(
            notification.subject,
            notification.body,
            to=[notification.recipient],
            headers={"Message-ID": notification.message_id},
        )
        message.send()
    else:
        sms.send_sms(notification.recipient, notification.body, reference=notification.message_id.strip("<>"))


def is_permanent(error):
    if isinstance(error, sms.SmsRejected):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return False


def record_success(notification, attempt):
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(finished_at=now, ok=True)
        # Unconditional: the message did go out, even if our lease ran out meanwhile.
        Notification.objects.filter(pk=notification.pk).exclude(status=Notification.Status.SENT).update(
            status=Notification.Status.SENT, sent_at=now, claimed_until=None, last_error=""
        )


def record_failure(notification, attempt, error):
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"
    if is_permanent(error) or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        outcome = {"status": Notification.Status.FAILED}
    else:
        outcome = {"status": Notification.Status.PENDING, "next_attempt_at": now + retry_delay(notification.attempts)}
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(finished_at=now, ok=False, error=message)
        # Only while we still hold the claim: a failure must not undo another worker's success.
        Notification.objects.filter(
            pk=notification.pk, status=Notification.Status.SENDING, claimed_until=notification.claimed_until
        ).update(claimed_until=None, last_error=message, **outcome)


def deliver(notification_id):
    """Deliver one message if this worker wins it; returns True when it was sent now."""
    notification, attempt = claim(notification_id)
    if notification is None:
        return False
    try:
        send(notification)
    except Exception as error:
        # Whatever went wrong belongs in the delivery log, not in a dead worker.
        logger.warning("Notifikasi %s gagal dikirim: %s", notification.pk, error)
        record_failure(notification, attempt, error)
        return False
    record_success(notification, attempt)
    return True


def deliver_due():
    """The sweep: try every due message (also those whose hand-off to a worker was lost); returns how many went out."""
    due_ids = list(
        Notification.objects.filter(due(timezone.now()))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:SWEEP_LIMIT]
    )
    return sum(deliver(notification_id) for notification_id in due_ids)


def resend(notifications):
    """Give failed messages a fresh set of tries ("kirim ulang"); returns how many were reset."""
    from notifications.tasks import deliver_notification

    with transaction.atomic():
        ids = list(notifications.filter(status=Notification.Status.FAILED).values_list("id", flat=True))
        reset = Notification.objects.filter(pk__in=ids, status=Notification.Status.FAILED).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for notification_id in ids:
            transaction.on_commit(lambda pk=notification_id: deliver_notification.enqueue(pk), robust=True)
    return reset
