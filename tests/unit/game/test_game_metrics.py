import asyncio

from prometheus_client import CollectorRegistry
from redis.exceptions import ConnectionError as RedisConnectionError

from motus.game.rules import Status
from motus.metrics import GameMetrics, finish_labels, refresh_today
from tests.support.aio import run


def _sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_every_label_value_exists_at_zero_before_anything_happens():
    registry = CollectorRegistry()
    GameMetrics(registry)
    assert _sample(registry, "motus_game_guesses_total", result="refused", reason="unknown_word") == 0
    assert _sample(registry, "motus_game_guesses_total", result="conflict", reason="puzzle_changed") == 0
    assert _sample(registry, "motus_game_guesses_total", result="accepted", reason="") == 0
    assert finish_labels()[0] == ("won", "1") and finish_labels()[-1] == ("lost", "6") and len(finish_labels()) == 7
    for outcome, tries in finish_labels():
        assert _sample(registry, "motus_game_games_finished_total", outcome=outcome, tries=tries) == 0
    # No player, word or path ever becomes a label: only these two names.
    families = {m.name: m for m in registry.collect()}
    assert {frozenset(s.labels) for s in families["motus_game_guesses"].samples} == {frozenset({"result", "reason"})}


def test_counting_a_game_and_today_s_figures():
    registry = CollectorRegistry()
    metrics = GameMetrics(registry)
    metrics.accepted(replayed=False)
    metrics.accepted(replayed=True)
    metrics.game_over(Status.WON, 3)
    metrics.set_today(29, {"players": 7, "won:3": 2, "lost:6": 1})
    assert _sample(registry, "motus_game_guesses_total", result="replayed", reason="") == 1
    assert _sample(registry, "motus_game_games_finished_total", outcome="won", tries="3") == 1
    assert _sample(registry, "motus_game_players_today") == 7
    assert _sample(registry, "motus_game_finished_today", outcome="won", tries="3") == 2
    assert _sample(registry, "motus_game_finished_today", outcome="won", tries="1") == 0
    assert _sample(registry, "motus_game_puzzle_number") == 29


def test_today_s_figures_keep_refreshing_through_a_store_outage():
    registry = CollectorRegistry()
    metrics = GameMetrics(registry)
    answers = iter([RedisConnectionError("down"), (30, {"players": 4})])

    async def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def scenario():
        task = asyncio.create_task(refresh_today(metrics, read, every=0.01))
        await asyncio.sleep(0.1)
        task.cancel()

    run(scenario())
    assert _sample(registry, "motus_game_players_today") == 4
