"""A step left past its deadline is escalated by the deadline scanner exactly once: one e-mail and one SMS to
the Inspektorat (and to the head of the OPD holding the step), as Binjai's rule for the SIUP says — queued in
the outbox, then delivered by the notification workers' delivery function and logged, once."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.events import history
from deadlines import scanner
from deadlines.models import Deadline
from notifications import delivery
from notifications.models import DeliveryAttempt, Notification
from permits import actions
from permits.tests.conftest import submitted

pytestmark = pytest.mark.usefixtures("media")


def test_a_siup_left_untouched_past_1x24_hours_is_escalated_once(siti, city, irma, rahmat, fajar):
    untouched = submitted(siti, city, "siup")
    handled = submitted(siti, city, "siup")
    actions.do_forward(fajar, handled)
    actions.do_approve_and_sign(rahmat, handled)
    clock = Deadline.objects.for_case(untouched).get()
    later = clock.due_at + timedelta(minutes=1)

    first = scanner.scan(now=later)
    second = scanner.scan(now=later + timedelta(minutes=1))
    third = scanner.scan(now=later + timedelta(days=3))

    assert (first.breaches_escalated, second.breaches_escalated, third.breaches_escalated) == (1, 0, 0)
    to_irma = Notification.objects.filter(user=irma, template="deadline_breached")
    assert sorted(to_irma.values_list("channel", flat=True)) == ["email", "sms"]
    sms = to_irma.get(channel="sms")
    assert untouched.registration_number in sms.body and "Verifikasi berkas" in sms.body
    assert sms.recipient == irma.phone
    assert to_irma.get(channel="email").recipient == irma.email
    # The head of the DPMPTSP, whose front office holds the step, hears of it too.
    assert Notification.objects.filter(user=rahmat, template="deadline_breached").count() == 2
    assert Notification.objects.filter(template="deadline_breached").count() == 4
    assert list(history(untouched).filter(action="deadline.breached").values_list("action", flat=True)) == [
        "deadline.breached"
    ]
    assert Deadline.objects.breached().get() == Deadline.objects.for_case(untouched).get()


def test_the_escalation_reaches_the_inspektorat_once_by_email_and_sms_and_is_in_the_delivery_log(
    settings, tmp_path, siti, city, irma, rahmat, fajar
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", tmp_path / "sms" / "sms.log"
    untouched = submitted(siti, city, "siup")
    handled = submitted(siti, city, "siup")
    actions.do_forward(fajar, handled)
    actions.do_approve_and_sign(rahmat, handled)
    later = Deadline.objects.for_case(untouched).get().due_at + timedelta(minutes=1)
    mail.outbox.clear()

    scanner.scan(now=later)
    delivery.deliver_due()  # what the notification worker's periodic sweep runs

    to_irma = Notification.objects.filter(user=irma, template="deadline_breached")
    email, sms = to_irma.get(channel="email"), to_irma.get(channel="sms")
    assert email.status == sms.status == Notification.Status.SENT
    # The delivery log: exactly one try per channel to the Inspektorat, each successful, through the backends.
    attempts = DeliveryAttempt.objects.filter(notification__user=irma)
    assert sorted((a.notification.channel, a.ok, a.backend) for a in attempts) == [
        ("email", True, "django.core.mail.backends.locmem.EmailBackend"),
        ("sms", True, "notifications.sms.FileSmsBackend"),
    ]
    # The e-mail as it left: once, to Irma, with the outbox message's subject, text and Message-ID.
    [sent] = [message for message in mail.outbox if message.to == [irma.email]]
    assert (sent.subject, sent.body, sent.extra_headers["Message-ID"]) == (email.subject, email.body, email.message_id)
    assert untouched.registration_number in sent.body and handled.registration_number not in sent.body
    # The SMS as the file backend wrote it: once, to Irma's phone.
    lines = [json.loads(line) for line in settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()]
    [texted] = [line for line in lines if line["to"] == irma.phone]
    assert (texted["message"], texted["reference"]) == (sms.body, sms.message_id.strip("<>"))
    assert untouched.registration_number in texted["message"] and "Verifikasi berkas" in texted["message"]

    # Scanning and delivering again, now or days later, sends nothing more to anybody.
    counts = (Notification.objects.count(), DeliveryAttempt.objects.count(), len(mail.outbox), len(lines))
    again = [scanner.scan(now=later + timedelta(minutes=1)), scanner.scan(now=later + timedelta(days=3))]
    assert [(r.breaches_escalated, r.notifications_queued) for r in again] == [(0, 0), (0, 0)]
    assert delivery.deliver_due() == 0 and delivery.deliver(email.pk) is False and delivery.deliver(sms.pk) is False
    lines_now = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    assert (Notification.objects.count(), DeliveryAttempt.objects.count(), len(mail.outbox), len(lines_now)) == counts
    assert attempts.count() == 2


def test_a_step_finished_late_counts_as_missed_and_the_next_step_starts_on_time(siup, fajar, irma):
    clock = Deadline.objects.for_case(siup).get()
    scanner.scan(now=clock.due_at + timedelta(minutes=5))

    actions.do_forward(fajar, siup)

    assert Deadline.objects.get(pk=clock.pk).state == Deadline.State.MISSED
    following = Deadline.objects.for_case(siup).get(state=Deadline.State.RUNNING)
    assert following.kind == "permit.step.persetujuan" and following.breached_at is None
    assert following.due_at > timezone.now()


def test_the_escalation_names_whoever_holds_the_late_step(siup, fajar, irma):
    actions.do_claim(fajar, siup)
    clock = Deadline.objects.for_case(siup).get()

    scanner.scan(now=clock.due_at + timedelta(minutes=1))

    email = Notification.objects.get(user=irma, template="deadline_breached", channel="email")
    assert "Fajar Nugroho" in email.body
