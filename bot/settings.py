"""Run-time settings, read once from the environment (and optional secret files).

One model for every front end so that a typo in a variable name or a bad value is a clear error
at start-up, and the bot token is a `SecretStr` that never prints.

Where settings come from, in order:
- the process environment (systemd `EnvironmentFile=`, docker `env_file:`, or an exported shell variable);
- for the two secrets, a file named by `TELEGRAM_BOT_TOKEN_FILE` / `TELEGRAM_WEBHOOK_SECRET_FILE`
  (docker secrets in /run/secrets, systemd credentials in $CREDENTIALS_DIRECTORY), so the secret
  is never in the environment of the process.

An empty value counts as unset (an env file line `OBLIGATIONS_PORT=` keeps the default).
Any variable that starts with `OBLIGATIONS_` or `TELEGRAM_` and is not a setting below is an error,
because a misspelt `OBLIGATIONS_ALOWED_USERS` would otherwise silently open the bot to everyone.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot import exitcodes
from bot.datadirs import shipped
from bot.redaction import redact

DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
PREFIXES = ("OBLIGATIONS_", "TELEGRAM_")
# Exit status for "the configuration is wrong" (sysexits EX_CONFIG); the systemd units do not restart on it.
EXIT_CONFIG = exitcodes.CONFIG
# The one path the webhook is served at, by `obligations serve` and `obligations telegram` alike
# (and the one nginx forwards). A webhook URL must end with it, or have no path at all.
WEBHOOK_PATH = "/telegram/webhook"
# What @BotFather hands out: the bot's numeric id, a colon, then a long secret. Checked locally so a
# pasted fragment fails at once instead of after ~20 s of getMe retries.
_TOKEN_FORMAT = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
# What Telegram accepts as a webhook secret_token (Bot API, setWebhook).
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
# The secrets that may instead be read from a file named by <NAME>_FILE.
_SECRET_FILES = ("telegram_bot_token", "telegram_webhook_secret")


class SettingsError(Exception):
    """Settings are missing or invalid; the message names the variable, never a secret's value."""

    exit_code = EXIT_CONFIG


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_webhook_url(url: str) -> str:
    """The URL to register with setWebhook: `url` itself, or `url` + /telegram/webhook when it has no path.

    Raises ValueError (naming the problem, not echoing secrets) for a URL Telegram would not post to
    or that this program does not serve: not https (http is allowed on loopback only, for tests), no
    host, or a path other than /telegram/webhook.
    """
    parts = urlsplit(url.strip())
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ValueError(f"must be an absolute https:// URL, e.g. https://bot.example.org{WEBHOOK_PATH}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"must be a public https:// URL (Telegram only posts to HTTPS; http:// is for 127.0.0.1 and localhost), "
            f"e.g. https://bot.example.org{WEBHOOK_PATH}"
        )
    host = parts.netloc.rpartition("@")[2]  # never echo user:password@
    if parts.query or parts.fragment:
        raise ValueError(f"must not have a query string or fragment, e.g. https://{host}{WEBHOOK_PATH}")
    if parts.path in ("", "/"):
        parts = parts._replace(path=WEBHOOK_PATH)
    elif parts.path.rstrip("/") != WEBHOOK_PATH:
        raise ValueError(
            f"the webhook is served at {WEBHOOK_PATH}, not {redact(parts.path)}: use https://{host}{WEBHOOK_PATH} "
            "(or the host alone)"
        )
    return urlunsplit(parts._replace(path=WEBHOOK_PATH))


def _read_secret_file(path: Path, variable: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError(f"{variable} is not UTF-8 text: {path}") from None
    except OSError as exc:
        raise ValueError(f"{variable} cannot be read ({exc.strerror}): {path}") from None
    if not value:
        raise ValueError(f"{variable} is empty: {path}")
    return value


class Settings(BaseSettings):
    """Every setting of every front end; field `foo_bar` is read from the variable `FOO_BAR`.

    `Settings()` reads the process environment; load_settings() adds the check for unknown variables.
    """

    model_config = SettingsConfigDict(
        env_prefix="",
        case_sensitive=False,
        extra="forbid",
        frozen=True,
        env_ignore_empty=True,
        hide_input_in_errors=True,
    )

    telegram_bot_token: SecretStr | None = None
    telegram_bot_token_file: Path | None = None
    telegram_api_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_secret_file: Path | None = None
    telegram_webhook_url: str | None = None
    # NoDecode: pydantic-settings would otherwise try to JSON-decode "1,2" from the environment and fail.
    obligations_allowed_users: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    obligations_rate_limit_per_minute: int = Field(default=20, ge=1, le=10_000)
    obligations_context_ttl_seconds: int = Field(default=1800, ge=10, le=86_400)
    obligations_host: str = "127.0.0.1"
    obligations_port: int = Field(default=8080, ge=1, le=65_535)
    # HTTP server limits (bot/connections.py): the cap defaults to what the descriptor limit allows.
    obligations_max_connections: int | None = Field(default=None, ge=1, le=1_000_000)
    obligations_header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    obligations_body_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    obligations_keepalive_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    obligations_log_level: str = "INFO"
    obligations_log_format: Literal["json", "text"] = "json"
    obligations_rules_dir: Path | None = None
    obligations_knowledge_dir: Path | None = None
    # Feedback and consented reports (bot/feedback): the SQLite file (default: bot.feedback.store.default_path()),
    # how long reports and vote counts are kept, and how many reports one user may send a day.
    obligations_reports_db: Path | None = None
    obligations_reports_retention_days: int = Field(default=90, ge=1, le=3650)
    obligations_reports_per_user_per_day: int = Field(default=5, ge=1, le=1000)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env file and no secrets_dir: the secret files are named explicitly by *_FILE variables.
        return (init_settings, env_settings)

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: object) -> object:
        """TELEGRAM_BOT_TOKEN_FILE / TELEGRAM_WEBHOOK_SECRET_FILE: the secret itself comes from the file."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        problems: list[str] = []
        for name in _SECRET_FILES:
            file_name = f"{name}_file"
            path = data.get(file_name)
            if path is None:
                continue
            if data.get(name) is not None:
                problems.append(f"set {name.upper()} or {file_name.upper()}, not both")
                continue
            try:
                data[name] = _read_secret_file(Path(path), file_name.upper())
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValueError("; ".join(problems))
        return data

    @field_validator("telegram_bot_token", "telegram_webhook_secret", mode="before")
    @classmethod
    def _strip_secret(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            return value.strip() or None  # a token of spaces is no token
        return value

    @field_validator("obligations_allowed_users", mode="before")
    @classmethod
    def _parse_users(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids (integers) separated by commas") from None
        if isinstance(value, int) and not isinstance(value, bool):
            return frozenset({value})
        return value

    @field_validator("obligations_allowed_users")
    @classmethod
    def _positive_users(cls, value: frozenset[int]) -> frozenset[int]:
        if any(user <= 0 for user in value):
            raise ValueError("Telegram user ids are positive integers")
        return value

    @field_validator("obligations_log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("obligations_log_format", mode="before")
    @classmethod
    def _format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("obligations_host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c.isspace() for c in value) or "/" in value:
            raise ValueError("must be a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        public_webhook_url(value)  # raises ValueError with the reason
        return value.strip()

    @field_validator("obligations_rules_dir", "obligations_knowledge_dir")
    @classmethod
    def _directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"is not a directory: {value}")
        return value

    @model_validator(mode="after")
    def _secret_formats(self) -> Settings:
        """Checked once the token may have come from a file, so both ways get the same messages."""
        problems: list[str] = []
        if self.telegram_bot_token is not None:
            value = self.telegram_bot_token.get_secret_value()
            if any(c.isspace() for c in value):
                problems.append(
                    "TELEGRAM_BOT_TOKEN contains whitespace: it must be the token alone, as @BotFather gave it"
                )
            elif not _TOKEN_FORMAT.fullmatch(value):
                problems.append(
                    "TELEGRAM_BOT_TOKEN is not a bot token: expected digits, a colon, then at least 30 letters, "
                    "digits, _ or - (copy it again from @BotFather)"
                )
        secret = self.webhook_secret()
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(secret):
            problems.append("TELEGRAM_WEBHOOK_SECRET must be 1 to 256 characters among A-Z a-z 0-9 _ -")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def data_dirs(self) -> tuple[Path, Path]:
        """(rules, knowledge): OBLIGATIONS_RULES_DIR / OBLIGATIONS_KNOWLEDGE_DIR, else the folders shipped with the package."""
        return (
            self.obligations_rules_dir or shipped("rules"),
            self.obligations_knowledge_dir or shipped("knowledge"),
        )

    def token(self) -> str:
        """The bot token, for PTB only; raises a clear error when none is configured."""
        if self.telegram_bot_token is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set (or TELEGRAM_BOT_TOKEN_FILE): create a bot with @BotFather and export its token"
            )
        return self.telegram_bot_token.get_secret_value()

    def webhook_secret(self) -> str | None:
        """The secret Telegram must send in X-Telegram-Bot-Api-Secret-Token, or None when not configured."""
        return None if self.telegram_webhook_secret is None else self.telegram_webhook_secret.get_secret_value()

    def summary(self) -> dict[str, Any]:
        """Every setting as a loggable dict: secrets are reduced to "set"/"unset", allowed users to a count."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) or name in {"telegram_bot_token", "telegram_webhook_secret"}:
                out[name] = "unset" if value is None else "set"
            elif name == "obligations_allowed_users":
                out[name] = len(value)
            elif isinstance(value, Path):
                out[name] = str(value)
            else:
                out[name] = value
        return out


def _unknown_variables(env: Mapping[str, str]) -> list[str]:
    known = {name.upper() for name in Settings.model_fields}
    lines = []
    for key in sorted(env):
        upper = key.upper()
        if upper.startswith(PREFIXES) and upper not in known:
            close = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            lines.append(f"{key}: not a known setting{hint}")
    return lines


class _Variables(EnvSettingsSource):
    """pydantic-settings' environment source, over a given mapping instead of os.environ.

    The parsing of pydantic-settings (field names in any case, no JSON decoding of the user list), from
    one mapping: load_settings() reads os.environ or the mapping it is given, never a mix of the two.
    """

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str]):
        self._variables = variables
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # Settings is case-insensitive and a blank value (an env file's `OBLIGATIONS_PORT=`) keeps the default.
        return {key.lower(): value for key, value in self._variables.items() if value.strip()}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `environ` (default: the process environment) and nothing else.

    Raises SettingsError with one line per problem, each naming the variable and never echoing a value.
    """
    variables = os.environ if environ is None else environ
    problems = _unknown_variables(variables)
    try:
        settings = Settings(_build_sources=((_Variables(Settings, variables),), {}))
    except ValidationError as exc:
        for err in exc.errors(include_input=False, include_url=False):
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{str(err['loc'][0]).upper()}: {msg}" if err["loc"] else msg)
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
    if problems:
        raise SettingsError("invalid settings: " + "; ".join(problems))
    return settings
