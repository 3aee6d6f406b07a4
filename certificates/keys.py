"""The city's certificate signing key: Ed25519, read from the environment by the settings.

Only the settings call `certificate_key_from_environment()`; everything else asks
`signing_key()` for the key in force (settings.CERTIFICATE_KEY). Imports nothing
from Django's models: the settings module imports this file.
"""

import hashlib

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

ENV_NAME = "KC_CERTIFICATE_KEY"
RETIRED_ENV_NAME = "KC_CERTIFICATE_RETIRED_KEYS"
# Domain separation: the development key is derived from SECRET_KEY, and must not equal any other
# value derived from it.
_DEVELOPMENT_LABEL = b"kota-cerdas/certificates/development-signing-key/v1\x00"


def parse_private_key(pem, name=ENV_NAME):
    """An unencrypted Ed25519 private key in PEM (PKCS#8), or ImproperlyConfigured saying what is wrong.

    A one-line value with literal "\\n" between the lines (as some environment files need) is accepted too.
    """
    text = pem.strip().replace("\\n", "\n")
    if "-----BEGIN" not in text:
        raise ImproperlyConfigured(
            f"{name} must be an Ed25519 private key in PEM ('-----BEGIN PRIVATE KEY-----' …); "
            "generate one with `manage.py certificate_key`."
        )
    if "PUBLIC KEY" in text.split("\n", 1)[0]:
        raise ImproperlyConfigured(f"{name} holds a public key; give the private key (the public one is derived).")
    try:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except TypeError:
        raise ImproperlyConfigured(f"{name} is password-protected; give the key without a password.") from None
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm):
        raise ImproperlyConfigured(
            f"{name} is not a readable PEM private key; generate one with `manage.py certificate_key`."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"{name} must be an Ed25519 key, not {type(key).__name__.removeprefix('_')}; "
            "generate one with `manage.py certificate_key`."
        )
    return key


def development_key(secret_key):
    """The key a developer's machine signs with when KC_CERTIFICATE_KEY is unset (DEBUG only).

    Derived deterministically from SECRET_KEY, so certificates issued on a development site stay
    valid across restarts; worthless as a secret, which is why production must set its own key.
    """
    seed = hashlib.sha256(_DEVELOPMENT_LABEL + secret_key.encode("utf-8")).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def certificate_key_from_environment(value, *, debug, secret_key, name=ENV_NAME):
    """The signing key for the settings: the one given, or (DEBUG only) the development key."""
    if value is None or value.strip() == "":
        if not debug:
            raise ImproperlyConfigured(
                f"{name} is required when DJANGO_DEBUG=false: the Ed25519 private key (PEM) that signs "
                "certificates; generate one with `manage.py certificate_key`."
            )
        return development_key(secret_key)
    return parse_private_key(value, name)


def parse_retired_keys(value, name=RETIRED_ENV_NAME):
    """The public keys of signing keys no longer in force, so certificates they signed still verify.

    Any number of Ed25519 public keys in PEM one after the other (with real line breaks or literal "\\n");
    empty: none. Anything else stops start-up with ImproperlyConfigured naming the variable.
    """
    text = (value or "").strip().replace("\\n", "\n")
    if not text:
        return []
    marker = "-----BEGIN PUBLIC KEY-----"
    if "PRIVATE KEY" in text:
        raise ImproperlyConfigured(f"{name} takes public keys only; never put a private key here.")
    blocks = [marker + block for block in text.split(marker)[1:]]
    if not blocks or text.split(marker)[0].strip():
        raise ImproperlyConfigured(f"{name} must be Ed25519 public keys in PEM ('{marker}' …).")
    keys = []
    for number, block in enumerate(blocks, start=1):
        try:
            key = serialization.load_pem_public_key(block.strip().encode("ascii"))
        except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm):
            raise ImproperlyConfigured(f"{name}: public key {number} is not a readable PEM public key.") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured(f"{name}: public key {number} is not an Ed25519 key.")
        keys.append(key)
    return keys


def new_private_key():
    return Ed25519PrivateKey.generate()


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_pem(key):
    """The public half in PEM (SubjectPublicKeyInfo), as published at /verifikasi/kunci-publik.pem."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def key_id(key):
    """The key's fingerprint: SHA-256 of the raw 32-byte public key, first 16 bytes in hex (32 characters)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    if not isinstance(public, Ed25519PublicKey):
        raise TypeError("key_id() takes an Ed25519 key.")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def signing_key():
    """The key in force (settings.CERTIFICATE_KEY)."""
    from django.conf import settings

    return settings.CERTIFICATE_KEY


def verifying_key(wanted_key_id):
    """The public key with this fingerprint: the one in force or a retired one; None if the city has neither."""
    from django.conf import settings

    for key in (signing_key().public_key(), *settings.CERTIFICATE_RETIRED_KEYS):
        if key_id(key) == wanted_key_id:
            return key
    return None
