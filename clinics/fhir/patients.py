"""Patient ids: opaque, stable, never the NIK and never guessable.

A patient is a citizen account ("u<pk>") or a family member a citizen registered ("f<pk>"). Its FHIR id is
that short text encrypted deterministically with AES-SIV under a key derived from the SECRET_KEY, written in
lower-case base32: the same person always has the same id, nobody can make up another person's id, and the
server reads an id back without a lookup table. A new SECRET_KEY gives every patient a new id; ids made under
the keys in SECRET_KEY_FALLBACKS are still read while the rotation settles, so clients can look them up again.
"""

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.utils.crypto import salted_hmac

from clinics.fhir.resources import FhirError
from clinics.models import FamilyMember

USER = "u"
FAMILY = "f"


def _cipher(secret=None):
    return AESSIV(salted_hmac("clinics.fhir.patient-id", "aes-siv", secret=secret, algorithm="sha512").digest())


def encode(kind, pk):
    token = _cipher().encrypt(f"{kind}{pk}".encode(), None)
    return base64.b32encode(token).decode().rstrip("=").lower()


def decode(patient_id):
    """(kind, pk) of a Patient id, or None for anything that is not one of ours."""
    if not isinstance(patient_id, str) or not 20 <= len(patient_id) <= 64:
        return None
    try:
        token = base64.b32decode(patient_id.upper() + "=" * (-len(patient_id) % 8))
    except (binascii.Error, ValueError):
        return None
    text = _decrypt(token)
    if text is None:
        return None
    kind, number = text[:1], text[1:]
    if kind not in (USER, FAMILY) or not number.isdigit():
        return None
    return kind, int(number)


def _decrypt(token):
    """The text of a token made under the secret key or one of its fallbacks; None if under neither."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        try:
            return _cipher(secret).decrypt(token, None).decode()
        except (InvalidTag, ValueError, UnicodeDecodeError):
            continue
    return None


def of_user(user):
    return encode(USER, user.pk)


def of_member(member):
    return encode(FAMILY, member.pk)


def of_appointment(booking):
    """The Patient id of the person to be seen, or None for a walk-in without an account."""
    if booking.family_member_id is not None:
        return encode(FAMILY, booking.family_member_id)
    if booking.patient_id is not None:
        return encode(USER, booking.patient_id)
    return None


def bookable_by(user):
    """[(patient id, person)] a citizen books for: themself first, then their family members."""
    if not user.is_authenticated or not user.is_citizen:
        return []
    return [(of_user(user), user)] + [(of_member(m), m) for m in FamilyMember.objects.filter(owner=user)]


def family_member_to_book_for(user, patient_id):
    """The FamilyMember a citizen books for with this Patient id, or None when it is themself.

    FhirError 400 for an id that is not a patient's, 403 for somebody else's patient.
    """
    found = decode(patient_id)
    if found is None:
        raise FhirError(
            400, "invalid", f"Patient/{patient_id} tidak dikenal; lihat GET Patient.", "Appointment.participant.actor"
        )
    kind, pk = found
    if kind == USER and pk == user.pk:
        return None
    member = FamilyMember.objects.filter(pk=pk, owner=user).first() if kind == FAMILY else None
    if member is None:
        raise FhirError(
            403,
            "forbidden",
            "Anda hanya dapat mendaftar untuk diri sendiri atau anggota keluarga yang Anda daftarkan.",
            "Appointment.participant.actor",
        )
    return member
