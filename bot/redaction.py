"""One redaction step for everything we print: log lines (bot.observability) and start-up errors.

Why patterns and literal values both:
- A bot token has a recognisable shape (digits, a colon, 30+ URL-safe characters), so it is caught
  wherever it appears: in a Bot API URL (`/bot<TOKEN>/getMe`), in a webhook URL path (the common
  python-telegram-bot pattern `https://host/<TOKEN>`), URL-encoded, or in an exception message.
- A password in a URL (`https://user:pass@host/`) has no shape of its own but a fixed place: the
  user-info part of any URL is dropped.
- The webhook secret has no shape at all: it is replaced by its literal value, which the caller
  passes (from the loaded settings), or which `environment_secrets` reads from the environment and
  the secret files when settings could not even be loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["REDACTED", "environment_secrets", "redact", "redact_for_stderr"]

REDACTED = "<redacted>"
# Literal secrets shorter than this are not replaced: "a" would blank every a of a message, and a
# secret that short protects nothing anyway (settings accept 1 to 256 characters for the webhook secret).
MIN_LITERAL_SECRET = 6
_SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
_SETTING_PREFIXES = ("TELEGRAM_", "OBLIGATIONS_")
_MAX_SECRET_FILE = 4096

# A bot token, bare or URL-encoded (%3A for the colon).
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9_-])\d{3,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
# A Bot API path: whatever follows /bot<digits>: up to the next separator, even if too short to be a token.
_BOT_URL_RE = re.compile(r"(/bot)\d+(?::|%3[Aa])[^/\s\"'?#<>]*")
# The user-info of any URL (scheme://user:password@host): everything between :// and @ in the authority.
# One slash is enough: a URL that went through pathlib (a directory setting) reads "https:/user:pw@host".
_PASSWORD_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*:/{1,3}[^/?#\s@:]*:([^/?#\s@]+)@")
_USERINFO_RE = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*:/{1,3})[^/?#\s@\"'<>]*@")
# What is left of user-info once a path was cut or shortened ("admin:pw@host", no scheme): the password.
_BARE_USERINFO_RE = re.compile(r"(?<![\w.-])([\w.-]+:)[^/?#\s@:\"'<>]+@")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the given secret values, bot tokens, Bot API URL paths and URL user-info replaced by `<redacted>`."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_LITERAL_SECRET}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _USERINFO_RE.sub(rf"\1{REDACTED}@", text)
    text = _BARE_USERINFO_RE.sub(rf"\1{REDACTED}@", text)
    text = _BOT_URL_RE.sub(rf"\1{REDACTED}", text)
    return _TOKEN_RE.sub(REDACTED, text)


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The token and webhook secret as configured (raw, also from their *_FILE, valid or not), and any URL
    password in a TELEGRAM_* or OBLIGATIONS_* variable.

    For messages printed before (or because) settings failed to load: a malformed token is still a
    secret. Unreadable files are skipped; this never raises.
    """
    env = os.environ if environ is None else environ
    found: list[str] = []
    for name, value in env.items():  # a URL password in any setting, even where only a piece of it is logged
        if name.upper().startswith(_SETTING_PREFIXES):
            found += [m.group(1) for m in _PASSWORD_RE.finditer(value)]
    for name in _SECRET_VARIABLES:
        value = (env.get(name) or "").strip()
        if value:
            found.append(value)
        path = (env.get(f"{name}_FILE") or "").strip()
        if path:
            try:
                with Path(path).open("rb") as handle:
                    content = handle.read(_MAX_SECRET_FILE).decode("utf-8", errors="replace").strip()
            except OSError:
                continue
            if content:
                found.append(content)
    return found


def redact_for_stderr(message: str, secrets: Iterable[str] = ()) -> str:
    """A start-up error line as it may be printed: redacted with `secrets` and the environment's secrets."""
    return redact(message, [*secrets, *environment_secrets()])
