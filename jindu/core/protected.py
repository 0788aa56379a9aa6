"""One protected-number type: a number kept as Fernet ciphertext, a keyed lookup hash and a
masked copy (jindu.core.crypto), on any model.

``ProtectedNumber("id_number_encrypted", "id_hash", "id_masked", mask=mask_id_number)`` on a
model makes ``obj.id_number`` read the decrypted value and ``obj.id_number = "…"`` write all
three columns at once, so no caller can store a number half-protected. Every declared
protected number is registered, so ``manage.py rotate_field_key`` finds them all.

Two narrower forms use the same type: a value kept only encrypted (no hash, no mask: a tip
reporter's name, ``ProtectedNumber("reporter_name_encrypted", None, None)``), and a number
kept only as its keyed hash and mask (``cipher_field=None``: a pharmacy buyer's identity
number, which the ledger needs only to count a buyer's purchases; the number itself is not
kept, so it cannot be read back and rotation cannot re-hash it).
"""

from __future__ import annotations

from collections.abc import Callable

from . import crypto

_registry: list[tuple[type, ProtectedNumber]] = []


class ProtectedNumber:
    def __init__(
        self,
        cipher_field: str | None,
        hash_field: str | None,
        masked_field: str | None,
        *,
        mask: Callable[[str], str] | None = None,
        normalise: Callable[[str], str] = lambda v: (v or "").strip(),
    ):
        self.cipher_field = cipher_field
        self.hash_field = hash_field
        self.masked_field = masked_field
        if masked_field and mask is None:
            raise TypeError("a masked column needs its mask function")
        if not (cipher_field or hash_field):
            raise TypeError("a protected number keeps its ciphertext, its hash or both")
        self.mask = mask
        self.normalise = normalise

    def __set_name__(self, owner, name):
        # Called while the model class is built (before Django adds _meta): the rotation
        # command skips abstract models.
        self.name = name
        _registry.append((owner, self))

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if not self.cipher_field:
            raise AttributeError(f"{self.name} is kept only as its hash and mask")
        return crypto.decrypt(getattr(obj, self.cipher_field))

    def __set__(self, obj, value: str) -> None:
        value = self.normalise(value)
        if self.cipher_field:
            setattr(obj, self.cipher_field, crypto.encrypt(value))
        if self.hash_field:
            setattr(obj, self.hash_field, crypto.lookup_hash(value) if value else "")
        if self.masked_field:
            setattr(obj, self.masked_field, self.mask(value) if value else "")

    def values(self, value: str) -> dict[str, str]:
        """The stored columns for ``value`` (for a dict of fields, e.g. before ``create``)."""
        holder = type("_Holder", (), {})()
        self.__set__(holder, value)
        return {column: getattr(holder, column) for column in self.columns}

    def hash_of(self, value: str) -> str:
        """The lookup hash of ``value`` as this field stores it (for an exact search)."""
        return crypto.lookup_hash(self.normalise(value))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.cipher_field, self.hash_field, self.masked_field) if c)

    @property
    def rotatable(self) -> bool:
        """Whether rotation can rewrite it (only what keeps its ciphertext)."""
        return bool(self.cipher_field)


def protected_numbers() -> list[tuple[type, ProtectedNumber]]:
    """Every (model, protected number) declared, for key rotation."""
    return list(_registry)
