"""The game's Redis: games (with the outbox entry and the day's figures the guess script
writes beside them), sessions and logins under way. With outbox.py (the stream's
commands), the only module of the game that speaks Redis commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

import orjson
from redis.asyncio import Redis

from motus import keys, outbox
from motus.game.rules import Attempt, Mark, Status
from motus_kit.replication import Replicas

# Applying a guess is read-check-write; as one Lua script it is atomic, so two
# tabs or two replicas playing the same game at once cannot both write attempt 3.
# The try that ends the game also appends the result to the outbox stream in the
# same script: the final state and its delivery to the score service are one write,
# so a crash can lose neither one without the other (transactional outbox).
# Times come from Redis's clock (TIME), one clock for both replicas: a game started
# on one and finished on the other cannot take a negative time.
# The day's figures for operators (players who started, games won in N / lost) are
# counted here too: exactly once per player and game, whichever replica served them.
# The browser's session is read first (its expiry pushed back, as every read does):
# session and guess are one round trip, the hot path of the whole platform. The
# game's key is built here from the session's subject, so it is not declared in KEYS:
# fine on one Redis or a Sentinel-watched primary, not on a Redis Cluster (which this
# platform does not use). The subject is read as player.SessionRecord.from_hash reads
# it, older field names included.
# KEYS[1] session, KEYS[2] outbox stream, KEYS[3] the day's figures. ARGV: attempt
# number, word, marks (JSON), status after, game ttl, puzzle, the game keys' prefix,
# the session's lifetime.
_GUESS = (
    """
local function present(value) return value and value ~= '' end
local fields = redis.call('HMGET', KEYS[1], 'subject', 'user_id', 'player', 'name')
local player = fields[1]
if not present(player) then player = fields[2] end
if not present(player) and present(fields[3]) then player = string.gsub(fields[3], '^u:', '') end
if not present(player) then return {'no_session', ''} end
redis.call('EXPIRE', KEYS[1], ARGV[8])
local name = fields[4] or ''
local puzzle = ARGV[6]
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
local clock = redis.call('TIME')
local now = tonumber(clock[1])
if count == 0 then
  state.started = now
  redis.call('HINCRBY', day_key, 'players', 1)
  redis.call('EXPIRE', day_key, tonumber(ARGV[5]))
end
state.attempts[count + 1] = {word = ARGV[2], marks = cjson.decode(ARGV[3])}
state.status = ARGV[4]
if state.status ~= 'playing' then
  state.finished = now
  redis.call('HINCRBY', day_key, state.status .. ':' .. tostring(count + 1), 1)
  -- The outbox entry (outbox.FinishedGame), from locals named like its fields.
  local won = '0'
  if state.status == 'won' then won = '1' end
  local attempts = count + 1
  local seconds = math.max(0, now - (state.started or now))
  local finished_at_ms = now * 1000 + math.floor(tonumber(clock[2]) / 1000)
  """
    + outbox.append_lua("outbox_key")
    + """
end
local encoded = cjson.encode(state)
redis.call('SET', game_key, encoded, 'EX', tonumber(ARGV[5]))
return {'applied', encoded}
"""
)


# A session read, and its expiry pushed back (sliding: a daily player stays logged in).
# KEYS[1] the session. ARGV[1] its lifetime in seconds.
_TOUCH_SESSION = """
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return fields
"""


# Every session of an account, from its index. KEYS[1] the index; ARGV[1] the session
# keys' prefix (the index holds bare ids). Session keys are built here, not declared:
# fine on one Redis or a Sentinel-watched primary, not on a Redis Cluster.
_END_ALL_SESSIONS = """
local ids = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, id in ipairs(ids) do ended = ended + redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
return ended
"""


class Outcome(StrEnum):
    APPLIED = "applied"  # a new attempt was recorded
    REPLAY = "replay"  # the same word for an attempt already played: nothing changes
    CONFLICT = "conflict"  # another word was already played for that attempt
    FINISHED = "finished"  # the game is over
    OUT_OF_ORDER = "out_of_order"  # the attempt number skips ahead
    NO_SESSION = "no_session"  # the browser's session has ended: nothing was played


@dataclass(frozen=True)
class GameState:
    attempts: tuple[Attempt, ...] = ()
    status: Status = Status.PLAYING

    @classmethod
    def from_json(cls, raw: str | None) -> GameState:
        if not raw:
            return cls()
        data = orjson.loads(raw)
        # cjson encodes an empty Lua table as {}, not []. The marks are looked up in a
        # dict: calling the enum class is a microsecond each, up to 60 of them a try.
        marks_of = _MARKS.__getitem__
        attempts = tuple([Attempt(a["word"], tuple(map(marks_of, a["marks"]))) for a in data.get("attempts") or ()])
        return cls(attempts, _STATUSES[data["status"]])


_MARKS = {mark.value: mark for mark in Mark}
_STATUSES = {status.value: status for status in Status}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}


class GameStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        # EVALSHA, falling back to EVAL once after a Redis restart emptied its script cache.
        self._guess = redis.register_script(_GUESS)
        # Every try is acknowledged once a replica has it: a failover right after the
        # answer must not take back a try the player saw, nor a finished game and its
        # outbox entry. The script always writes (the session's expiry), so the WAIT
        # covers a replayed try too.
        self._replicas = Replicas(redis)

    async def load(self, subject: str, puzzle: int) -> GameState:
        return GameState.from_json(await self.redis.get(keys.game(subject, puzzle)))

    async def guess_in_session(
        self, session_id: str, puzzle: int, number: int, attempt: Attempt, status: Status
    ) -> tuple[Outcome, GameState]:
        """Plays a try for the player of a session, read in the same round trip: the
        outcome and the game as it now stands (NO_SESSION: nothing was played)."""
        outcome, raw = await self._replicas.run(
            self._guess,
            keys=[keys.session(session_id), keys.OUTBOX, keys.day_figures(puzzle)],
            args=[
                number,
                attempt.word,
                orjson.dumps(attempt.marks),
                status.value,
                keys.GAME_TTL_SECONDS,
                puzzle,
                keys.GAME_PREFIX,
                keys.SESSION_TTL_SECONDS,
            ],
        )
        return _OUTCOMES[outcome], GameState.from_json(raw or None)

    async def day_figures(self, puzzle: int) -> dict[str, int]:
        """The puzzle's counters kept by the guess script: players, won:N, lost:6."""
        return {field: int(value) for field, value in (await self.redis.hgetall(keys.day_figures(puzzle))).items()}


class SessionStore:
    """Logged-in browsers: session id -> player, name and the provider's tokens."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._touch = redis.register_script(_TOUCH_SESSION)
        self._end_all = redis.register_script(_END_ALL_SESSIONS)

    async def get(self, session_id: str) -> dict[str, str] | None:
        # Read on every request: one command (a pipeline object costs half as much again).
        raw = await self._touch(keys=[keys.session(session_id)], args=[keys.SESSION_TTL_SECONDS])
        return dict(zip(raw[::2], raw[1::2], strict=True)) if raw else None

    async def create(self, session_id: str, fields: dict[str, str]) -> None:
        key = keys.session(session_id)
        index = keys.player_sessions(fields["subject"])
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.SESSION_TTL_SECONDS)
            pipe.sadd(index, session_id)
            pipe.expire(index, keys.SESSION_TTL_SECONDS)
            await pipe.execute()

    async def end_all(self, subject: str) -> int:
        """Every session of the account ended (back-channel logout); how many there were."""
        return int(await self._end_all(keys=[keys.player_sessions(subject)], args=[keys.session("")]))

    async def first_logout(self, jti: str, ttl_seconds: int) -> bool:
        """True the first time this logout token is seen."""
        return bool(await self.redis.set(keys.logout_token(jti), 1, nx=True, ex=max(1, ttl_seconds)))

    async def update(self, session_id: str, fields: dict[str, str]) -> None:
        await self.redis.hset(keys.session(session_id), mapping=fields)

    async def delete(self, session_id: str) -> None:
        await self.redis.delete(keys.session(session_id))

    async def lock_refresh(self, session_id: str) -> bool:
        return bool(await self.redis.set(keys.refresh_lock(session_id), 1, nx=True, ex=10))

    async def unlock_refresh(self, session_id: str) -> None:
        await self.redis.delete(keys.refresh_lock(session_id))

    async def refresh_locked(self, session_id: str) -> bool:
        return bool(await self.redis.exists(keys.refresh_lock(session_id)))


@dataclass(frozen=True)
class Stores:
    """The game's stores over one pool, built once per app (motus_kit.service)."""

    games: GameStore
    sessions: SessionStore
    logins: LoginStore

    @classmethod
    def over(cls, redis: Redis) -> Stores:
        return cls(GameStore(redis), SessionStore(redis), LoginStore(redis))


class LoginStore:
    """Logins under way, by state: one-time (GETDEL), so a callback cannot be replayed."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def save(self, state: str, data: dict[str, str]) -> None:
        await self.redis.set(keys.login(state), json.dumps(data), ex=keys.LOGIN_TTL_SECONDS)

    async def pop(self, state: str) -> dict[str, str] | None:
        raw = await self.redis.getdel(keys.login(state))
        return json.loads(raw) if raw else None
