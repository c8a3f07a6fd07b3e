"""The JSON API: /api/ask, /api/documents (and /healthz, /metrics from bot.serving).

Handlers do I/O only: validate parameters (`params`), call the engine off the event loop, and
return its JSON unchanged, the same schema as `obligations ask --json`.
"""

from __future__ import annotations

import time
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.privacy import find_identifiers
from bot.serving import NO_STORE, healthz, metrics_endpoint
from bot.web import metrics
from bot.web.params import ApiError, parse_date, parse_document, parse_filter, parse_lang, parse_question, today
from bot.wording import page_wording

IDENTIFIERS_HEADER = "x-obligations-identifiers"
# A question of this size is answered in about 0.1 ms: cheaper on the event loop than a hop to a
# worker thread. Longer ones (up to 2000 characters, ~15 ms) go to a thread so they cannot stall it.
INLINE_QUESTION_CHARS = 300


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse({"error": error.code, "message": error.message}, status_code=error.status, headers=NO_STORE)


def _engine(request: Request) -> Any:
    return request.app.state.engine


async def ask(request: Request) -> Response:
    """Answer one question; `date` and `document` are optional."""
    query = request.query_params
    try:
        question = parse_question(query.get("q"))
        day = parse_date(query.get("date"))
        document = parse_document(query.get("document"), request.app.state.document_ids)
    except ApiError as error:
        return error_response(error)
    engine = _engine(request)
    start = time.perf_counter()
    if len(question) <= INLINE_QUESTION_CHARS:
        answer = engine.answer(question, today=day, document=document, asked_on=today())
    else:
        answer = await anyio.to_thread.run_sync(
            lambda: engine.answer(question, today=day, document=document, asked_on=today())
        )
    metrics.record_answer(answer.verdict, time.perf_counter() - start)
    headers = dict(NO_STORE)
    kinds = find_identifiers(question)
    if kinds:
        # Which kinds of patient identifiers the question seems to hold (never the values), so the
        # page can warn; a header keeps the JSON body identical to `obligations ask --json`.
        headers[IDENTIFIERS_HEADER] = ",".join(kinds)
    return JSONResponse(answer.to_json(), headers=headers)


async def wording(request: Request) -> Response:
    """The page's labels in French and English, from the one catalogue every front end uses (bot.wording)."""
    return JSONResponse(page_wording(), headers={"cache-control": "public, max-age=300"})


async def documents(request: Request) -> Response:
    """Every document with its effective date, channels and exclusions, as of `date`, titles in `lang`;
    `q` filters them as the engine reads names, abbreviations and dates (« CRO », « ordonnance », « 2023 »)."""
    try:
        day = parse_date(request.query_params.get("date"))
        lang = parse_lang(request.query_params.get("lang"))
        query = parse_filter(request.query_params.get("q"))
    except ApiError as error:
        return error_response(error)
    summaries = _engine(request).find(query, day, lang) if query else _engine(request).catalogue(day, lang)
    return JSONResponse([s.to_json() for s in summaries], headers=NO_STORE if query else None)


__all__ = ["ask", "documents", "healthz", "metrics_endpoint", "error_response", "NO_STORE"]
