// Motus in the browser. The server decides everything (marks, refusals, the answer);
// this file only draws the state it receives and sends the player's tries.
"use strict";

(function () {
  const LAYOUTS = window.MOTUS_LAYOUTS;
  const MARK_WORDS = { correct: "bien placée", present: "mal placée", absent: "absente" };
  const FLIP_MS = 250;

  const $ = (id) => document.getElementById(id);
  // Today's word, or a puzzle of the archive (/partie/n): the same game, another address.
  const ARCHIVE = $("game").dataset.puzzle;
  const GUEST = $("game").dataset.guest === "true";
  const GAME_URL = ARCHIVE ? `/api/game/puzzles/${ARCHIVE}` : "/api/game/today";
  const GUESS_URL = ARCHIVE ? `/api/game/puzzles/${ARCHIVE}/guess` : "/api/game/guess";
  let game = null;      // last state from the server
  let typed = [];       // letters of the current row, first letter included
  let busy = false;     // a try is being sent or revealed
  let skippedFirst = false;
  let clockOffset = 0;  // server time minus this device's time, in ms

  // --- drawing ------------------------------------------------------------------
  function tile(letter, cls) {
    const el = document.createElement("div");
    el.className = "tile" + (cls ? " " + cls : "");
    el.textContent = letter || "";
    return el;
  }

  function drawGrid() {
    const grid = $("grid");
    grid.style.setProperty("--len", game.length);
    document.documentElement.style.setProperty("--len", game.length);
    grid.replaceChildren();
    for (let r = 0; r < game.max_attempts; r++) {
      const row = document.createElement("div");
      row.className = "row";
      row.dataset.row = String(r);
      const attempt = game.attempts[r];
      if (attempt) {
        // A played row is read as one sentence ("Essai 1 : PAROLE. P bien placée, ...").
        row.setAttribute("role", "group");
        row.setAttribute("aria-label", rowDescription(r, attempt));
        [...attempt.word].forEach((c, i) => {
          const t = tile(c);
          t.dataset.mark = attempt.marks[i];
          t.setAttribute("aria-hidden", "true");
          row.append(t);
        });
      } else if (r === game.attempts.length && game.status === "playing") {
        row.classList.add("current");
        row.setAttribute("role", "group");
        row.setAttribute("aria-label", `Essai ${r + 1}, en cours : ${typed.join("")}`);
        for (let i = 0; i < game.length; i++) {
          // Known letters are hints, not typed letters: a screen reader skips them.
          const t = typed[i] ? tile(typed[i], "typed") : tile(game.known[i], game.known[i] ? "hint" : "");
          t.setAttribute("aria-hidden", "true");
          row.append(t);
        }
        const cursor = row.children[Math.min(typed.length, game.length - 1)];
        if (cursor) cursor.classList.add("cursor");
      } else {
        for (let i = 0; i < game.length; i++) row.append(tile(""));
      }
      grid.append(row);
    }
  }

  function layout() {
    const chosen = readPref("motus-keyboard");
    return LAYOUTS[chosen] ? chosen : "azerty";
  }

  function drawKeyboard() {
    const kb = $("keyboard");
    if (kb.dataset.layout !== layout()) {
      kb.replaceChildren();
      kb.dataset.layout = layout();
      for (const keys of LAYOUTS[layout()]) {
        const row = document.createElement("div");
        row.className = "krow";
        for (const k of keys) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "key" + (k.length > 1 ? " wide" : "");
          b.dataset.key = k;
          b.textContent = k === "ENTER" ? "Entrer" : k === "BACK" ? "⌫" : k;
          b.setAttribute("aria-label", k === "ENTER" ? "Valider le mot" : k === "BACK" ? "Effacer une lettre" : k);
          b.addEventListener("click", () => {
            press(k);
            // Give the keys back to the game: Enter must submit, not click this key again.
            b.blur();
          });
          row.append(b);
        }
        kb.append(row);
      }
    }
    for (const b of kb.querySelectorAll(".key")) {
      const mark = game.keyboard[b.dataset.key];
      if (mark) {
        b.dataset.mark = mark;
        b.setAttribute("aria-label", `${b.dataset.key}, ${MARK_WORDS[mark]}`);
      }
    }
  }

  function drawMeta() {
    const left = game.status === "playing" ? ` — ${game.tries_left} essai${game.tries_left > 1 ? "s" : ""}` : "";
    const day = ARCHIVE ? ` du ${new Date(game.date + "T12:00:00").toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" })}` : "";
    const hard = game.hard ? " — mode difficile" : "";
    $("meta").textContent = `Mot n°${game.puzzle}${day} — ${game.length} lettres, commence par ${game.first_letter}${left}${hard}`;
    $("after-game").hidden = game.status === "playing";
    $("hard-mode").checked = pendingHard() ?? game.hard;
  }

  function draw() {
    drawMeta();
    drawGrid();
    drawKeyboard();
  }

  function rowDescription(r, attempt) {
    const parts = [...attempt.word].map((c, i) => `${c} ${MARK_WORDS[attempt.marks[i]]}`);
    return `Essai ${r + 1} : ${attempt.word}. ${parts.join(", ")}.`;
  }

  function toast(message) {
    const t = $("toast");
    t.textContent = message;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.textContent = ""; }, 4000);
  }

  function shakeCurrentRow() {
    const row = document.querySelector(".row.current");
    if (!row) return;
    row.classList.remove("shake");
    void row.offsetWidth; // restart the animation
    row.classList.add("shake");
  }

  // --- playing ----------------------------------------------------------------------
  function resetTyped() {
    typed = [game.first_letter];
    skippedFirst = false;
  }

  function press(key) {
    if (!game || game.status !== "playing" || busy) return;
    if (key === "ENTER") return submit();
    if (key === "BACK") {
      if (typed.length > 1) typed.pop();
    } else if (/^[A-Z]$/.test(key) && typed.length < game.length) {
      // Typing the given first letter once more at the start is a habit, not a letter.
      if (typed.length === 1 && key === game.first_letter && !skippedFirst) skippedFirst = true;
      else typed.push(key);
    }
    drawGrid();
  }

  async function submit() {
    if (typed.length < game.length) {
      shakeCurrentRow();
      toast(`Le mot doit faire ${game.length} lettres.`);
      return;
    }
    busy = true;
    const attempt = game.attempts.length + 1;
    const word = typed.join("");
    try {
      const resp = await fetch(GUESS_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ attempt, word, puzzle: game.puzzle }),
      });
      const body = await resp.json().catch(() => ({}));
      if (resp.ok) {
        await reveal(body);
      } else if (resp.status === 422) {
        shakeCurrentRow();
        toast(body.message || "Mot refusé.");
      } else if (resp.status === 409) {
        toast(body.message || "La partie a changé.");
        await load();
      } else {
        // 502/503/network: the same try can be sent again safely (it is idempotent).
        toast(body.message || "Le service ne répond pas. Réessayez.");
      }
    } catch (e) {
      toast("Connexion perdue. Réessayez : votre essai n'est pas perdu.");
    } finally {
      busy = false;
    }
  }

  function reveal(next) {
    return new Promise((resolve) => {
      const r = next.attempts.length - 1;
      const attempt = next.attempts[r];
      const row = document.querySelector(`.row[data-row="${r}"]`);
      const tiles = row ? [...row.children] : [];
      const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      tiles.forEach((t, i) => {
        setTimeout(() => {
          t.classList.remove("typed", "hint", "cursor");
          t.textContent = attempt.word[i];
          t.classList.add("flip");
          t.dataset.mark = attempt.marks[i];
        }, reduced ? 0 : i * FLIP_MS);
      });
      setTimeout(() => {
        game = next;
        resetTyped();
        draw();
        $("announcer").textContent = rowDescription(r, attempt);
        if (game.status !== "playing") openStats();
        resolve();
      }, reduced ? 0 : tiles.length * FLIP_MS + 350);
    });
  }

  // --- end of game and statistics -------------------------------------------------
  // One dialog: the statistics, with the result, the share text and the countdown
  // around them once today's game is over. It opens by itself at the end of a game.
  // Today's result is on its way to the score service: ask again, sooner first, then
  // less often. A result held by a replica that crashed is taken over after 30 s, and
  // a stopped score tier can take longer: keep asking while the dialog stays open.
  const STATS_POLL_FIRST_MS = 1000;
  const STATS_POLL_MAX_MS = 10000;
  const STATS_POLLS = 60;      // about ten minutes; then the player is told to reopen it
  const BUCKETS = ["1", "2", "3", "4", "5", "6", "lost"];
  let statsRequest = 0;        // the latest request; an older answer arriving late is dropped
  let statsTimer = null;

  function openStats() {
    drawEnd();
    if (!$("stats").open) $("stats").showModal();
    loadStats(0);
  }

  function drawEnd() {
    const over = game && game.status !== "playing";
    for (const el of $("stats").querySelectorAll(".end-only")) el.hidden = !over;
    $("stats").setAttribute("aria-labelledby", over ? "end-title stats-title" : "stats-title");
    if (!over) return;
    const won = game.status === "won";
    $("end-title").textContent = won ? `Bravo ! Trouvé en ${game.attempts.length} essai${game.attempts.length > 1 ? "s" : ""}.` : "Perdu !";
    // The word as the dictionary writes it (HÉRÉTIQUE), and where to learn what it means.
    $("end-answer").textContent = (game.spelling || game.answer).toUpperCase();
    $("definition").href = game.definition_url;
    for (const el of $("stats").querySelectorAll(".guest-only")) el.hidden = !GUEST;
    $("share-text").textContent = game.share;
    $("copy-status").textContent = "";
    tick();
  }

  // Today's bar in the chart: the tries used, or "lost"; none while the game goes on.
  function todaysBucket(stats) {
    if (!game || game.status === "playing" || game.puzzle !== stats.today) return null;
    return game.status === "won" ? String(game.attempts.length) : "lost";
  }

  function statsMessage(text, link) {
    const status = $("stats-status");
    if (text) status.replaceChildren(text);
    else status.replaceChildren();
    if (link) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      status.append(" ", a);
    }
  }

  async function loadStats(polls) {
    clearTimeout(statsTimer);
    const request = ++statsRequest;
    if ($("stats-body").hidden) statsMessage("Chargement…");
    let resp = null, body = {};
    try {
      resp = await fetch("/api/game/stats", { headers: { Accept: "application/json" } });
      body = await resp.json().catch(() => ({}));
    } catch (e) { /* offline: said below */ }
    if (request !== statsRequest || !$("stats").open) return;
    if (resp && resp.ok) {
      drawStats(body);
      if (!body.pending) statsMessage("");
      else if (polls < STATS_POLLS) {
        statsMessage("Votre partie du jour est en cours d'enregistrement…");
        const wait = Math.min(STATS_POLL_MAX_MS, STATS_POLL_FIRST_MS * 1.5 ** polls);
        statsTimer = setTimeout(() => loadStats(polls + 1), wait);
      } else {
        statsMessage("Votre partie du jour sera comptée dans un instant : rouvrez les statistiques.");
      }
      return;
    }
    // No retry loop here: the player can reopen the dialog.
    $("stats-body").hidden = true;
    if (resp && resp.status === 401 && GUEST) {
      // Statistics are for accounts: the answer invites the guest to log in, unless the end
      // screen's own invitation is already just above.
      if (game && game.status !== "playing") statsMessage("Les statistiques sont réservées aux comptes.");
      else statsMessage(body.message || "Les statistiques sont réservées aux comptes.", { href: "/login", text: "Se connecter" });
    } else if (resp && resp.status === 401) {
      statsMessage("Votre session a expiré.", { href: "/login", text: "Se reconnecter" });
    } else {
      statsMessage("Statistiques momentanément indisponibles.");
    }
  }

  function drawStats(stats) {
    $("stat-played").textContent = stats.played;
    $("stat-win-percent").textContent = `${stats.win_percent}\u00a0%`;
    $("stat-current-streak").textContent = stats.current_streak;
    $("stat-best-streak").textContent = stats.best_streak;
    $("stat-average").textContent = stats.average_attempts == null
      ? "–" : stats.average_attempts.toLocaleString("fr-FR", { maximumFractionDigits: 2 });
    const counts = BUCKETS.map((k) => stats.distribution[k] || 0);
    const max = Math.max(1, ...counts);
    const today = todaysBucket(stats);
    const chart = [], table = [];
    BUCKETS.forEach((k, i) => {
      const label = k === "lost" ? "Perdu" : k;
      const row = document.createElement("div");
      row.className = "bar-row" + (k === today ? " today" : "");
      row.dataset.key = k;
      const name = document.createElement("span");
      name.className = "bar-label";
      name.textContent = label;
      const track = document.createElement("div");
      track.className = "bar-track";
      const bar = document.createElement("div");
      bar.className = "bar";
      // Proportional to the longest bar; a zero keeps a stub wide enough for its count.
      bar.style.width = `${Math.max(8, (counts[i] / max) * 100)}%`;
      bar.textContent = counts[i];
      track.append(bar);
      row.append(name, track);
      chart.push(row);

      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = (k === "lost" ? "Perdu" : `${k} essai${k === "1" ? "" : "s"}`) + (k === today ? " (aujourd'hui)" : "");
      const td = document.createElement("td");
      td.textContent = `${counts[i]} partie${counts[i] > 1 ? "s" : ""}`;
      tr.append(th, td);
      table.push(tr);
    });
    const archive = stats.archive || { played: 0, won: 0 };
    $("stat-archive-played").textContent = archive.played;
    $("stat-archive-won").textContent = archive.won;
    $("distribution").replaceChildren(...chart);
    $("distribution-table").replaceChildren(...table);
    $("stats-body").hidden = false;
  }

  function tick() {
    clearTimeout(tick.timer);
    // Counted on the server's clock: a device whose clock is wrong still counts right.
    const ms = new Date(game.next_puzzle_at).getTime() - (Date.now() + clockOffset);
    if (ms <= 0 && ARCHIVE) { $("countdown").textContent = "00:00:00"; return; }  // this puzzle stays
    if (ms <= 0) { nextPuzzle(); return; }
    const s = Math.floor(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    $("countdown").textContent = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    tick.timer = setTimeout(tick, 1000);
  }

  // At midnight: ask for the new word, and keep asking (every 5 s) until it is there,
  // rather than reloading the page in a loop.
  async function nextPuzzle() {
    const before = game.puzzle;
    try {
      await load();
    } catch (e) { /* offline: try again below */ }
    if (game.puzzle === before) {
      $("countdown").textContent = "00:00:00";
      tick.timer = setTimeout(nextPuzzle, 5000);
    } else if ($("stats").open) {
      drawEnd();  // a new word: the dialog shows the statistics only
      loadStats(0);
    }
  }

  // The phone's (or the system's) share sheet where there is one, the clipboard otherwise;
  // the status line says which it was.
  async function share() {
    if (navigator.share) {
      try {
        await navigator.share({ text: game.share });
        $("copy-status").textContent = "Partagé !";
        return;
      } catch (e) {
        if (e && e.name === "AbortError") { $("copy-status").textContent = "Partage annulé."; return; }
        /* no share target: the clipboard below */
      }
    }
    try {
      await navigator.clipboard.writeText(game.share);
      $("copy-status").textContent = "Copié dans le presse-papiers !";
    } catch (e) {
      // No clipboard permission (plain http, old browser): select the text instead.
      const range = document.createRange();
      range.selectNodeContents($("share-text"));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      $("copy-status").textContent = "Sélectionné : copiez avec Ctrl+C.";
    }
  }

  // --- settings ---------------------------------------------------------------------
  function readPref(name) {
    try { return window.localStorage.getItem(name); } catch (e) { return null; }
  }

  function writePref(name, value) {
    try {
      if (value === null) window.localStorage.removeItem(name);
      else window.localStorage.setItem(name, value);
    } catch (e) { /* private mode */ }
  }

  function setPref(name, attr, value) {
    document.documentElement.dataset[attr] = value;
    writePref(name, value);
  }

  // Hard mode is the server's: it is fixed in a game at its first try. Chosen while a
  // game goes on, the choice waits here for the next game that has not started.
  function pendingHard() {
    const value = readPref("motus-hard-next");
    return value === null ? null : value === "1";
  }

  async function chooseHard(hard) {
    const status = $("hard-mode-status");
    if (game.attempts.length > 0) {
      writePref("motus-hard-next", hard ? "1" : "0");
      status.textContent = game.hard === hard ? "" : "La partie a commencé : ce choix vaudra pour la prochaine.";
      return;
    }
    let resp = null, body = {};
    try {
      resp = await fetch("/api/game/hard", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(ARCHIVE ? { hard, puzzle: Number(ARCHIVE) } : { hard }),
      });
      body = await resp.json().catch(() => ({}));
    } catch (e) { /* offline: said below */ }
    if (resp && resp.ok) {
      writePref("motus-hard-next", null);
      game = body;
      draw();
      status.textContent = hard ? "Mode difficile activé." : "Mode difficile désactivé.";
    } else {
      $("hard-mode").checked = game.hard;
      status.textContent = (body && body.message) || "Le réglage n'a pas pu être enregistré. Réessayez.";
    }
  }

  function setupSettings() {
    const dark = $("dark-mode"), contrast = $("high-contrast");
    dark.checked = document.documentElement.dataset.theme === "dark";
    contrast.checked = document.documentElement.dataset.contrast === "high";
    dark.addEventListener("change", () => setPref("motus-theme", "theme", dark.checked ? "dark" : "light"));
    contrast.addEventListener("change", () => setPref("motus-contrast", "contrast", contrast.checked ? "high" : "normal"));
    $("open-settings").addEventListener("click", () => $("settings").showModal());
    $("open-rules").addEventListener("click", () => $("rules").showModal());
    $("open-end").addEventListener("click", openStats);
    $("open-stats").addEventListener("click", openStats);
    $("stats").addEventListener("close", () => { clearTimeout(statsTimer); statsRequest++; });
    $("copy-share").addEventListener("click", share);
    $("hard-mode").addEventListener("change", () => chooseHard($("hard-mode").checked));
    const keyboard = $("keyboard-layout");
    keyboard.value = layout();
    keyboard.addEventListener("change", () => {
      writePref("motus-keyboard", keyboard.value);
      if (game) drawKeyboard();
    });
    // What became of a guest's game at login is said once; the address loses it.
    if (new URLSearchParams(window.location.search).has("partie")) {
      window.history.replaceState(null, "", window.location.pathname);
    }
  }

  // --- start --------------------------------------------------------------------------
  async function load() {
    const resp = await fetch(GAME_URL, { headers: { Accept: "application/json" } });
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      $("meta").textContent = body.message || "Le jeu est momentanément indisponible. Rechargez la page.";
      return;
    }
    clockOffset = new Date(body.server_time).getTime() - Date.now();
    const samePuzzle = game && game.puzzle === body.puzzle;
    game = body;
    resetTyped();
    draw();
    const wanted = pendingHard();
    if (wanted !== null && game.attempts.length === 0 && wanted !== game.hard) await chooseHard(wanted);
    else if (wanted !== null && game.attempts.length === 0) writePref("motus-hard-next", null);
    if (game.status !== "playing" && !samePuzzle) openStats();
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector("dialog[open]")) return;
    // A field keeps every key; a focused button or link keeps only Enter, which activates
    // it. Letters still type after a click on a button (closing the settings, say).
    const focused = ev.target instanceof Element ? ev.target : null;
    if (focused && focused.closest("input, select, textarea")) return;
    if (ev.key === "Enter") {
      if (focused && focused.closest("button, a")) return;
      ev.preventDefault(); press("ENTER"); return;
    }
    if (ev.key === "Backspace") { ev.preventDefault(); press("BACK"); return; }
    const letter = ev.key.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase();
    if (/^[A-Z]$/.test(letter)) press(letter);
  });

  setupSettings();
  load().catch(() => { $("meta").textContent = "Connexion impossible. Rechargez la page."; });
})();
