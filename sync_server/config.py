"""Typed settings from the environment and ``.env``; they fail fast on a bad production set-up."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"  # noqa: S105 - the placeholder we refuse
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/arcoiris"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = PLACEHOLDER_SECRET
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_minutes: int = Field(default=12 * 60, ge=1, le=7 * 24 * 60)
    # Larger bodies are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    db_pool_size: int = Field(default=10, ge=1)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "when ENVIRONMENT=production"
            )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """``postgresql://`` URLs are accepted and pointed at the psycopg 3 driver."""
        url = self.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
