# The officer's request for documents is kept on the application (request_reason beside requested_documents)
# instead of being read back from the audit log; applications waiting now take theirs from the latest
# "permit.documents_requested" event.

from django.db import migrations, models

CHUNK = 1000


def take_reasons_from_the_audit_log(apps, schema_editor):
    Application = apps.get_model("permits", "Application")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    waiting = list(Application.objects.filter(status="waiting_applicant").values_list("pk", flat=True))
    for start in range(0, len(waiting), CHUNK):
        ids = [str(pk) for pk in waiting[start : start + CHUNK]]
        reasons = {}
        events = AuditEvent.objects.filter(
            object_type="permits.application", object_id__in=ids, action="permit.documents_requested"
        ).order_by("id")
        for object_id, reason in events.values_list("object_id", "reason"):
            reasons[object_id] = reason  # the latest request wins
        for object_id, reason in reasons.items():
            if reason:
                Application.objects.filter(pk=int(object_id)).update(request_reason=reason)


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0003_city_queue_index"),
        ("audit", "0002_append_only_on_postgresql"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="request_reason",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(take_reasons_from_the_audit_log, migrations.RunPython.noop),
    ]
