"""The relay: delivers finished games from the outbox to the score service.

One runs in each game replica. It takes entries (its own unacknowledged ones
first, then those a dead replica left, then new ones), PUTs each to the score
service, and acknowledges an entry only once the score service confirmed it.
When the score tier is down it waits with exponential backoff and tries again;
nothing is dropped. A result the score service refuses for good (a conflicting
record, an invalid field) goes to a separate stream, logged, never retried. One
the score service fails on while it takes the others (a 500 for that entry, say)
is retried on its own schedule without holding the others back.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from redis.exceptions import RedisError

from motus.outbox import Entry, MalformedEntry, Outbox
from motus.score_client import Delivery, Outcome, ScoreClient

log = logging.getLogger("motus.relay")

BATCH = 50
# How long a blocking read waits for new entries: also how often the gauges refresh.
BLOCK_SECONDS = 1.0


class Backoff:
    """Exponential with full jitter, so two relays do not retry in step."""

    def __init__(self, first: float, cap: float) -> None:
        self.first, self.cap, self.failures = first, cap, 0

    def next_delay(self) -> float:
        self.failures += 1
        return random.uniform(0, min(self.cap, self.first * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


class RelayMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.backlog = Gauge(
            "motus_outbox_backlog", "Finished games not yet confirmed by the score service", registry=registry
        )
        self.oldest_age = Gauge(
            "motus_outbox_oldest_age_seconds", "Age of the oldest undelivered finished game", registry=registry
        )
        self.lag = Histogram(
            "motus_outbox_delivery_lag_seconds",
            "From the end of a game to the score service's confirmation",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
            registry=registry,
        )
        self.deliveries = Counter(
            "motus_outbox_deliveries",
            "Delivery attempts by outcome (created, replay, refused, failed, retry)",
            ["outcome"],
            registry=registry,
        )
        # At zero from the start: a dashboard shows 0 rather than "no data".
        for outcome in Delivery:
            self.deliveries.labels(outcome.value)


class Relay:
    def __init__(
        self,
        outbox: Outbox,
        score: ScoreClient,
        metrics: RelayMetrics,
        claim_idle_seconds: float,
        backoff_cap: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.outbox, self.score, self.metrics, self.clock = outbox, score, metrics, clock
        # Entries the score service failed on (not the whole tier): id -> (when to try
        # again, failures so far). Only a retry schedule: forgetting it (a restart)
        # just means trying those entries again at once.
        self._retry_at: dict[str, tuple[float, int]] = {}
        self.claim_idle_seconds = claim_idle_seconds
        # Below the claim delay, so a live relay retrying its own entries keeps them
        # (each retry resets their idle time) and only a dead one's are taken over.
        self.backoff = Backoff(first=0.2, cap=min(backoff_cap, claim_idle_seconds / 3))

    async def run(self) -> None:
        need_group = True
        while True:
            try:
                if need_group:
                    # Again after any Redis error: a redis-game restarted empty has lost the group.
                    await self.outbox.ensure_group()
                    need_group = False
                delivered = await self.step()
            except RedisError as exc:
                log.warning("outbox unavailable", extra={"error": type(exc).__name__, "detail": str(exc)[:200]})
                need_group, delivered = True, False
            except Exception:
                # A bug must not stop delivery for the life of the process: log it, wait, go on.
                log.exception("relay step failed")
                delivered = False
            if delivered:
                self.backoff.reset()
            else:
                await asyncio.sleep(self.backoff.next_delay())

    async def step(self) -> bool:
        """One round; False when the score tier is down (wait before the next)."""
        # Our own unacknowledged entries first (reading them also keeps them ours), but
        # only those due: one the score service failed on waits its own backoff, so a
        # single bad entry never holds back the others.
        mine = await self.outbox.own_pending(BATCH)
        self._retry_at = {e.id: self._retry_at[e.id] for e in mine if e.id in self._retry_at}
        ok = await self.deliver([e for e in mine if self._retry_at.get(e.id, (0, 0))[0] <= self.clock()])
        if ok:
            ok = await self.deliver(await self.outbox.claim_stale(self.claim_idle_seconds, BATCH))
        if ok:
            ok = await self.deliver(await self.outbox.read_new(BATCH, BLOCK_SECONDS))
        await self.refresh_gauges()
        return ok

    async def deliver(self, entries: list[Entry]) -> bool:
        """False as soon as the score tier is down; an entry-specific failure is set aside."""
        for entry in entries:
            if not entry.fields:  # deleted after another relay delivered it
                await self.outbox.done(entry)
                continue
            try:
                game = entry.game
            except MalformedEntry as exc:
                # Not a finished game: no request could ever succeed. Set aside, not dropped.
                outcome = Outcome(Delivery.REFUSED, f"malformed outbox entry: {exc}")
            else:
                outcome = await self.score.record(game)
            self.metrics.deliveries.labels(outcome.delivery.value).inc()
            if outcome.delivery is Delivery.RETRY:
                log.warning("delivery postponed", extra={"entry": entry.id, "reason": outcome.detail})
                return False
            if outcome.delivery is Delivery.FAILED:
                failures = self._retry_at.get(entry.id, (0, 0))[1] + 1
                wait = min(self.backoff.cap, 2 ** (failures - 1))
                self._retry_at[entry.id] = (self.clock() + wait, failures)
                log.error(
                    "delivery failed, retried later",
                    extra={"entry": entry.id, "failures": failures, "reason": outcome.detail},
                )
                continue
            self._retry_at.pop(entry.id, None)
            if outcome.delivery is Delivery.REFUSED:
                log.error("result refused by the score service", extra={"entry": entry.id, "reason": outcome.detail})
                await self.outbox.refuse(entry, outcome.detail)
                continue
            await self.outbox.done(entry)
            lag = game.lag_seconds()
            self.metrics.lag.observe(lag)
            log.info(
                "result delivered",
                extra={"entry": entry.id, "outcome": outcome.delivery.value, "lag_ms": round(lag * 1000)},
            )
        return True

    async def refresh_gauges(self) -> None:
        length, oldest = await self.outbox.backlog()
        self.metrics.backlog.set(length)
        self.metrics.oldest_age.set(oldest)
