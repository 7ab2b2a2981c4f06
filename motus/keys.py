"""Every Redis key the game service writes, with its lifetime and the reason for it."""

from __future__ import annotations

# Schema version in every key: a change of format gets new keys instead of
# misreading old ones.
PREFIX = "game:v1"

# Page visits per browser (the visitor cookie). 30 days: a browser not seen for a
# month starts again from zero, and abandoned counters do not pile up.
VISITS_TTL_SECONDS = 30 * 24 * 3600


def visits(visitor: str) -> str:
    return f"{PREFIX}:visits:{visitor}"
