"""Identity and phone numbers at rest: encrypted, found by a keyed hash, shown masked.

The key comes from the environment: ``FIELD_ENCRYPTION_KEY`` is a Fernet key
(``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``).
**Production must set it** and keep it with the database backups' keys: without it nothing
encrypted can be read back. With ``DEBUG`` on, or under the test settings, a key derived from
``SECRET_KEY`` is used instead so that development and tests run without setup; production
refuses to encrypt or decrypt without the variable (``ImproperlyConfigured``).

The lookup hash is HMAC-SHA256 of the normalised value under its own key,
``FIELD_HASH_KEY`` (any long random string), kept apart from the encryption key so that one
leaked key does not give away the other; without it the hash key is derived from the current
encryption key (how earlier installations hashed). The hash column alone reveals nothing and
cannot be brute-forced over the small space of identity numbers without the key.

Key rotation (``manage.py rotate_field_key``): put the new Fernet key first in
``FIELD_ENCRYPTION_KEY`` and keep the old ones after it, comma-separated (MultiFernet:
encrypt with the first, decrypt with any); the command re-encrypts every protected number and
recomputes its hash with the current hash key, in batches, then the old keys can go.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_NAME = "FIELD_ENCRYPTION_KEY"
HASH_ENV_NAME = "FIELD_HASH_KEY"


def _development_allowed() -> bool:
    # ``override_settings`` (used by the live-server tests) hides SETTINGS_MODULE; the
    # environment still names the settings in force.
    module = getattr(settings, "SETTINGS_MODULE", "") or os.environ.get(
        "DJANGO_SETTINGS_MODULE", ""
    )
    return bool(settings.DEBUG) or module.endswith("settings_test")


def _key_material() -> str:
    key = os.environ.get(ENV_NAME) or getattr(settings, ENV_NAME, "")
    if key:
        return key
    if _development_allowed():
        digest = hashlib.sha256(f"jindu-field-encryption:{settings.SECRET_KEY}".encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()
    raise ImproperlyConfigured(
        f"{ENV_NAME} must be set in production: identity and phone numbers are encrypted "
        "with it (see jindu/core/crypto.py)."
    )


@cache
def _fernet(keys: str) -> MultiFernet:
    """``keys``: one Fernet key, or several comma-separated, the current one first."""
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{ENV_NAME} is not a valid Fernet key: {exc}") from None


def _current_key(keys: str) -> str:
    return keys.split(",")[0].strip()


def _hash_material() -> str:
    own = os.environ.get(HASH_ENV_NAME) or getattr(settings, HASH_ENV_NAME, "")
    return own or _current_key(_key_material())


@cache
def _hash_key(key: str) -> bytes:
    return hmac.new(key.encode(), b"jindu-lookup-hash-v1", hashlib.sha256).digest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_key_material()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            f"A stored value cannot be decrypted: {ENV_NAME} is not the key it was written with."
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted with the current key (a no-op for an empty value)."""
    if not token:
        return ""
    try:
        return _fernet(_key_material()).rotate(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            f"A stored value cannot be decrypted: none of the keys in {ENV_NAME} wrote it."
        ) from None


def lookup_hash(value: str) -> str:
    """The keyed hash of an already normalised value (empty for an empty value)."""
    if not value:
        return ""
    return hmac.new(_hash_key(_hash_material()), value.encode(), hashlib.sha256).hexdigest()


def normalise_phone(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def mask_id_number(value: str) -> str:
    """``430421199001011234`` → ``430421********1234`` (area code and last four kept)."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
