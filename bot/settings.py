"""Run-time settings, read once from the environment (and optional secret files).

One model for every front end so that a typo in a variable name or a bad value is a clear error
at start-up, and the bot token is a `SecretStr` that never prints.
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(Exception):
    """Settings are missing or invalid; the message names the variable, never a secret's value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    telegram_bot_token_file: Path | None = None
    telegram_api_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_url: str | None = None
    obligations_allowed_users: frozenset[int] = Field(default_factory=frozenset)
    obligations_rate_limit_per_minute: int = Field(default=20, ge=1, le=10_000)
    obligations_context_ttl_seconds: int = Field(default=1800, ge=10, le=86_400)
    obligations_host: str = "127.0.0.1"
    obligations_port: int = Field(default=8080, ge=1, le=65_535)
    obligations_log_level: str = "INFO"
    obligations_rules_dir: Path | None = None
    obligations_knowledge_dir: Path | None = None

    @field_validator("obligations_allowed_users", mode="before")
    @classmethod
    def _parse_users(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids (integers) separated by commas") from None
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("obligations_log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _token_from_file(self) -> "Settings":
        if self.telegram_bot_token is None and self.telegram_bot_token_file is not None:
            try:
                token = self.telegram_bot_token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"TELEGRAM_BOT_TOKEN_FILE cannot be read ({exc.strerror})") from None
            if not token:
                raise ValueError("TELEGRAM_BOT_TOKEN_FILE is empty")
            object.__setattr__(self, "telegram_bot_token", SecretStr(token))
        return self

    def token(self) -> str:
        """The bot token, for PTB only; raises a clear error when none is configured."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value().strip():
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set (or TELEGRAM_BOT_TOKEN_FILE): create a bot with @BotFather and export its token")
        return self.telegram_bot_token.get_secret_value().strip()


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings; turn pydantic's errors into one line per variable, with no values echoed."""
    env = dict(os.environ if environ is None else environ)
    try:
        if environ is None:
            return Settings()
        return Settings(**{k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(lines)) from None
