"""The game's Redis: games (with the outbox entry, the day's figures and the archive's
counts the guess script writes beside them), for accounts and for guests. With
session_store.py (sessions, logins under way, guest admissions) and outbox.py (the
stream's commands), the only modules of the game that speak Redis commands."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import orjson
from redis.asyncio import Redis

from motus import keys, outbox
from motus.game.rules import Attempt, Mark, Status
from motus.session_store import GuestAdmissions, LoginStore, SessionStore
from motus_kit.replication import Replicas

# Applying a guess is read-check-write; as one Lua script it is atomic, so two
# tabs or two replicas playing the same game at once cannot both write attempt 3.
# The try that ends a game of today's puzzle also appends the result to the outbox
# stream in the same script: the final state and its delivery to the score service
# are one write, so a crash can lose neither one without the other (transactional
# outbox). A past puzzle finished late (the archive) counts in the account's archive
# counts instead, in the same script too; a guest's game is recorded nowhere until it
# moves into an account at login (_ADOPT).
# Times come from Redis's clock (TIME), one clock for both replicas: a game started
# on one and finished on the other cannot take a negative time.
# The day's figures for operators (players who started, games won in N / lost) are
# counted here too, for today's puzzle only: exactly once per player and game,
# whichever replica served them.
# A hard-mode game (hard_mode.py) is checked by the caller against the game as it
# stands: the script answers 'check_hard' with the game, and the caller sends the try
# again once checked. The check stays valid because a try is applied only as the next
# one (n = count + 1) and tries are never rewritten.
# For an account, the browser's session is read first (its expiry pushed back, as
# every read does): session and guess are one round trip, the hot path of the whole
# platform. The game's key is built here from the session's subject (or the guest's
# id), so it is not declared in KEYS: fine on one Redis or a Sentinel-watched
# primary, not on a Redis Cluster (which this platform does not use). The subject is
# read as player.SessionRecord.from_hash reads it, older field names included.
# KEYS[1] session (unused for a guest), KEYS[2] outbox stream, KEYS[3] the day's
# figures. ARGV: [1] attempt number, [2] word, [3] marks (JSON), [4] status after,
# [5] the game's ttl, [6] puzzle, [7] the game keys' prefix, [8] the session's
# lifetime, [9] the guest's id ('' for a session), [10] '1' if the puzzle is today's,
# [11] '1' to start the game in hard mode (first try only), [12] '1' once the caller
# checked the try against hard mode, [13] the archive counts' prefix, [14] the day
# figures' ttl.
_GUESS = (
    """
local function present(value) return value and value ~= '' end
local player, name
local guest = ARGV[9] ~= ''
if guest then
  player, name = ARGV[9], ''
else
  local fields = redis.call('HMGET', KEYS[1], 'subject', 'user_id', 'player', 'name')
  player = fields[1]
  if not present(player) then player = fields[2] end
  if not present(player) and present(fields[3]) then player = string.gsub(fields[3], '^u:', '') end
  if not present(player) then return {'no_session', ''} end
  redis.call('EXPIRE', KEYS[1], ARGV[8])
  name = fields[4] or ''
end
local puzzle = ARGV[6]
local daily = ARGV[10] == '1'
local game_key, outbox_key, day_key = ARGV[7] .. player .. ':' .. puzzle, KEYS[2], KEYS[3]
local raw = redis.call('GET', game_key)
local state
if raw then state = cjson.decode(raw) else state = {attempts = {}, status = 'playing'} end
local n = tonumber(ARGV[1])
local count = #state.attempts
if n <= count then
  if state.attempts[n].word == ARGV[2] then return {'replay', raw} end
  if state.status ~= 'playing' then return {'finished', raw} end
  return {'conflict', raw}
end
if state.status ~= 'playing' then return {'finished', raw} end
if n ~= count + 1 then return {'out_of_order', raw or ''} end
if state.hard and count > 0 and ARGV[12] ~= '1' then return {'check_hard', raw} end
local clock = redis.call('TIME')
local now = tonumber(clock[1])
if count == 0 then
  state.started = now
  state.hard = ARGV[11] == '1'
  if daily then
    redis.call('HINCRBY', day_key, 'players', 1)
    redis.call('EXPIRE', day_key, tonumber(ARGV[14]))
  end
end
state.attempts[count + 1] = {word = ARGV[2], marks = cjson.decode(ARGV[3])}
state.status = ARGV[4]
if state.status ~= 'playing' then
  state.finished = now
  state.finished_ms = now * 1000 + math.floor(tonumber(clock[2]) / 1000)
  if daily then redis.call('HINCRBY', day_key, state.status .. ':' .. tostring(count + 1), 1) end
  if guest then
    -- recorded nowhere: a guest has no statistics (its game may move into an account)
  elseif daily then
    -- The outbox entry (outbox.FinishedGame), from locals named like its fields.
    local won = '0'
    if state.status == 'won' then won = '1' end
    local hard = '0'
    if state.hard then hard = '1' end
    local attempts = count + 1
    local seconds = math.max(0, now - (state.started or now))
    local finished_at_ms = state.finished_ms
    """
    + outbox.append_lua("outbox_key")
    + """
  else
    local archive_key = ARGV[13] .. player
    redis.call('HINCRBY', archive_key, 'played', 1)
    if state.status == 'won' then redis.call('HINCRBY', archive_key, 'won', 1) end
    redis.call('EXPIRE', archive_key, tonumber(ARGV[5]))
  end
end
local encoded = cjson.encode(state)
redis.call('SET', game_key, encoded, 'EX', tonumber(ARGV[5]))
return {'applied', encoded}
"""
)


# A guest's game of today moves into the account at login, if the account has none
# of its own: the same tries, the same status, and, when it is over, its outbox
# entry, written in the same step as the move, so it is recorded exactly once (the
# guest's key is gone with it: a second login finds nothing to move). When the
# account already has today's game, it stands and the guest's is dropped.
# KEYS[1] the guest's game, KEYS[2] the account's game of the same puzzle, KEYS[3] the
# outbox stream. ARGV[1] the account's subject, [2] its name, [3] the puzzle, [4] the
# account's game ttl.
_ADOPT = (
    """
local raw = redis.call('GET', KEYS[1])
if not raw then return 'none' end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
  return 'kept'
end
redis.call('SET', KEYS[2], raw, 'EX', tonumber(ARGV[4]))
redis.call('DEL', KEYS[1])
local state = cjson.decode(raw)
if state.status ~= 'playing' then
  local outbox_key = KEYS[3]
  local player, name, puzzle = ARGV[1], ARGV[2], ARGV[3]
  local won = '0'
  if state.status == 'won' then won = '1' end
  local hard = '0'
  if state.hard then hard = '1' end
  local attempts = #state.attempts
  local finished = state.finished or 0
  local seconds = math.max(0, finished - (state.started or finished))
  local finished_at_ms = state.finished_ms or finished * 1000
  """
    + outbox.append_lua("outbox_key")
    + """
end
return 'moved'
"""
)


class Outcome(StrEnum):
    APPLIED = "applied"  # a new attempt was recorded
    REPLAY = "replay"  # the same word for an attempt already played: nothing changes
    CONFLICT = "conflict"  # another word was already played for that attempt
    FINISHED = "finished"  # the game is over
    OUT_OF_ORDER = "out_of_order"  # the attempt number skips ahead
    NO_SESSION = "no_session"  # the browser's session has ended: nothing was played
    CHECK_HARD = "check_hard"  # a hard-mode game: check the try against it, then send it again


class Adoption(StrEnum):
    MOVED = "moved"  # the guest's game of today is now the account's
    KEPT = "kept"  # the account had its own game of today: it stands, the guest's is dropped
    NONE = "none"  # the guest had not played today


@dataclass(frozen=True)
class Owner:
    """Whose games: an account (its subject) or a guest (its id)."""

    id: str
    guest: bool = False

    def game_key(self, puzzle: int) -> str:
        return keys.guest_game(self.id, puzzle) if self.guest else keys.game(self.id, puzzle)


@dataclass(frozen=True)
class Try:
    """A try the rules accepted, on its way to the store."""

    puzzle: int
    number: int
    attempt: Attempt
    status: Status  # where the game stands once it is applied
    daily: bool  # the puzzle is today's: counted in the day's figures, sent to the score service
    hard: bool  # start the game in hard mode, if this is its first try
    hard_checked: bool = False  # checked against the hard-mode game the store answered with


@dataclass(frozen=True)
class GameState:
    attempts: tuple[Attempt, ...] = ()
    status: Status = Status.PLAYING
    hard: bool = False

    @property
    def started(self) -> bool:
        return bool(self.attempts)

    @classmethod
    def from_json(cls, raw: str | None) -> GameState:
        if not raw:
            return cls()
        data = orjson.loads(raw)
        # cjson encodes an empty Lua table as {}, not []. The marks are looked up in a
        # dict: calling the enum class is a microsecond each, up to 60 of them a try.
        marks_of = _MARKS.__getitem__
        attempts = tuple([Attempt(a["word"], tuple(map(marks_of, a["marks"]))) for a in data.get("attempts") or ()])
        return cls(attempts, _STATUSES[data["status"]], data.get("hard") is True)


_MARKS = {mark.value: mark for mark in Mark}
_STATUSES = {status.value: status for status in Status}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
# The day's figures are for today's gauges: a week is plenty.
_DAY_FIGURES_TTL_SECONDS = 8 * 24 * 3600


class GameStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        # EVALSHA, falling back to EVAL once after a Redis restart emptied its script cache.
        self._guess = redis.register_script(_GUESS)
        self._adopt = redis.register_script(_ADOPT)
        # Every try is acknowledged once a replica has it: a failover right after the
        # answer must not take back a try the player saw, nor a finished game and its
        # outbox entry. The script always writes for a session (its expiry), so the
        # WAIT covers a replayed try too.
        self._replicas = Replicas(redis)

    async def load(self, owner: Owner, puzzle: int) -> GameState:
        return GameState.from_json(await self.redis.get(owner.game_key(puzzle)))

    async def load_many(self, owner: Owner, puzzles: list[int]) -> list[GameState]:
        """One owner's games of several puzzles, in one round trip (the calendar)."""
        if not puzzles:
            return []
        return [GameState.from_json(raw) for raw in await self.redis.mget([owner.game_key(n) for n in puzzles])]

    async def guess_in_session(self, session_id: str, played: Try) -> tuple[Outcome, GameState]:
        """Plays a try for the player of a session, read in the same round trip: the
        outcome and the game as it now stands (NO_SESSION: nothing was played)."""
        return await self._play(keys.session(session_id), "", keys.GAME_PREFIX, keys.GAME_TTL_SECONDS, played)

    async def guess_as_guest(self, guest_id: str, played: Try) -> tuple[Outcome, GameState]:
        return await self._play(keys.session(""), guest_id, keys.GUEST_GAME_PREFIX, keys.GUEST_GAME_TTL_SECONDS, played)

    async def _play(self, session_key: str, guest_id: str, prefix: str, ttl: int, played: Try):
        outcome, raw = await self._replicas.run(
            self._guess,
            keys=[session_key, keys.OUTBOX, keys.day_figures(played.puzzle)],
            args=[
                played.number,
                played.attempt.word,
                orjson.dumps(played.attempt.marks),
                played.status.value,
                ttl,
                played.puzzle,
                prefix,
                keys.SESSION_TTL_SECONDS,
                guest_id,
                "1" if played.daily else "0",
                "1" if played.hard else "0",
                "1" if played.hard_checked else "0",
                keys.ARCHIVE_PREFIX,
                _DAY_FIGURES_TTL_SECONDS,
            ],
        )
        return _OUTCOMES[outcome], GameState.from_json(raw or None)

    async def adopt_guest_game(self, guest_id: str, subject: str, name: str, puzzle: int) -> Adoption:
        """Moves the guest's game of `puzzle` into the account, unless it has its own."""
        result = await self._replicas.run(
            self._adopt,
            keys=[keys.guest_game(guest_id, puzzle), keys.game(subject, puzzle), keys.OUTBOX],
            args=[subject, name, puzzle, keys.GAME_TTL_SECONDS],
        )
        return Adoption(result)

    async def archive_counts(self, subject: str) -> dict[str, int]:
        """Past puzzles finished late in the archive: played and won (never in the daily statistics)."""
        found = await self.redis.hgetall(keys.archive_counts(subject))
        return {"played": int(found.get("played", 0)), "won": int(found.get("won", 0))}

    async def day_figures(self, puzzle: int) -> dict[str, int]:
        """The puzzle's counters kept by the guess script: players, won:N, lost:6."""
        return {field: int(value) for field, value in (await self.redis.hgetall(keys.day_figures(puzzle))).items()}


@dataclass(frozen=True)
class Stores:
    """The game's stores over one pool, built once per app (motus_kit.service)."""

    games: GameStore
    sessions: SessionStore
    logins: LoginStore
    guests: GuestAdmissions

    @classmethod
    def over(cls, redis: Redis) -> Stores:
        return cls(GameStore(redis), SessionStore(redis), LoginStore(redis), GuestAdmissions(redis))
