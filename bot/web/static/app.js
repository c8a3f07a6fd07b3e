// The helpdesk page: ask as you type, show the engine's answer, list every document.
// Every piece of data goes into the DOM through textContent or attributes, never as markup,
// and nothing is loaded from outside this origin.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;
  const MIN_CHARS = 2;

  const UI = {
    fr: {
      title: "Obligations DMP et messagerie sécurisée",
      subtitle: "Arrêté du 26 avril 2022 (annexe modifiée par l'arrêté du 23 mai 2024) : quels documents verser au DMP, envoyer aux confrères et au patient.",
      question_label: "Votre question",
      placeholder: "Ex. : compte rendu de biologie dans le DMP ?",
      ask: "Demander",
      date_label: "Réponse à la date du",
      today: "aujourd'hui",
      hint: "Entrée pour demander, Échap pour effacer. N'écrivez aucune donnée patient.",
      copy: "Copier la réponse",
      copied: "Copié.",
      copy_failed: "Copie impossible : sélectionnez le texte à la main.",
      catalogue: "Tous les documents",
      filter_label: "Filtrer",
      filter_placeholder: "ex. : imagerie, ordonnance, 2024",
      col_document: "Document",
      col_date: "Obligatoire depuis",
      col_dmp: "DMP",
      col_mss_pro: "MSS professionnels",
      col_mss_patient: "MSS patient",
      col_exclusions: "Exclusions",
      no_match: "Aucun document ne correspond.",
      footer: "Réponses tirées du texte de l'arrêté, citations à l'appui. En cas de doute, le texte publié au Journal officiel fait foi.",
      lang_toggle: "English",
      lang_toggle_label: "Switch to English",
      catalogue_as_of: "Situation au {date}.",
      loading: "Recherche…",
      yes: "oui",
      no: "non",
      from: "à partir du {date}",
      ask_about: "Demander pour ce document",
      errors: {
        missing_question: "Écrivez une question.",
        question_too_long: "Question trop longue (2000 caractères au plus).",
        bad_date: "Date invalide : choisissez un jour entre 1970 et 2100.",
        unknown_document: "Document inconnu.",
        rate_limited: "Trop de demandes à la fois depuis votre réseau : patientez quelques secondes, puis réessayez.",
        network: "Le service ne répond pas. Réessayez dans un instant.",
        other: "Le service n'a pas pu répondre.",
      },
      privacy: "Votre question semble contenir des données patient ({kinds}). Elles ne sont ni conservées ni journalisées ; évitez de les saisir.",
      kinds: { nir: "n° de sécurité sociale", ins: "INS", birth_date: "date de naissance", phone: "téléphone", email: "adresse e-mail" },
    },
    en: {
      title: "DMP and secure messaging duties",
      subtitle: "French arrêté of 26 April 2022 (annex changed by the arrêté of 23 May 2024): which documents go to the DMP, to other professionals and to the patient.",
      question_label: "Your question",
      placeholder: "E.g. lab report in the DMP?",
      ask: "Ask",
      date_label: "Answer as of",
      today: "today",
      hint: "Enter to ask, Esc to clear. Do not type any patient data.",
      copy: "Copy the answer",
      copied: "Copied.",
      copy_failed: "Could not copy: select the text by hand.",
      catalogue: "All documents",
      filter_label: "Filter",
      filter_placeholder: "e.g. imaging, prescription, 2024",
      col_document: "Document",
      col_date: "Required since",
      col_dmp: "DMP",
      col_mss_pro: "Secure messaging, professionals",
      col_mss_patient: "Secure messaging, patient",
      col_exclusions: "Exclusions",
      no_match: "No document matches.",
      footer: "Answers drawn from the text of the arrêté, with quotes. When in doubt, the text published in the Journal officiel prevails.",
      lang_toggle: "Français",
      lang_toggle_label: "Passer en français",
      catalogue_as_of: "As of {date}.",
      loading: "Searching…",
      yes: "yes",
      no: "no",
      from: "from {date}",
      ask_about: "Ask about this document",
      errors: {
        missing_question: "Type a question.",
        question_too_long: "Question too long (2000 characters at most).",
        bad_date: "Invalid date: pick a day between 1970 and 2100.",
        unknown_document: "Unknown document.",
        rate_limited: "Too many requests at once from your network: wait a few seconds, then try again.",
        network: "The service does not answer. Try again in a moment.",
        other: "The service could not answer.",
      },
      privacy: "Your question seems to contain patient data ({kinds}). It is neither kept nor logged; please avoid typing it.",
      kinds: { nir: "social security number", ins: "INS", birth_date: "date of birth", phone: "phone number", email: "e-mail address" },
    },
  };

  // Labels of the answer block follow the language of the question (answer.lang), not the toggle.
  const ANSWER = {
    fr: {
      verdicts: {
        obligatoire: "Obligatoire",
        pas_encore_en_vigueur: "Pas encore en vigueur",
        exclu: "Exclu",
        non_concerne: "Non concerné",
        non_liste: "Non listé par l'arrêté",
        a_verifier: "À vérifier",
        ambigu: "Quel document ?",
        hors_sujet: "Hors sujet",
      },
      channels: "Canaux",
      exclusions: "Exclusions",
      quotes: "Le texte",
      more_quotes: "Autres extraits ({n})",
      caveats: "À savoir",
      candidates: "Plusieurs documents correspondent. Lequel ?",
      as_of: "Réponse au {date}",
      since: "obligatoire depuis le {date}",
      from: "obligatoire à partir du {date}",
      recipients: "Destinataires : {list}",
      applies: "s'applique à votre question",
      unverified: "à vérifier",
      read_source: "Lire sur {host}",
    },
    en: {
      verdicts: {
        obligatoire: "Required",
        pas_encore_en_vigueur: "Not yet in force",
        exclu: "Excluded",
        non_concerne: "Not concerned",
        non_liste: "Not listed in the arrêté",
        a_verifier: "To be checked",
        ambigu: "Which document?",
        hors_sujet: "Off topic",
      },
      channels: "Channels",
      exclusions: "Exclusions",
      quotes: "The text",
      more_quotes: "Other excerpts ({n})",
      caveats: "Good to know",
      candidates: "Several documents match. Which one?",
      as_of: "Answer as of {date}",
      since: "required since {date}",
      from: "required from {date}",
      recipients: "Recipients: {list}",
      applies: "applies to your question",
      unverified: "to be checked",
      read_source: "Read on {host}",
    },
  };

  // The catalogue gives exclusion ids; these are our short names for them, not quotes of the law.
  const EXCLUSION_NAMES = {
    fr: {
      sejour_hospitalier: "séjour hospitalier",
      entente_prealable: "entente préalable",
      genetique_constitutionnelle: "génétique constitutionnelle",
    },
    en: {
      sejour_hospitalier: "hospital stay",
      entente_prealable: "prior approval",
      genetique_constitutionnelle: "constitutional genetics",
    },
  };

  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("ask-form"), q: $("q"), date: $("date"), dateReset: $("date-reset"), langToggle: $("lang-toggle"),
    status: $("status"), privacy: $("privacy"), answer: $("answer"), verdict: $("verdict"), title: $("answer-title"),
    dates: $("answer-dates"), candidates: $("candidates"), candidatesLabel: $("candidates-label"),
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
    if (els.date.value) params.set("date", els.date.value);
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

  function setStatus(text) {
    state.error = null;
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

    els.verdict.textContent = L.verdicts[a.verdict] || a.verdict;
    els.verdict.className = "verdict verdict-" + a.verdict;
    els.title.textContent = a.title || "";
    els.title.hidden = !a.title;

    const dates = [];
    if (a.effective_date) {
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
        ask(candidate.id).then(() => els.title.focus());
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
    for (const node of els.exclusionsBlock.querySelectorAll(".exclusion-quote")) node.remove();
    const quotes = [];
    for (const x of exclusions) {
      const item = el("li", { className: x.applies ? "exclusion applies" : "exclusion" }, [
        el("span", { className: "exclusion-label", text: x.label }),
      ]);
      if (x.applies) item.append(el("span", { className: "flag flag-applies", text: L.applies }));
      els.exclusions.append(item);
      if (x.quote && !quotes.includes(x.quote)) quotes.push(x.quote);
    }
    // Several exclusions often come from one sentence of the text: quote it once.
    for (const quote of quotes) els.exclusionsBlock.append(el("q", { className: "exclusion-quote", text: quote }));
  }

  function quoteFigure(quote, L) {
    const figure = el("figure", { className: "quote" });
    const block = el("blockquote", { text: quote.text });
    const url = safeUrl(quote.url);
    if (url) block.setAttribute("cite", url.href);
    figure.append(block);
    const caption = el("figcaption", {}, [el("span", { className: "quote-title", text: quote.title })]);
    if (url) {
      caption.append(document.createTextNode(" — "));
      caption.append(el("a", {
        text: fill(L.read_source, { host: url.hostname.replace(/^www\./, "") }),
        attrs: { href: url.href, rel: "noopener noreferrer", target: "_blank" },
      }));
    }
    figure.append(caption);
    return figure;
  }

  function renderQuotes(a, L) {
    const quotes = a.citations || [];
    els.quotes.replaceChildren();
    els.quotesBlock.hidden = quotes.length === 0;
    els.quotesHeading.textContent = L.quotes;
    if (!quotes.length) return;
    els.quotes.append(quoteFigure(quotes[0], L));
    if (quotes.length > 1) {
      const more = el("details", { className: "more-quotes" }, [
        el("summary", { text: fill(L.more_quotes, { n: quotes.length - 1 }) }),
      ]);
      for (const quote of quotes.slice(1)) more.append(quoteFigure(quote, L));
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
    const t = UI[state.lang];
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
    if (els.date.value) params.set("date", els.date.value);
    try {
      const response = await fetch("/api/documents?" + params.toString(), { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (seq !== state.documentsSeq || !response.ok || !Array.isArray(data)) return;
      state.documents = data;
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
    const names = EXCLUSION_NAMES[state.lang];
    return (summary.exclusions || []).map((x) => (typeof x === "string" ? names[x] || x : x.label || x.id)).filter(Boolean);
  }

  function normalise(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function summaryTitle(summary) {
    const title = summary.title;
    if (title && typeof title === "object") return title[state.lang] || title.fr || "";
    return title || summary.id;
  }

  function renderDocuments() {
    const t = UI[state.lang];
    const today = els.date.value || null;
    els.catalogueDate.textContent = today ? fill(t.catalogue_as_of, { date: formatDate(today, state.lang) }) : "";
    const words = normalise(els.filter.value).split(/\s+/).filter(Boolean);
    const rows = [];
    for (const summary of state.documents) {
      const title = summaryTitle(summary);
      const exclusions = exclusionLabels(summary);
      const date = formatDate(summary.effective_date, state.lang);
      const haystack = normalise([title, summary.wording, summary.id, summary.effective_date, date, ...exclusions].join(" "));
      if (words.some((w) => !haystack.includes(w))) continue;
      const channels = channelIds(summary);
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
      const tick = (id, label) => {
        const has = channels.has(id);
        return el("td", { className: has ? "yes" : "no", text: has ? "✓" : "—", attrs: { "data-label": label, "aria-label": has ? t.yes : t.no } });
      };
      rows.push(el("tr", {}, [
        docCell,
        el("td", { text: date, attrs: { "data-label": t.col_date } }),
        tick("dmp", t.col_dmp),
        tick("mss_professionnels", t.col_mss_pro),
        tick("mss_patient", t.col_mss_patient),
        el("td", { text: exclusions.join(" ; ") || "—", attrs: { "data-label": t.col_exclusions } }),
      ]));
    }
    els.tbody.replaceChildren(...rows);
    els.noMatch.hidden = rows.length > 0 || state.documents.length === 0;
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
  els.date.addEventListener("change", () => {
    if (els.q.value.trim().length >= MIN_CHARS) ask(null);
    loadDocuments();
  });
  els.dateReset.addEventListener("click", () => {
    els.date.value = "";
    if (els.q.value.trim().length >= MIN_CHARS) ask(null);
    loadDocuments();
    els.q.focus();
  });
  els.filter.addEventListener("input", renderDocuments);
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
        renderDocuments();
        return;
      }
      event.preventDefault();
      window.clearTimeout(state.timer);
      state.seq += 1;
      if (state.controller) state.controller.abort();
      els.q.value = "";
      clearAnswer();
      els.q.focus();
      return;
    }
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      els.q.focus();
    }
  });

  els.title.setAttribute("tabindex", "-1");
  applyLanguage();
  loadDocuments();
  els.q.focus();
})();
