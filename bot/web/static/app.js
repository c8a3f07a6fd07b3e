// The helpdesk page: ask as you type, show the engine's answer, list every document.
// Every piece of data goes into the DOM through textContent or attributes, never as markup,
// and nothing is loaded from outside this origin.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;
  const MIN_CHARS = 2;

  // Every label comes from the one catalogue of wording (bot/wording.py), served by /api/wording:
  // UI[lang] follows the language toggle, ANSWER[lang] the language of the answer.
  const UI = {};
  const ANSWER = {};
  const YEAR_MIN = 1970;
  const YEAR_MAX = 2100;

  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("ask-form"), q: $("q"), date: $("date"), dateReset: $("date-reset"), langToggle: $("lang-toggle"),
    status: $("status"), privacy: $("privacy"), answer: $("answer"), verdict: $("verdict"), title: $("answer-title"),
    headline: $("answer-headline"), dates: $("answer-dates"), candidates: $("candidates"), candidatesLabel: $("candidates-label"),
    candidateButtons: $("candidate-buttons"), channelsBlock: $("channels-block"), channelsHeading: $("channels-heading"),
    channels: $("channels"), exclusionsBlock: $("exclusions-block"), exclusionsHeading: $("exclusions-heading"),
    exclusions: $("exclusions"), quotesBlock: $("quotes-block"), quotesHeading: $("quotes-heading"), quotes: $("quotes"),
    caveatsBlock: $("caveats-block"), caveatsHeading: $("caveats-heading"), caveats: $("caveats"),
    copy: $("copy"), copyStatus: $("copy-status"), filter: $("filter"), tbody: document.querySelector("#documents tbody"),
    noMatch: $("no-match"), catalogueDate: $("catalogue-date"),
  };

  const state = {
    lang: pickLanguage(),
    seq: 0,
    controller: null,
    timer: null,
    answer: null,
    // A document picked by the user (candidate button or table row) holds while the question text stays the same,
    // so changing the date answers about that document, not the ambiguous question again.
    picked: null,
    // Error code and privacy header on show, kept to re-render them when the language changes.
    error: null,
    privacyHeader: null,
    documents: [],
    documentsSeq: 0,
    filterTimer: null,
    // The last complete date sent, so that typing a year digit by digit (0002, 0020, 0202, 2023) asks once.
    dateSent: "",
  };

  function pickLanguage() {
    try {
      const saved = window.localStorage.getItem("obligations-lang");
      if (saved === "fr" || saved === "en") return saved;
    } catch (_) { /* storage disabled */ }
    return "fr";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
  }

  function formatDate(iso, lang) {
    if (!iso) return "";
    const parts = iso.split("-").map(Number);
    if (parts.length !== 3 || parts.some(Number.isNaN)) return iso;
    const day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", { dateStyle: "long", timeZone: "UTC" }).format(day);
  }

  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.className) node.className = options.className;
    if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
    if (options.attrs) for (const [name, value] of Object.entries(options.attrs)) node.setAttribute(name, value);
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed : null;
    } catch (_) {
      return null;
    }
  }

  // ---- language of the interface -------------------------------------------------------------

  function applyLanguage() {
    const t = UI[state.lang];
    document.documentElement.lang = state.lang;
    document.title = t.title;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const value = t[node.dataset.i18n];
      if (typeof value === "string") node.textContent = value;
    }
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      const value = t[node.dataset.i18nPlaceholder];
      if (typeof value === "string") node.setAttribute("placeholder", value);
    }
    els.langToggle.textContent = t.lang_toggle;
    els.langToggle.setAttribute("lang", state.lang === "fr" ? "en" : "fr");
    els.langToggle.setAttribute("aria-label", t.lang_toggle_label);
    renderDocuments();
  }

  // ---- asking ---------------------------------------------------------------------------------

  function scheduleAsk() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(() => ask(null), DEBOUNCE_MS);
  }

  async function ask(documentId) {
    window.clearTimeout(state.timer);
    if (!UI.fr) return; // the wording has not arrived yet
    const question = els.q.value.trim();
    if (question.length < MIN_CHARS) {
      state.seq += 1; // any answer still on its way is now stale
      if (state.controller) state.controller.abort();
      clearAnswer();
      return;
    }
    if (documentId) state.picked = { id: documentId, question };
    else if (state.picked && state.picked.question === question) documentId = state.picked.id;
    else state.picked = null;
    const seq = ++state.seq;
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    const params = new URLSearchParams({ q: question });
    if (completeDate()) params.set("date", completeDate());
    if (documentId) params.set("document", documentId);
    setStatus(UI[state.lang].loading);
    els.answer.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("/api/ask?" + params.toString(), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      const data = await response.json().catch(() => null);
      if (seq !== state.seq) return; // a newer question was asked meanwhile
      if (!response.ok || !data) {
        // nginx's limit_req answers 429 before the app sees the request; its body may not be ours.
        showError(response.status === 429 ? "rate_limited" : data && data.error);
        return;
      }
      setStatus("");
      showPrivacy(response.headers.get("x-obligations-identifiers"));
      renderAnswer(data);
      announce({ answer: data, question, document: documentId || null });
    } catch (error) {
      if (seq !== state.seq || (error && error.name === "AbortError")) return;
      showError("network");
    } finally {
      if (seq === state.seq) els.answer.removeAttribute("aria-busy");
    }
  }

  // Progress is shown, not announced (screen readers hear the verdict line); an error is announced.
  function setStatus(text) {
    state.error = null;
    els.status.removeAttribute("role");
    els.status.textContent = text;
    els.status.classList.remove("error");
  }

  // feedback.js puts 👍 / 👎 under each answer: it learns of answers through this event only.
  function announce(detail) {
    document.dispatchEvent(new CustomEvent("obligations:answer", { detail }));
  }

  function showError(code) {
    announce(null);
    const errors = UI[state.lang].errors;
    state.error = code && code in errors ? code : "other";
    els.status.setAttribute("role", "alert");
    els.status.textContent = errors[code] || errors.other;
    els.status.classList.add("error");
    els.answer.hidden = true;
    state.answer = null;
  }

  function showPrivacy(header) {
    state.privacyHeader = header || null;
    const kinds = (header || "").split(",").map((k) => k.trim()).filter(Boolean);
    if (!kinds.length) {
      els.privacy.hidden = true;
      els.privacy.textContent = "";
      return;
    }
    const t = UI[state.lang];
    const names = kinds.map((k) => t.kinds[k] || k).join(", ");
    els.privacy.textContent = fill(t.privacy, { kinds: names });
    els.privacy.hidden = false;
  }

  function clearAnswer() {
    announce(null);
    state.answer = null;
    state.picked = null;
    els.answer.hidden = true;
    showPrivacy(null);
    setStatus("");
    els.copyStatus.textContent = "";
  }

  // ---- rendering the answer -------------------------------------------------------------------

  function renderAnswer(a) {
    state.answer = a;
    const lang = a.lang === "en" ? "en" : "fr";
    const L = ANSWER[lang];
    els.answer.setAttribute("lang", lang);
    els.answer.dataset.verdict = a.verdict;

    // The pill is never surer than the text: an unverified row (or channel) carries « à vérifier » on it.
    const unverified = a.verified === false || (a.channels || []).some((c) => c.verified === false);
    const label = L.verdicts[a.verdict] || a.verdict;
    els.verdict.textContent = unverified && a.verdict !== "a_verifier" ? label + " · " + L.unverified_pill : label;
    els.verdict.className = "verdict verdict-" + a.verdict + (unverified && a.verdict !== "a_verifier" ? " verdict-unverified" : "");
    els.title.textContent = a.title || "";
    els.title.hidden = !a.title || Boolean(a.headline); // line 1 already names the document
    // Line 1 of every front end: the verdict, the document, the date when not today, the reason.
    els.headline.textContent = a.headline || "";
    els.headline.hidden = !a.headline;

    const dates = [];
    if (a.effective_date && !a.headline) { // line 1 says it otherwise
      const template = a.effective_date <= a.date ? L.since : L.from;
      dates.push(fill(template, { date: formatDate(a.effective_date, lang) }));
    }
    dates.push(fill(L.as_of, { date: formatDate(a.date, lang) }));
    els.dates.textContent = dates.join(" · ");

    renderCandidates(a, L);
    renderChannels(a, L);
    renderExclusions(a, L);
    renderQuotes(a, L);
    renderCaveats(a, L);

    els.copy.textContent = L.copy;
    els.copy.hidden = !a.text || a.verdict === "ambigu";
    els.copyStatus.textContent = "";
    els.answer.hidden = false;
  }

  function renderCandidates(a, L) {
    const candidates = a.candidates || [];
    els.candidateButtons.replaceChildren();
    els.candidates.hidden = candidates.length === 0;
    if (!candidates.length) return;
    els.candidatesLabel.textContent = L.candidates;
    for (const candidate of candidates) {
      const button = el("button", { className: "candidate", text: candidate.title, attrs: { type: "button" } });
      button.dataset.document = candidate.id;
      button.addEventListener("click", () => {
        ask(candidate.id).then(() => els.headline.focus());
      });
      els.candidateButtons.append(button);
    }
  }

  function renderChannels(a, L) {
    const channels = a.channels || [];
    els.channels.replaceChildren();
    els.channelsBlock.hidden = channels.length === 0;
    els.channelsHeading.textContent = L.channels;
    for (const c of channels) {
      const head = el("span", { className: "channel-label", text: c.label });
      const item = el("li", { className: c.asked ? "channel asked" : "channel" }, [head]);
      if (c.action) item.append(el("span", { className: "channel-action", text: " — " + c.action }));
      if (!c.verified) item.append(el("span", { className: "flag", text: L.unverified }));
      const details = [];
      if (c.condition) details.push(c.condition);
      if (c.recipients && c.recipients.length) details.push(fill(L.recipients, { list: c.recipients.join(", ") }));
      if (c.note) details.push(c.note);
      for (const line of details) item.append(el("span", { className: "channel-detail", text: line }));
      els.channels.append(item);
    }
  }

  function renderExclusions(a, L) {
    const exclusions = a.exclusions || [];
    els.exclusions.replaceChildren();
    els.exclusionsBlock.hidden = exclusions.length === 0;
    els.exclusionsHeading.textContent = L.exclusions;
    // Labels only: the words of the text are in the quote below, and no quote is shown twice.
    for (const x of exclusions) {
      const item = el("li", { className: x.applies ? "exclusion applies" : "exclusion" }, [
        el("span", { className: "exclusion-label", text: x.label }),
      ]);
      if (x.applies) item.append(el("span", { className: "flag flag-applies", text: L.applies }));
      els.exclusions.append(item);
    }
  }

  // An annex row is shown as its wording, then each cell under its column heading (the cell as the text has it,
  // « X » read « oui »); any other quote as it is. One link per source, under its short title.
  function quoteFigure(quote, linked) {
    const figure = el("figure", { className: "quote" });
    const cells = quote.cells || [];
    const block = el("blockquote", { text: cells.length ? cells[0].text : quote.text });
    const url = safeUrl(quote.url);
    if (url) block.setAttribute("cite", url.href);
    figure.append(block);
    if (cells.length > 1) {
      const list = el("dl", { className: "annex-cells" });
      for (const cell of cells.slice(1)) {
        if (!cell.heading) continue;
        list.append(el("div", {}, [el("dt", { text: cell.heading }), el("dd", { text: cell.shown })]));
      }
      figure.append(list);
    }
    if (!linked.has(quote.source)) {
      linked.add(quote.source);
      const title = quote.short_title || quote.title;
      const caption = el("figcaption");
      caption.append(url
        ? el("a", { text: title, attrs: { href: url.href, rel: "noopener noreferrer", target: "_blank", title: quote.title } })
        : el("span", { className: "quote-title", text: title }));
      figure.append(caption);
    } else {
      // linked once already; still named, so no quote sits under another source's name
      figure.append(el("figcaption", {}, [el("span", { className: "quote-title", text: quote.short_title || quote.title })]));
    }
    return figure;
  }

  // The quotes a reader sees: the primary one first; none twice (an exclusion inside its annex row is not repeated).
  function shownQuotes(a) {
    const all = a.citations || [];
    const primary = all.find((q) => q.primary) || null;
    const seen = [];
    const rest = [];
    const shown = (q) => ((q.cells || []).length ? q.cells[0].text : q.text);
    if (primary) seen.push(primary);
    for (const q of all) {
      if (q === primary) continue;
      if (seen.some((s) => s.source === q.source && (s.text.includes(q.text) || shown(s).includes(shown(q))))) continue;
      seen.push(q);
      rest.push(q);
    }
    return { primary, rest };
  }

  function renderQuotes(a, L) {
    const { primary, rest } = shownQuotes(a);
    els.quotes.replaceChildren();
    els.quotesBlock.hidden = !primary;
    els.quotesHeading.textContent = L.quotes;
    if (!primary) return;
    const linked = new Set();
    els.quotes.append(quoteFigure(primary, linked));
    if (rest.length) {
      const more = el("details", { className: "more-quotes" }, [
        el("summary", { text: fill(L.more_quotes, { n: rest.length }) }),
      ]);
      for (const quote of rest) more.append(quoteFigure(quote, linked));
      els.quotes.append(more);
    }
  }

  function renderCaveats(a, L) {
    const caveats = a.caveats || [];
    els.caveats.replaceChildren();
    els.caveatsBlock.hidden = caveats.length === 0;
    els.caveatsHeading.textContent = L.caveats;
    for (const caveat of caveats) els.caveats.append(el("li", { text: caveat }));
  }

  // ---- copy -----------------------------------------------------------------------------------

  async function copyAnswer() {
    if (!state.answer || !state.answer.text) return;
    const t = ANSWER[state.answer.lang === "en" ? "en" : "fr"];
    const text = state.answer.text;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const area = el("textarea", { className: "visually-hidden", attrs: { readonly: "" } });
        area.value = text;
        document.body.append(area);
        area.select();
        const ok = document.execCommand("copy");
        area.remove();
        if (!ok) throw new Error("execCommand copy refused");
      }
      els.copyStatus.textContent = t.copied;
    } catch (_) {
      els.copyStatus.textContent = t.copy_failed;
    }
  }

  // ---- the table of documents -----------------------------------------------------------------

  async function loadDocuments() {
    const seq = ++state.documentsSeq;
    const params = new URLSearchParams({ lang: state.lang });
    if (completeDate()) params.set("date", completeDate());
    // The filter is read by the engine, as a question is: names, abbreviations (« CRO »), dates (« 2023 »).
    const filter = els.filter.value.trim();
    if (filter) params.set("q", filter);
    try {
      const response = await fetch("/api/documents?" + params.toString(), { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (seq !== state.documentsSeq || !response.ok || !Array.isArray(data)) return;
      state.documents = data;
      state.documentsFiltered = Boolean(filter);
      renderDocuments();
    } catch (_) {
      /* the table stays as it was; the question box still works */
    }
  }

  function channelIds(summary) {
    const ids = new Set();
    for (const c of summary.channels || []) ids.add(typeof c === "string" ? c : c.id || c.channel);
    return ids;
  }

  function exclusionLabels(summary) {
    return summary.exclusion_labels || summary.exclusions || [];
  }

  function summaryTitle(summary) {
    const title = summary.title;
    if (title && typeof title === "object") return title[state.lang] || title.fr || "";
    return title || summary.id;
  }

  function renderDocuments() {
    const t = UI[state.lang];
    const today = completeDate() || null;
    els.catalogueDate.textContent = today ? fill(t.catalogue_as_of, { date: formatDate(today, state.lang) }) : "";
    const rows = [];
    for (const summary of state.documents) {
      const title = summaryTitle(summary);
      const exclusions = exclusionLabels(summary);
      const date = formatDate(summary.effective_date, state.lang);
      // At the date shown: a row not yet in force is not ticked, and an unverified date says so.
      const inForce = summary.in_force !== false;
      const channels = inForce ? channelIds(summary) : new Set();
      const dateCell = el("td", { attrs: { "data-label": t.col_date } }, [
        document.createTextNode(inForce ? date : fill(t.not_in_force, { date })),
      ]);
      if (summary.verified === false || summary.status === "a_verifier") dateCell.append(el("span", { className: "flag flag-unverified", text: t.unverified }));
      const askButton = el("button", {
        className: "doc-link", text: title,
        attrs: { type: "button", title: t.ask_about },
      });
      askButton.addEventListener("click", () => {
        els.q.value = title;
        ask(summary.id);
        els.q.focus();
        window.scrollTo({ top: 0, behavior: "smooth" });
      });
      const docCell = el("td", { attrs: { "data-label": t.col_document } }, [askButton]);
      if (summary.wording && summary.wording !== title) docCell.append(el("span", { className: "wording", text: summary.wording }));
      const planned = !inForce && channelIds(summary);
      const tick = (id, label) => {
        const has = channels.has(id);
        if (planned && planned.has(id)) {
          const text = fill(t.planned, { date });
          return el("td", { className: "planned", text: "…", attrs: { "data-label": label, "aria-label": text, title: text } });
        }
        return el("td", { className: has ? "yes" : "no", text: has ? "✓" : "—", attrs: { "data-label": label, "aria-label": has ? t.yes : t.no } });
      };
      rows.push(el("tr", { className: inForce ? "" : "not-in-force" }, [
        docCell,
        dateCell,
        tick("dmp", t.col_dmp),
        tick("mss_professionnels", t.col_mss_pro),
        tick("mss_patient", t.col_mss_patient),
        el("td", { text: exclusions.join(" ; ") || "—", attrs: { "data-label": t.col_exclusions } }),
      ]));
    }
    els.tbody.replaceChildren(...rows);
    els.noMatch.hidden = rows.length > 0 || !state.documentsFiltered;
  }

  // ---- wiring ---------------------------------------------------------------------------------

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(null);
  });
  els.q.addEventListener("input", () => {
    state.picked = null; // a new question: the document picked for the old one no longer holds
    scheduleAsk();
  });
  // Typing a date digit by digit fires an event per digit (year 0002, 0020, 0202…): ask only once the date is
  // complete and within range, and only when it changed.
  function onDateEdit() {
    const value = completeDate();
    if (value === state.dateSent || (els.date.value && !value)) return;
    state.dateSent = value;
    if (els.q.value.trim().length >= MIN_CHARS) ask(null);
    loadDocuments();
  }
  els.date.addEventListener("input", onDateEdit);
  els.date.addEventListener("change", onDateEdit);
  els.date.addEventListener("blur", onDateEdit);
  function resetDate() {
    els.date.value = "";
    onDateEdit();
  }
  els.dateReset.addEventListener("click", () => {
    resetDate();
    els.q.focus();
  });
  els.filter.addEventListener("input", () => {
    window.clearTimeout(state.filterTimer);
    state.filterTimer = window.setTimeout(loadDocuments, DEBOUNCE_MS);
  });
  els.copy.addEventListener("click", copyAnswer);
  els.langToggle.addEventListener("click", () => {
    state.lang = state.lang === "fr" ? "en" : "fr";
    try { window.localStorage.setItem("obligations-lang", state.lang); } catch (_) { /* storage disabled */ }
    applyLanguage();
    loadDocuments();
    if (state.answer) renderAnswer(state.answer);
    if (state.error) showError(state.error);
    if (!els.privacy.hidden) showPrivacy(state.privacyHeader);
    if (els.status.textContent && !state.error && els.answer.getAttribute("aria-busy") === "true") setStatus(UI[state.lang].loading);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (event.target === els.filter && els.filter.value) {
        els.filter.value = "";
        loadDocuments();
        return;
      }
      event.preventDefault();
      window.clearTimeout(state.timer);
      state.seq += 1;
      if (state.controller) state.controller.abort();
      els.q.value = "";
      clearAnswer();
      resetDate(); // the next caller is answered as of today, not at an earlier caller's date
      els.q.focus();
      return;
    }
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      els.q.focus();
    }
  });

  function completeDate() {
    const value = els.date.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return "";
    const year = Number(value.slice(0, 4));
    return year >= YEAR_MIN && year <= YEAR_MAX ? value : "";
  }

  async function loadWording() {
    try {
      const response = await fetch("/api/wording", { headers: { Accept: "application/json" } });
      const data = await response.json();
      for (const lang of ["fr", "en"]) {
        UI[lang] = data[lang];
        ANSWER[lang] = data[lang].answer;
      }
    } catch (_) {
      // The one sentence that cannot come from the catalogue: the catalogue itself did not arrive.
      els.status.textContent = "Le service ne répond pas. / The service does not answer.";
      els.status.classList.add("error");
    }
  }

  els.title.setAttribute("tabindex", "-1");
  els.headline.setAttribute("tabindex", "-1");
  els.q.focus();
  loadWording().then(() => {
    if (!UI.fr) return;
    applyLanguage();
    loadDocuments();
  });
})();
