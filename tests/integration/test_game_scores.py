"""The game's views of the score service, on the player's behalf, through HAProxy."""

from __future__ import annotations

import pytest

from tests.support.players import Player, finish_game
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def test_winner_and_loser_see_their_own_standing(healthy_stack):
    base = healthy_stack.topology.public_url
    with Player(base) as winner, Player(base) as loser:
        finish_game(winner, won_in=2)
        finish_game(loser, won_in=None)
        wait_until(
            lambda: all(not p.client.get("/api/game/stats").json()["pending"] for p in (winner, loser)),
            timeout=20,
            what="both results recorded",
        )
        boards = winner.client.get("/api/game/leaderboards").json()
        assert boards["personal"] is True
        assert (boards["daily"]["me"]["name"], boards["daily"]["me"]["attempts"]) == (winner.name, 2)
        assert boards["all_time"]["me"]["wins"] == 1
        lost = loser.client.get("/api/game/leaderboards").json()
        assert lost["daily"]["me"] is None and lost["all_time"]["me"]["wins"] == 0
        assert "Vous n'avez pas trouvé le mot du jour." in loser.client.get("/classement").text
        assert loser.client.get("/api/game/stats").json()["distribution"]["lost"] == 1
        page = winner.client.get("/classement")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        # The player's row, marked, when in the top ten; otherwise their rank under the table.
        me = boards["daily"]["me"]
        if any(row["name"] == winner.name for row in boards["daily"]["top"]):
            assert winner.name in page.text and "(vous)" in page.text
        else:
            assert f"Votre rang : {me['rank']}" in page.text


def test_statistics_need_a_login(healthy_stack):
    with Player(healthy_stack.topology.public_url, logged_in=False) as visitor:
        resp = visitor.client.get("/api/game/stats")
        assert resp.status_code == 401 and resp.json()["code"] == "login_required"
        assert visitor.client.get("/classement").status_code == 200  # the tables are public
