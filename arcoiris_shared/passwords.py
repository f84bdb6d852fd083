"""Argon2 hashing of passwords and till PINs, the same on the server and the terminal.

HQ hashes a PIN once; the terminal receives the hash by sync and verifies it offline.
"""

from __future__ import annotations

import functools
import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError


def _make_hasher() -> PasswordHasher:
    # The test suite hashes hundreds of secrets; it opts into argon2's cheapest profile.
    # Production never sets this variable, and a hash made either way verifies either way.
    if os.environ.get("ARCOIRIS_ARGON2_PROFILE") == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this keeps a miss as slow as a hit (no timing hint that a user
    # exists). Made on first use, not at import: a till starts faster.
    return _hasher.hash("arcoiris-timing-equaliser")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(secret: str, secret_hash: str | None) -> bool:
    """True only for a real hash that matches; a missing hash costs the same time."""
    try:
        matched = _hasher.verify(secret_hash or _dummy_hash(), secret)
    except (VerificationError, InvalidHashError):
        return False
    return matched and secret_hash is not None


def needs_rehash(secret_hash: str) -> bool:
    return _hasher.check_needs_rehash(secret_hash)
