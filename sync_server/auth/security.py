"""Password hashing (argon2) and access tokens (PyJWT)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

import jwt
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from sync_server.config import Settings


def _make_hasher() -> PasswordHasher:
    # The test suite hashes hundreds of passwords; it opts into argon2's cheapest profile.
    # Production never sets this variable, and a hash made either way verifies either way.
    if os.environ.get("ARCOIRIS_ARGON2_PROFILE") == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()
# Verifying against this keeps a login for an unknown email as slow as one for a known email.
_DUMMY_HASH = _hasher.hash("arcoiris-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def create_access_token(*, user_id: uuid.UUID, settings: Settings) -> tuple[str, int]:
    now = dt.datetime.now(dt.UTC)
    ttl = dt.timedelta(minutes=settings.access_token_minutes)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + ttl,
        "typ": "access",
    }
    token = jwt.encode(claims, settings.secret_key, algorithm=settings.jwt_algorithm)
    return token, int(ttl.total_seconds())


class InvalidToken(Exception):
    pass


def decode_access_token(token: str, *, settings: Settings) -> uuid.UUID:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("token invalid") from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    try:
        return uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise InvalidToken("token subject invalid") from exc
