"""Signing a certificate's content and checking it (Ed25519, base64 signatures)."""

import base64
import binascii

from cryptography.exceptions import InvalidSignature

from certificates.keys import key_id, signing_key, verifying_key


def sign(content):
    """(key_id, signature) for the canonical content bytes, with the key in force."""
    key = signing_key()
    return key_id(key), base64.b64encode(key.sign(content)).decode("ascii")


def signature_matches(certificate):
    """Does the stored signature match the stored content, under the key that made it?

    That key is the one in force or one retired after it (settings.CERTIFICATE_RETIRED_KEYS). False for a
    certificate signed by a key the city does not know, a signature that is not base64, or content changed
    after signing.
    """
    key = verifying_key(certificate.key_id)
    if key is None:
        return False
    try:
        signature = base64.b64decode(certificate.signature, validate=True)
        content = certificate.canonical_content()
    except (binascii.Error, ValueError, TypeError, AttributeError):
        return False
    try:
        key.verify(signature, content)
    except InvalidSignature:
        return False
    return True
