// 👍 / 👎 under the answer, and "Signaler" after 👎: the page's half of bot/feedback.
// app.js announces each answer with an `obligations:answer` event (detail: {answer, question, document},
// or null when the answer goes away). Sentences come from /api/feedback/texts, the catalogue the bots use.
// A vote sends counts only; a report sends the question in the box, and only when "Signaler" is clicked.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const els = {
    block: $("feedback"), question: $("feedback-question"), up: $("vote-up"), down: $("vote-down"),
    panel: $("report-panel"), explain: $("report-explain"), ask: $("report-ask"), commentLabel: $("report-comment-label"),
    comment: $("report-comment"), send: $("report-send"), status: $("feedback-status"),
  };
  const texts = {};
  let current = null; // {answer, question, document, date, lang}

  async function loadTexts(lang) {
    if (!texts[lang]) {
      const response = await fetch("/api/feedback/texts?lang=" + lang, { headers: { Accept: "application/json" } });
      texts[lang] = response.ok ? await response.json() : null;
    }
    return texts[lang];
  }

  function setStatus(text, isError) {
    els.status.textContent = text || "";
    els.status.classList.toggle("error", Boolean(isError));
  }

  async function show(detail) {
    current = null;
    els.panel.hidden = true;
    setStatus("");
    if (!detail || !detail.answer) {
      els.block.hidden = true;
      return;
    }
    const lang = detail.answer.lang === "en" ? "en" : "fr";
    const dateInput = $("date");
    const shown = { ...detail, lang, date: dateInput && dateInput.value ? dateInput.value : null };
    let t = null;
    try { t = await loadTexts(lang); } catch (_) { t = null; }
    if (!t) { els.block.hidden = true; return; }
    current = shown;
    els.block.setAttribute("lang", lang);
    els.question.textContent = t.page_question;
    els.up.textContent = t.page_up;
    els.down.textContent = t.button_down;
    els.explain.textContent = t.explain;
    els.ask.textContent = t.ask_page;
    els.commentLabel.textContent = t.page_comment_label;
    els.send.textContent = t.page_report;
    els.comment.value = "";
    els.up.disabled = els.down.disabled = false;
    els.send.disabled = false;
    els.block.hidden = false;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { ok: response.ok, data };
  }

  async function vote(up) {
    if (!current) return;
    const shown = current;
    const t = texts[shown.lang];
    els.up.disabled = els.down.disabled = true;
    const a = shown.answer;
    try {
      await post("/api/feedback", {
        vote: up ? "up" : "down", verdict: a.verdict, documents: a.documents || [], version: a.version || "", lang: shown.lang,
      });
    } catch (_) { /* a lost vote is not worth bothering the user */ }
    if (current !== shown) return;
    setStatus(up ? t.thanks_up : t.thanks_down);
    if (!up) {
      els.panel.hidden = false;
      els.comment.focus();
    }
  }

  async function report() {
    if (!current) return;
    const shown = current;
    const t = texts[shown.lang];
    els.send.disabled = true;
    const body = { q: shown.question, comment: els.comment.value.trim() };
    if (shown.date) body.date = shown.date;
    if (shown.document) body.document = shown.document;
    let result = null;
    try { result = await post("/api/report", body); } catch (_) { result = null; }
    if (current !== shown) return;
    if (result && result.ok) {
      els.panel.hidden = true;
      setStatus(result.data && result.data.message);
    } else {
      els.send.disabled = false;
      setStatus((result && result.data && result.data.message) || t.unavailable, true);
    }
  }

  document.addEventListener("obligations:answer", (event) => { show(event.detail); });
  els.up.addEventListener("click", () => vote(true));
  els.down.addEventListener("click", () => vote(false));
  els.send.addEventListener("click", report);
})();
