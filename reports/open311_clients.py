"""API keys of Open311 client applications, issued by the city admin.

Only a SHA-256 digest of each key is stored (`Open311Client.api_key`): the
key itself is shown once, when it is issued, and a stolen database copy cannot
post reports. Keys are long random strings, so an unsalted fast hash is enough
(there is no small space of likely keys to try).
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from audit.events import record
from reports.models import Open311Client

KEY_PREFIX = "kc311_"
NAME_MAX_LENGTH = Open311Client._meta.get_field("name").max_length


def digest(api_key):
    return hashlib.sha256(api_key.encode()).hexdigest()


def client_for_key(city, api_key):
    """The active client application holding this key, or None."""
    if not api_key:
        return None
    return Open311Client.objects.filter(city=city, api_key=digest(api_key), active=True).first()


def check_client(*, city, name, contact_email, instance=None):
    """Validate a client application's registration (or a change to it); returns it unsaved."""
    errors = {}
    client = instance or Open311Client(city=city)
    client.name = " ".join((name or "").split())
    if not client.name:
        errors["name"] = ["Nama aplikasi wajib diisi."]
    elif len(client.name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Nama aplikasi paling panjang {NAME_MAX_LENGTH} karakter."]
    elif Open311Client.objects.filter(city=city, name__iexact=client.name).exclude(pk=client.pk).exists():
        errors["name"] = [f"Aplikasi bernama '{client.name}' sudah terdaftar."]
    client.contact_email = (contact_email or "").strip().lower()
    try:
        validate_email(client.contact_email)
    except ValidationError:
        errors["contact_email"] = ["Alamat e-mail kontak pengembang aplikasi tidak valid."]
    if errors:
        raise ValidationError(errors)
    return client


def do_register_client(client, *, actor=None):
    """Save a client application prepared by check_client with its first key; returns the key, shown once."""
    api_key = _new_key()
    client.api_key = digest(api_key)
    with transaction.atomic():
        client.save(force_insert=True)
        record(actor=actor, obj=client, action="open311.client_registered", after={"name": client.name})
    return api_key


def do_issue_api_key(client, *, actor=None):
    """Replace the client's key with a new one (the old key stops working at once); returns the new key."""
    api_key = _new_key()
    with transaction.atomic():
        Open311Client.objects.filter(pk=client.pk).update(api_key=digest(api_key))
        client.api_key = digest(api_key)
        record(actor=actor, obj=client, action="open311.key_issued", after={"name": client.name})
    return api_key


def _new_key():
    # The prefix lets secret scanners and people recognise a leaked key.
    return KEY_PREFIX + secrets.token_urlsafe(32)
