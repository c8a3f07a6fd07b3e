"""bot/settings.py: what an operator sees when the environment is right, wrong, or holds a secret."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.settings import EXIT_CONFIG, Settings, SettingsError, load_settings

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
SECRET = "webhook-Secret_0123456789"


def _error(env: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as exc:
        load_settings(env)
    return str(exc.value)


def test_defaults_with_an_empty_environment() -> None:
    s = load_settings({})
    assert s.obligations_host == "127.0.0.1" and s.obligations_port == 8080
    assert s.obligations_allowed_users == frozenset()
    assert s.obligations_log_level == "INFO" and s.obligations_log_format == "json"
    assert s.telegram_bot_token is None and s.webhook_secret() is None
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN is not set"):
        s.token()


def test_valid_values_are_parsed(tmp_path: Path) -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
            "OBLIGATIONS_ALLOWED_USERS": "111, 222;333",
            "OBLIGATIONS_RATE_LIMIT_PER_MINUTE": "5",
            "OBLIGATIONS_PORT": "9000",
            "OBLIGATIONS_LOG_LEVEL": "debug",
            "OBLIGATIONS_LOG_FORMAT": "TEXT",
            "OBLIGATIONS_RULES_DIR": str(tmp_path),
            "PATH": "/usr/bin",  # unrelated variables are ignored
        }
    )
    assert s.token() == TOKEN and s.webhook_secret() == SECRET
    assert s.obligations_allowed_users == frozenset({111, 222, 333})
    assert s.obligations_rate_limit_per_minute == 5 and s.obligations_port == 9000
    assert s.obligations_log_level == "DEBUG" and s.obligations_log_format == "text"
    assert s.obligations_rules_dir == tmp_path


def test_allowed_users_from_the_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic-settings JSON-decodes complex fields read from os.environ unless told not to.
    monkeypatch.setenv("OBLIGATIONS_ALLOWED_USERS", "1,2")
    assert load_settings().obligations_allowed_users == frozenset({1, 2})
    assert Settings().obligations_allowed_users == frozenset({1, 2})
    monkeypatch.setenv("OBLIGATIONS_ALLOWED_USERS", "42")
    assert load_settings().obligations_allowed_users == frozenset({42})


def test_explicit_mapping_ignores_the_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("OBLIGATIONS_PORT", "9999")
    s = load_settings({})
    assert s.telegram_bot_token is None and s.obligations_port == 8080


def test_empty_values_keep_the_defaults() -> None:
    s = load_settings({"OBLIGATIONS_PORT": "", "OBLIGATIONS_ALLOWED_USERS": "", "TELEGRAM_BOT_TOKEN": " "})
    assert s.obligations_port == 8080 and s.obligations_allowed_users == frozenset()
    assert s.telegram_bot_token is None


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"OBLIGATIONS_PORT": "http"}, "OBLIGATIONS_PORT: Input should be a valid integer"),
        ({"OBLIGATIONS_PORT": "70000"}, "OBLIGATIONS_PORT: Input should be less than or equal to 65535"),
        ({"OBLIGATIONS_ALLOWED_USERS": "alice,bob"}, "OBLIGATIONS_ALLOWED_USERS: must be Telegram user ids"),
        ({"OBLIGATIONS_ALLOWED_USERS": "-5"}, "OBLIGATIONS_ALLOWED_USERS: Telegram user ids are positive"),
        ({"OBLIGATIONS_LOG_LEVEL": "verbose"}, "OBLIGATIONS_LOG_LEVEL: must be one of DEBUG"),
        ({"OBLIGATIONS_LOG_FORMAT": "xml"}, "OBLIGATIONS_LOG_FORMAT: Input should be 'json' or 'text'"),
        (
            {"OBLIGATIONS_RATE_LIMIT_PER_MINUTE": "0"},
            "OBLIGATIONS_RATE_LIMIT_PER_MINUTE: Input should be greater than or equal to 1",
        ),
        (
            {"OBLIGATIONS_RULES_DIR": "/nonexistent/rules"},
            "OBLIGATIONS_RULES_DIR: is not a directory: /nonexistent/rules",
        ),
        ({"OBLIGATIONS_HOST": "0.0.0.0/0"}, "OBLIGATIONS_HOST: must be a host name or an IP address"),
        ({"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL: must start with http"),
        (
            {"TELEGRAM_WEBHOOK_URL": "http://bot.example.org/telegram/webhook"},
            "TELEGRAM_WEBHOOK_URL: must be a public https:// URL",
        ),
        ({"TELEGRAM_WEBHOOK_SECRET": "has spaces in it"}, "TELEGRAM_WEBHOOK_SECRET must be 1 to 256 characters"),
        ({"TELEGRAM_BOT_TOKEN": "123:abc def"}, "TELEGRAM_BOT_TOKEN contains whitespace"),
    ],
)
def test_invalid_values_name_the_variable(env: dict[str, str], expected: str) -> None:
    assert expected in _error(env)


def test_webhook_url_over_http_is_allowed_on_loopback_only() -> None:
    assert load_settings({"TELEGRAM_WEBHOOK_URL": "http://127.0.0.1:8443/telegram/webhook"}).telegram_webhook_url
    assert load_settings({"TELEGRAM_WEBHOOK_URL": "http://localhost/telegram/webhook"}).telegram_webhook_url


def test_unknown_variable_with_our_prefix_is_an_error_with_a_suggestion() -> None:
    message = _error({"OBLIGATIONS_ALOWED_USERS": "1", "TELEGRAM_TOKEN": "x", "OBLIGATIONSX": "ignored"})
    assert "OBLIGATIONS_ALOWED_USERS: not a known setting (did you mean OBLIGATIONS_ALLOWED_USERS?)" in message
    assert "TELEGRAM_TOKEN: not a known setting" in message
    assert "OBLIGATIONSX" not in message


def test_unknown_variable_in_the_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBLIGATIONS_PROT", "8081")
    with pytest.raises(SettingsError, match="OBLIGATIONS_PROT: not a known setting .did you mean OBLIGATIONS_PORT"):
        load_settings()


def test_every_problem_is_reported_at_once() -> None:
    message = _error({"OBLIGATIONS_PORT": "x", "OBLIGATIONS_LOG_LEVEL": "loud", "OBLIGATIONS_TYPO": "1"})
    assert message.count(";") == 2
    for name in ("OBLIGATIONS_PORT", "OBLIGATIONS_LOG_LEVEL", "OBLIGATIONS_TYPO"):
        assert name in message


def test_settings_error_asks_for_the_config_exit_status() -> None:
    assert SettingsError("x").exit_code == EXIT_CONFIG == 78


# ---- secret files ------------------------------------------------------------------------------


def test_token_file_is_read_and_stripped(tmp_path: Path) -> None:
    token_file = tmp_path / "telegram_bot_token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    secret_file = tmp_path / "telegram_webhook_secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    s = load_settings({"TELEGRAM_BOT_TOKEN_FILE": str(token_file), "TELEGRAM_WEBHOOK_SECRET_FILE": str(secret_file)})
    assert s.token() == TOKEN
    assert s.webhook_secret() == SECRET


def test_token_file_problems_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    assert f"TELEGRAM_BOT_TOKEN_FILE cannot be read (No such file or directory): {missing}" in _error(
        {"TELEGRAM_BOT_TOKEN_FILE": str(missing)}
    )
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    assert f"TELEGRAM_BOT_TOKEN_FILE is empty: {empty}" in _error({"TELEGRAM_BOT_TOKEN_FILE": str(empty)})
    two_lines = tmp_path / "two"
    two_lines.write_text(TOKEN + "\n" + TOKEN + "\n", encoding="utf-8")
    message = _error({"TELEGRAM_BOT_TOKEN_FILE": str(two_lines)})
    assert "TELEGRAM_BOT_TOKEN contains whitespace" in message
    assert TOKEN not in message


def test_token_and_token_file_together_is_an_error(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    message = _error({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BOT_TOKEN_FILE": str(token_file)})
    assert "set TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE, not both" in message


# ---- the token never shows -------------------------------------------------------------------------


def test_token_never_appears_in_str_repr_or_summary(tmp_path: Path) -> None:
    s = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET, "OBLIGATIONS_ALLOWED_USERS": "1,2"}
    )
    for shown in (str(s), repr(s), str(s.summary()), s.model_dump_json()):
        assert TOKEN not in shown and SECRET not in shown
    assert s.summary()["telegram_bot_token"] == "set"
    assert s.summary()["telegram_webhook_secret"] == "set"
    assert s.summary()["obligations_allowed_users"] == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"OBLIGATIONS_PORT": "x"},
        {"TELEGRAM_WEBHOOK_SECRET": "bad secret with spaces " + TOKEN},
        {"TELEGRAM_BOT_TOKEN": TOKEN + " trailing-word"},
        {"OBLIGATIONS_TOKEN": TOKEN},
    ],
)
def test_token_never_appears_in_errors(bad: dict[str, str]) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN} | bad
    message = _error(env)
    assert TOKEN not in message and "AAHfake" not in message


def test_token_never_appears_in_validation_errors_of_the_model() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as exc:
        Settings(telegram_bot_token=TOKEN, obligations_port="x")  # type: ignore[arg-type]
    assert TOKEN not in str(exc.value)


def test_token_never_appears_in_logs() -> None:
    from bot.observability import configure_logging

    stream = io.StringIO()
    root = logging.getLogger()
    saved_level = root.level
    handler = configure_logging("DEBUG", "json", stream=stream)
    try:
        s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
        log = logging.getLogger("test.settings")
        log.info("settings %s / %r", s, s)
        log.info("summary %s", s.summary())
        try:
            load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "OBLIGATIONS_PORT": "x"})
        except SettingsError:
            log.exception("start-up failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
    out = stream.getvalue()
    assert "start-up failed" in out and "OBLIGATIONS_PORT" in out
    assert TOKEN not in out
