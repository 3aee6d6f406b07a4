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


def check_client(*, city, name, contact_email, exclude=None):
    """Validate a client application's registration; returns (name, contact_email) cleaned."""
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = ["Nama aplikasi wajib diisi."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Nama aplikasi paling panjang {NAME_MAX_LENGTH} karakter."]
    else:
        same_name = Open311Client.objects.filter(city=city, name__iexact=name)
        if exclude is not None:
            same_name = same_name.exclude(pk=exclude.pk)
        if same_name.exists():
            errors["name"] = [f"Aplikasi bernama '{name}' sudah terdaftar."]
    contact_email = (contact_email or "").strip().lower()
    try:
        validate_email(contact_email)
    except ValidationError:
        errors["contact_email"] = ["Alamat e-mail kontak pengembang aplikasi tidak valid."]
    if errors:
        raise ValidationError(errors)
    return name, contact_email


def do_register_client(*, city, name, contact_email, actor=None):
    """Register a client application and issue its first key; returns (client, key). The key is shown once."""
    name, contact_email = check_client(city=city, name=name, contact_email=contact_email)
    api_key = _new_key()
    with transaction.atomic():
        client = Open311Client.objects.create(
            city=city, name=name, contact_email=contact_email, api_key=digest(api_key)
        )
        record(actor=actor, obj=client, action="open311.client_registered", after={"name": name})
    return client, api_key


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
