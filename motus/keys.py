"""Every Redis key the game service writes, with its lifetime and the reason for it."""

from __future__ import annotations

# Schema version in every key: a change of format gets new keys instead of
# misreading old ones.
PREFIX = "game:v1"

# A browser's session (which player it is). Sliding: refreshed on each visit, so a
# daily player never loses it; a browser not seen for 30 days starts afresh.
SESSION_TTL_SECONDS = 30 * 24 * 3600

# One game per account per puzzle. Every puzzle stays playable in the archive and the
# calendar shows each day's game, so an account's games are kept for 400 days after
# their last try: a year of calendar and more. Older ones expire (storage stays
# bounded per player); an expired past puzzle plays afresh as an archive game, which
# counts in no daily statistic (the score service keeps the result of its day).
GAME_TTL_SECONDS = 400 * 24 * 3600

# A guest's game (play first, log in later): kept two days after its last try, long
# enough to log in the next morning; nothing is stored before a guest's first try.
GUEST_GAME_TTL_SECONDS = 48 * 3600


def session(session_id: str) -> str:
    return f"{PREFIX}:session:{session_id}"


# "u:" marks a game keyed by an account's subject; it stays in the format so games
# under way when this code is deployed are still found. The guess script builds the
# key from this prefix too (store._GUESS).
GAME_PREFIX = f"{PREFIX}:game:u:"
# "g:" marks a guest's game, keyed by the random id its signed cookie carries (motus/guest.py).
GUEST_GAME_PREFIX = f"{PREFIX}:game:g:"
# Per account: how many past puzzles were finished late in the archive, and won.
# Written by the guess script beside the game, exactly once per game; kept as long as games.
ARCHIVE_PREFIX = f"{PREFIX}:archive:"


def player_sessions(subject: str) -> str:
    # The sessions of one account (a set of session ids), so a logout at the provider
    # (back-channel logout) ends them all. Kept as long as a session.
    return f"{PREFIX}:player-sessions:{subject}"


def logout_token(jti: str) -> str:
    # A back-channel logout token already acted on (its jti), for as long as it is valid.
    return f"{PREFIX}:logout-token:{jti}"


def game(subject: str, puzzle: int) -> str:
    return f"{GAME_PREFIX}{subject}:{puzzle}"


def guest_game(guest_id: str, puzzle: int) -> str:
    return f"{GUEST_GAME_PREFIX}{guest_id}:{puzzle}"


def archive_counts(subject: str) -> str:
    return f"{ARCHIVE_PREFIX}{subject}"


def guest_admissions(client: str) -> str:
    # New guests admitted from one client address in the current window (a counter
    # expiring with its window): guest creation is rate-limited per address.
    return f"{PREFIX}:guest-admissions:{client}"


# The window of that counter.
GUEST_WINDOW_SECONDS = 3600


def day_figures(puzzle: int) -> str:
    # Per puzzle, for the operators' gauges: players who played a try, games won in N
    # tries or lost. Small (at most eight fields); kept as long as the games themselves.
    return f"{PREFIX}:day:{puzzle}"


# A login under way: the state, nonce and PKCE verifier between the redirect to the
# provider and the callback. Ten minutes to type a password; used once.
LOGIN_TTL_SECONDS = 10 * 60


def login(state: str) -> str:
    return f"{PREFIX}:login:{state}"


def refresh_lock(session_id: str) -> str:
    # One token refresh at a time per session: two at once would present one refresh
    # token twice, and the provider would revoke the whole login (reuse detection).
    return f"{PREFIX}:refresh-lock:{session_id}"


# The transactional outbox: finished games waiting to reach the score service. A
# stream read by the consumer group of the relays (one consumer per game replica);
# an entry is deleted once the score service confirmed it, so the stream's length
# is the backlog. Never trimmed by length: that would drop undelivered results.
OUTBOX = f"{PREFIX}:outbox"
OUTBOX_GROUP = "score-relay"
# Entries the score service refused for good (a conflicting result, a bad field):
# kept for a person to look at, never retried automatically.
OUTBOX_REFUSED = f"{PREFIX}:outbox:refused"
