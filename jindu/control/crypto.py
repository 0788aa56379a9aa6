"""The control area's numbers use the platform's protected-number crypto (jindu.core.crypto)."""

from jindu.core.crypto import (  # noqa: F401
    ENV_NAME,
    HASH_ENV_NAME,
    decrypt,
    encrypt,
    lookup_hash,
    mask_id_number,
    mask_phone,
    normalise_phone,
    rotate,
)
