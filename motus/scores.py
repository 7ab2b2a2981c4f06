"""The player's statistics and the leaderboards as the game shows them, read from
the score service on the player's behalf. No web framework here."""

from __future__ import annotations

import asyncio
from datetime import datetime

from motus.game.rules import Status
from motus.play import current_puzzle
from motus.player import Player
from motus.score_client import ScoreClient, ScoreRefused, ScoreUnavailable
from motus.store import GameStore, Owner
from motus_kit.errors import ApiError

UNAVAILABLE = ApiError(
    503, "score_unavailable", "Les statistiques sont momentanément indisponibles. Réessayez dans un instant."
)


# What a guest (or a browser whose login ended) is told when asking for statistics.
ACCOUNTS_ONLY = "Les statistiques sont réservées aux comptes : connectez-vous pour garder ce résultat et votre série."


async def stats(games: GameStore, score: ScoreClient, player: Player, now: datetime) -> dict:
    """The daily statistics (the score service's), `pending` while today's result is on its
    way, and `archive`: the past puzzles finished late, counted apart."""
    subject = player.require(ACCOUNTS_ONLY)
    puzzle = current_puzzle(now)
    token = await player.access_token()
    if token is None:
        raise ApiError(401, "login_required", "Reconnectez-vous pour voir vos statistiques.")
    try:
        state, archive, found = await asyncio.gather(
            games.load(Owner(subject), puzzle.number), games.archive_counts(subject), score.stats(subject, token)
        )
    except ScoreRefused:
        raise ApiError(401, "login_required", "Reconnectez-vous pour voir vos statistiques.") from None
    except ScoreUnavailable:
        raise UNAVAILABLE from None
    # Today's game ended but its result is still on its way (the outbox): the page
    # says so and asks again shortly, rather than showing numbers without it.
    finished_today = state.status is not Status.PLAYING
    return {**found, "pending": finished_today and found.get("last_puzzle") != puzzle.number, "archive": archive}


async def leaderboards(score: ScoreClient, player: Player) -> dict:
    """Both tables; `personal` says whether they hold the player's own rows."""
    token = await player.access_token()
    try:
        return {**await score.leaderboards(token), "personal": token is not None}
    except ScoreRefused:
        # The player's token was refused: the public tables, without the player's rank.
        try:
            return {**await score.leaderboards(None), "personal": False}
        except (ScoreRefused, ScoreUnavailable):
            raise UNAVAILABLE from None
    except ScoreUnavailable:
        raise UNAVAILABLE from None


async def today_status(games: GameStore, player: Player, now: datetime) -> str | None:
    """playing, won or lost for a logged-in player; None for a visitor."""
    if not player.logged_in:
        return None
    return (await games.load(Owner(player.subject), current_puzzle(now).number)).status.value
