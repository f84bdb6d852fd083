"""Password hashing (argon2) and access tokens (PyJWT)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt

from arcoiris_shared.passwords import hash_secret, needs_rehash, verify_secret
from sync_server.config import Settings

__all__ = [
    "InvalidToken",
    "create_access_token",
    "decode_access_token",
    "hash_password",
    "needs_rehash",
    "verify_password",
]


hash_password = hash_secret
verify_password = verify_secret


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
