"""The page's feedback: POST /api/feedback (a vote), POST /api/report (a consented report), and
GET /api/feedback/texts (the sentences, so the page and the bots say the same thing).

The question of a report travels in the POST body, never in a URL (access logs keep paths only).
The server answers the question again to learn what was answered (verdict, documents, version):
the page cannot make a report claim an answer the engine did not give. The daily cap is keyed by
the client's address, in memory only (X-Real-IP when nginx on loopback forwards it).
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.answer import VERDICTS
from bot.feedback import texts as FT
from bot.feedback.facts import AnswerFacts
from bot.feedback.service import MAX_COMMENT_CHARS, Feedback
from bot.web.params import ApiError, parse_date, parse_document, parse_lang, parse_question

MAX_BODY_BYTES = 16_384
NO_STORE = {"cache-control": "no-store"}
_STATUS = {"empty": 400, "too_long": 413, "limited": 429, "unavailable": 503}


def _feedback(request: Request) -> Feedback:
    feedback: Feedback = request.app.state.feedback
    return feedback


def _error(error: ApiError) -> JSONResponse:
    return JSONResponse({"error": error.code, "message": error.message}, status_code=error.status, headers=NO_STORE)


async def _json_body(request: Request) -> dict[str, Any]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise ApiError(415, "not_json", "send a JSON object (Content-Type: application/json)")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "the body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"bad_{key}", f"'{key}' must be a string")
    return value


def _sender(request: Request) -> str:
    host = request.client.host if request.client else ""
    if host in ("127.0.0.1", "::1"):
        host = request.headers.get("x-real-ip", host)
    return host


async def vote(request: Request) -> Response:
    """{"vote": "up"|"down", "verdict", "documents": [...], "version", "lang"}: counts only."""
    try:
        data = await _json_body(request)
        up = {"up": True, "down": False}.get(data.get("vote"))  # type: ignore[arg-type]
        if up is None:
            raise ApiError(400, "bad_vote", "'vote' must be up or down")
        verdict = data.get("verdict")
        if verdict not in VERDICTS:
            raise ApiError(400, "bad_verdict", "'verdict' must be one of: " + ", ".join(VERDICTS))
        documents = data.get("documents") or []
        known = request.app.state.document_ids
        if not isinstance(documents, list) or not all(isinstance(d, str) and d in known for d in documents):
            raise ApiError(400, "unknown_document", "'documents' must be a list of document ids")
        versions = request.app.state.rule_versions
        version = data.get("version") or ""
        if version and version not in versions:
            raise ApiError(400, "bad_version", "'version' must be one of: " + ", ".join(sorted(versions)))
        lang = parse_lang(_text(data, "lang"))
        day = parse_date(None)
    except ApiError as error:
        return _error(error)
    facts = AnswerFacts(verdict, tuple(documents[:5]), version, lang, day, day)
    await anyio.to_thread.run_sync(lambda: _feedback(request).vote(up, facts, "web"))
    return Response(status_code=204, headers=NO_STORE)


async def report(request: Request) -> Response:
    """{"q", "date"?, "document"?, "comment"?}: the question in the box, sent after the explanation."""
    try:
        data = await _json_body(request)
        question = parse_question(_text(data, "q"))
        day = parse_date(_text(data, "date"))
        document = parse_document(_text(data, "document"), request.app.state.document_ids)
        comment = (_text(data, "comment") or "").strip()
        if len(comment) > MAX_COMMENT_CHARS:
            raise ApiError(413, "comment_too_long", f"'comment' is longer than {MAX_COMMENT_CHARS} characters")
    except ApiError as error:
        return _error(error)
    engine = request.app.state.engine
    answer = await anyio.to_thread.run_sync(lambda: engine.answer(question, today=day, document=document))
    facts = AnswerFacts.of(answer, day)
    feedback = _feedback(request)
    outcome = await anyio.to_thread.run_sync(lambda: feedback.report(_sender(request), question, comment, facts, "web"))
    lang = answer.lang
    if outcome.stored:
        key = "stored_masked" if outcome.masked else "stored"
        message = FT.text(key, lang, id=outcome.number, kinds=FT.kinds_label(outcome.masked, lang))
        return JSONResponse(
            {"status": "stored", "id": outcome.number, "masked": list(outcome.masked), "message": message},
            status_code=201,
            headers=NO_STORE,
        )
    message = FT.text(outcome.outcome, lang, chars=2000, limit=feedback.cap.limit)
    return JSONResponse(
        {"error": f"report_{outcome.outcome}", "message": message},
        status_code=_STATUS.get(outcome.outcome, 400),
        headers=NO_STORE,
    )


async def texts(request: Request) -> Response:
    try:
        lang = parse_lang(request.query_params.get("lang"))
    except ApiError as error:
        return _error(error)
    data = FT.for_page(lang)
    data["explain"] = data["explain"].format(days=_feedback(request).retention_days)
    return JSONResponse(data)
