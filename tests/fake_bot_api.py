"""A fake Telegram Bot API on loopback, for end-to-end tests of the real PTB `Application`.

The bot under test is pointed at it with `ApplicationBuilder().base_url(api.base_url)` and talks
HTTP to it exactly as it would to api.telegram.org: long-polled getUpdates (timeout and offset
honoured), sendMessage, editMessageText, answerCallbackQuery, answerInlineQuery, … Every call is
recorded with its decoded parameters. Tests inject updates and scripted faults (429 with
retry_after, 5xx, delays — for one chat or all —, a rejected token) and outages (`refuse()`: the port
stops accepting connections, as when Telegram or the network is down, until `accept()`).

It is the stdlib `ThreadingHTTPServer` in a background thread, so it keeps answering while the
test's event loop is busy, and it needs no extra package.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import itertools
import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Obligations",
    "username": "obligations_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str
    at: float
    status: int = 200  # what the fake answered (a scripted fault's status, or 200)


@dataclass
class Fault:
    """A scripted answer for the next `times` calls of `method`."""

    method: str
    status: int = 500
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    description: str = ""
    chat_id: int | None = None  # only calls for this chat (None: any)

    def applies(self, method: str, params: dict[str, Any]) -> bool:
        if self.method != method or self.times <= 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    message_ids: dict[int, itertools.count] = field(default_factory=dict)
    confirmed_offset: int = 0
    delivered_at: dict[int, float] = field(default_factory=dict)  # update_id → first handed to the bot


def _decode(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeBotAPI:
    """Start with `start()` (or as a context manager); `base_url` is what the bot needs."""

    def __init__(self, *, rejected_tokens: tuple[str, ...] = ()) -> None:
        self._state = _State()
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(1000)
        self.rejected_tokens = set(rejected_tokens)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0
        self._connections: set[Any] = set()
        self._refusing = False
        self._busy = 0  # requests being answered (a long poll waiting for updates is not busy)

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeBotAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are two writes: without TCP_NODELAY, Nagle and the client's delayed ACK
            # hold the body ~40 ms, and every call the bot makes would look 40 ms slow.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def setup(self) -> None:
                super().setup()
                with api._cond:
                    api._connections.add(self.connection)

            def finish(self) -> None:
                with api._cond:
                    api._connections.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

            def do_POST(self) -> None:
                with api._cond:
                    api._busy += 1
                try:
                    api._handle(self)
                finally:
                    with api._cond:
                        api._busy -= 1
                        api._cond.notify_all()

            do_GET = do_POST

        self._handler = Handler
        self._listen()
        return self

    def _listen(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self._port), self._handler)
        server.daemon_threads = True
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._thread.start()

    def refuse(self) -> None:
        """An outage: stop listening (new connections are refused) and close the open ones.

        Requests being answered finish first: a connection cut mid-answer is another fault (the client
        cannot know whether the request was acted on), scripted with `delay` and a short send timeout.
        """
        with self._cond:
            self._refusing = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._busy == 0, timeout=5)
            server, self._server = self._server, None
            connections = list(self._connections)
        if server is not None:
            server.shutdown()
            server.server_close()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def accept(self) -> None:
        """The end of an outage: listen again on the same port."""
        with self._cond:
            self._refusing = False
        self._listen()

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._port, "server not started"
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- scripting -------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int = 500,
        *,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (for `chat_id`, if given) answer `status` (429 carries retry_after)."""
        with self._cond:
            self._state.faults.append(Fault(method, status, retry_after, delay, times, chat_id=chat_id))

    def delay(self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None) -> None:
        """The next `times` calls of `method` (for `chat_id`, if given) succeed, but only after `seconds`."""
        with self._cond:
            self._state.faults.append(Fault(method, 200, None, seconds, times, chat_id=chat_id))

    def clear_faults(self) -> None:
        """Telegram is well again: every scripted fault not yet served is forgotten."""
        with self._cond:
            self._state.faults.clear()

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (an update_id is added); a waiting getUpdates returns at once."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._state.updates.append(update)
            self._cond.notify_all()
        return update

    # Builders for the update kinds the tests need ---------------------------------------------
    def user(self, user_id: int | None = None, language_code: str = "fr") -> dict[str, Any]:
        uid = user_id if user_id is not None else next(self._user_ids)
        return {"id": uid, "is_bot": False, "first_name": f"Dr {uid}", "language_code": language_code}

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str = "fr",
        reply_to_bot: bool = False,
        entities: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        message = self._message(chat_id, user_id if user_id is not None else chat_id, chat_type, language_code)
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}
            ]
        if entities:
            message["entities"] = entities
        if reply_to_bot:
            message["reply_to_message"] = {
                "message_id": 1,
                "date": int(time.time()),
                "chat": message["chat"],
                "from": BOT_USER,
                "text": "…",
            }
        message.update(extra)
        return self.push({"message": message})

    def send_mention(self, chat_id: int, text_after: str, **kw: Any) -> dict[str, Any]:
        """A group message that starts with @bot_username."""
        mention = "@" + BOT_USER["username"]
        entity = {"type": "mention", "offset": 0, "length": len(mention)}
        return self.send_text(chat_id, f"{mention} {text_after}", entities=[entity], **kw)

    def send_photo(self, chat_id: int, *, caption: str | None = None) -> dict[str, Any]:
        message = self._message(chat_id, chat_id, "private", "fr")
        message["photo"] = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        if caption:
            message["caption"] = caption
        return self.push({"message": message})

    def send_other(self, chat_id: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        message = self._message(chat_id, chat_id, "private", "fr")
        message[kind] = payload
        return self.push({"message": message})

    def press(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None, language_code: str = "fr"
    ) -> dict[str, Any]:
        """The user presses an inline button with `data` under the bot's message `message_id`."""
        user = self.user(user_id if user_id is not None else chat_id, language_code)
        return self.push(
            {
                "callback_query": {
                    "id": f"cq{next(self._update_ids)}",
                    "from": user,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "from": BOT_USER,
                        "text": "…",
                    },
                }
            }
        )

    def inline(self, user_id: int, query: str, *, language_code: str = "fr") -> dict[str, Any]:
        return self.push(
            {
                "inline_query": {
                    "id": f"iq{next(self._update_ids)}",
                    "from": self.user(user_id, language_code),
                    "query": query,
                    "offset": "",
                }
            }
        )

    def _message(self, chat_id: int, user_id: int, chat_type: str, language_code: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Cabinet"
        return {
            "message_id": next(self._update_ids) + 100_000,
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, language_code),
        }

    # --- inspection ------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._state.calls if method is None or c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of every sendMessage (to `chat_id`, if given), in order."""
        return [
            c.params
            for c in self.calls("sendMessage")
            if chat_id is None or str(c.params.get("chat_id")) == str(chat_id)
        ]

    def delivered(self, chat_id: int) -> list[dict[str, Any]]:
        """Parameters of every sendMessage to `chat_id` that the fake accepted (answered 200), in order."""
        return [
            c.params
            for c in self.calls("sendMessage")
            if c.status == 200 and str(c.params.get("chat_id")) == str(chat_id)
        ]

    def delivered_at(self, update_id: int) -> float | None:
        with self._cond:
            return self._state.delivered_at.get(update_id)

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._state.updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        """Wait without blocking the event loop the bot runs on."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; calls: {[c.method for c in self.calls()]}"
                )
            await asyncio.sleep(0.01)

    async def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0, **match: Any) -> list[Call]:
        def matching() -> list[Call]:
            return [c for c in self.calls(method) if all(str(c.params.get(k)) == str(v) for k, v in match.items())]

        await self.wait_for(lambda: len(matching()) >= count, timeout, f"{count} × {method} {match or ''}")
        return matching()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        """Blocking variant, for tests that run the bot in a subprocess."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; calls: {[c.method for c in self.calls()]}"
                )
            time.sleep(0.02)

    # --- HTTP ------------------------------------------------------------------------------
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        path = req.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            self._reply(req, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = parts[0][3:], parts[1]
        params = self._params(req)
        with self._cond:
            call = Call(method, params, token, time.monotonic())
            self._state.calls.append(call)
            fault = next((f for f in self._state.faults if f.applies(method, params)), None)
            if fault is not None:
                fault.times -= 1
                call.status = fault.status
        if token in self.rejected_tokens:
            self._reply(req, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status != 200:
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description or _phrase(fault.status),
                }
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                    body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                self._reply(req, fault.status, body)
                return
        self._reply(req, 200, {"ok": True, "result": self._result(method, params)})

    def _params(self, req: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        ctype = req.headers.get("Content-Type", "")
        if not raw:
            return {}
        if ctype.startswith("application/json"):
            data = json.loads(raw)
            return data if isinstance(data, dict) else {}
        if ctype.startswith("multipart/form-data"):
            return {"_multipart": True}
        return {k: _decode(v) for k, v in parse_qsl(raw.decode("utf-8"), keep_blank_values=True)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(params)
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            return self._message_result(method, params)
        if method == "getMyCommands":
            return []
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset:
                # Telegram forgets every update before `offset`: they are confirmed.
                self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
                self._state.confirmed_offset = max(self._state.confirmed_offset, offset)
            self._busy -= 1  # waiting for updates: an outage may cut this connection
            while not self._state.updates and self._server is not None and not self._refusing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._busy += 1
            batch = list(self._state.updates[:limit])
            now = time.monotonic()
            for u in batch:
                self._state.delivered_at.setdefault(u["update_id"], now)
            return batch

    def _message_result(self, method: str, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        chat_id = int(params.get("chat_id") or 0)
        with self._cond:
            counter = self._state.message_ids.setdefault(chat_id, itertools.count(1))
            message_id = int(params["message_id"]) if "message_id" in params else next(counter)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": str(params.get("text", "…")),
        }
        # Telegram returns inline keyboards with the message, not ForceReply or reply keyboards.
        if isinstance(params.get("reply_markup"), dict) and "inline_keyboard" in params["reply_markup"]:
            message["reply_markup"] = params["reply_markup"]
        return message

    @staticmethod
    def _reply(req: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            req.send_response(status)
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(data)))
            if status >= 500:  # as a failing front proxy does: the connection is not kept
                req.send_header("Connection", "close")
                req.close_connection = True
            req.end_headers()
            req.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. the bot stopped while a long poll was open)


def _phrase(status: int) -> str:
    return {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
        status, f"Error {status}"
    )


# --- running the real bot against the fake -------------------------------------------------------
TEST_TOKEN = "123456789:AAE-test-token-for-the-fake-bot-api_0123"
TODAY = dt.date(2025, 6, 2)


def stop_process(process: subprocess.Popen[str], timeout: float = 20) -> tuple[str, str]:
    """SIGTERM an `obligations` process as systemd would, collect its output, and kill it if it hangs."""
    try:
        process.send_signal(signal.SIGTERM)
        return process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@functools.cache
def shared_engine() -> Any:
    """The engine, loaded once per test session (it is read-only)."""
    from bot.engine import Engine

    return Engine.load()


def bot_settings(api: FakeBotAPI, **env: str) -> Any:
    from bot.settings import load_settings

    return load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": api.base_url, **env})


class RunningBot:
    """The real Application long-polling the fake API inside the test's event loop."""

    def __init__(self, api: FakeBotAPI, application: Any, task: asyncio.Task[int], stop: asyncio.Event) -> None:
        self.api, self.application, self.task, self.stop_event = api, application, task, stop

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every update pushed so far has been fetched, and every handler has finished."""
        api, app = self.api, self.application
        last = next(api._update_ids) - 1  # ids are increasing: this one is past every pushed update
        processor = app.update_processor

        def done() -> bool:
            fetched = not any(u["update_id"] <= last for u in api._state.updates) or api._state.confirmed_offset > last
            return fetched and app.update_queue.empty() and processor.current_concurrent_updates == 0

        # Two quiet checks in a row: an update may be between the queue and the processor.
        await api.wait_for(done, timeout, "the bot to go idle")
        await asyncio.sleep(0.05)
        await api.wait_for(done, timeout, "the bot to go idle")

    async def stop(self) -> int:
        self.stop_event.set()
        return await asyncio.wait_for(self.task, 15)


async def start_bot(
    api: FakeBotAPI,
    *,
    clock: Callable[[], Any] = lambda: TODAY,
    monotonic: Callable[[], float] | None = None,
    delivery: Any = None,
    **env: str,
) -> RunningBot:
    from bot.telegram.app import build_application
    from bot.telegram.main import serve_polling

    application = build_application(
        bot_settings(api, **env), shared_engine(), clock=clock, monotonic=monotonic, delivery=delivery
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve_polling(application, poll_timeout=0.5, stop=stop, handle_signals=False))
    running = RunningBot(api, application, task, stop)
    await api.wait_for(lambda: bool(api.calls("getUpdates")) or task.done(), 10, "the first getUpdates")
    if task.done():
        raise AssertionError(f"the bot stopped at start-up with code {task.result()}")
    return running
