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
