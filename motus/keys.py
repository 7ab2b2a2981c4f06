"""Every Redis key the game service writes, with its lifetime and the reason for it."""

from __future__ import annotations

# Schema version in every key: a change of format gets new keys instead of
# misreading old ones.
PREFIX = "game:v1"

# A browser's session (which player it is). Sliding: refreshed on each visit, so a
# daily player never loses it; a browser not seen for 30 days starts afresh.
SESSION_TTL_SECONDS = 30 * 24 * 3600

# One game per player per puzzle. A puzzle is only playable on its own day; the
# state is kept a week after so a late page load still shows the finished game,
# then dropped (statistics live in the score service).
GAME_TTL_SECONDS = 8 * 24 * 3600


def session(session_id: str) -> str:
    return f"{PREFIX}:session:{session_id}"


# "u:" marks a game keyed by an account's subject; it stays in the format so games
# under way when this code is deployed are still found. The guess script builds the
# key from this prefix too (store._GUESS).
GAME_PREFIX = f"{PREFIX}:game:u:"


def player_sessions(subject: str) -> str:
    # The sessions of one account (a set of session ids), so a logout at the provider
    # (back-channel logout) ends them all. Kept as long as a session.
    return f"{PREFIX}:player-sessions:{subject}"


def logout_token(jti: str) -> str:
    # A back-channel logout token already acted on (its jti), for as long as it is valid.
    return f"{PREFIX}:logout-token:{jti}"


def game(subject: str, puzzle: int) -> str:
    return f"{GAME_PREFIX}{subject}:{puzzle}"


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
