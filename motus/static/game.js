// Motus in the browser. The server decides everything (marks, refusals, the answer);
// this file only draws the state it receives and sends the player's tries.
"use strict";

(function () {
  const ROWS = [["A", "Z", "E", "R", "T", "Y", "U", "I", "O", "P"],
                ["Q", "S", "D", "F", "G", "H", "J", "K", "L", "M"],
                ["ENTER", "W", "X", "C", "V", "B", "N", "BACK"]];
  const MARK_WORDS = { correct: "bien placée", present: "mal placée", absent: "absente" };
  const FLIP_MS = 250;

  const $ = (id) => document.getElementById(id);
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

  function drawKeyboard() {
    const kb = $("keyboard");
    if (!kb.childElementCount) {
      for (const keys of ROWS) {
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
    $("meta").textContent = `Mot n°${game.puzzle} — ${game.length} lettres, commence par ${game.first_letter}${left}`;
    $("after-game").hidden = game.status === "playing";
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
      const resp = await fetch("/api/game/guess", {
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
    $("end-answer").textContent = game.answer;
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
    if (resp && resp.status === 401) {
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
    $("distribution").replaceChildren(...chart);
    $("distribution-table").replaceChildren(...table);
    $("stats-body").hidden = false;
  }

  function tick() {
    clearTimeout(tick.timer);
    // Counted on the server's clock: a device whose clock is wrong still counts right.
    const ms = new Date(game.next_puzzle_at).getTime() - (Date.now() + clockOffset);
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

  async function copyShare() {
    try {
      await navigator.clipboard.writeText(game.share);
      $("copy-status").textContent = "Copié !";
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
  function setPref(name, attr, value) {
    document.documentElement.dataset[attr] = value;
    try { window.localStorage.setItem(name, value); } catch (e) { /* private mode */ }
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
    $("copy-share").addEventListener("click", copyShare);
  }

  // --- start --------------------------------------------------------------------------
  async function load() {
    const resp = await fetch("/api/game/today", { headers: { Accept: "application/json" } });
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
    if (game.status !== "playing" && !samePuzzle) openStats();
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector("dialog[open]")) return;
    // A focused button or field keeps its own keys (Enter/Space activate it).
    if (ev.target instanceof Element && ev.target.closest("button, input, a, select, textarea")) return;
    if (ev.key === "Enter") { ev.preventDefault(); press("ENTER"); return; }
    if (ev.key === "Backspace") { ev.preventDefault(); press("BACK"); return; }
    const letter = ev.key.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase();
    if (/^[A-Z]$/.test(letter)) press(letter);
  });

  setupSettings();
  load().catch(() => { $("meta").textContent = "Connexion impossible. Rechargez la page."; });
})();
