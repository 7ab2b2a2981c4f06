"""The local Prometheus watching a stack: a scripted mix of players, a refused word,
failed logins, a replayed code and a replica killed and restarted; then every query
of every dashboard panel and every alert rule is run against the real Prometheus.

A renamed metric, a typo in a query or a label that no longer exists fails here.
"""

from __future__ import annotations

import time

import httpx2
import pytest

from tests.support import observability
from tests.support.accounts import PASSWORD, login, new_username, register
from tests.support.oauth import AuthRequest, authorize, code_from, exchange, signed_in_browser
from tests.support.players import Player, finish_game, todays_puzzle, wrong_words
from tests.support.prometheus import Prometheus
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

JOBS = {"game": 2, "score": 2, "auth": 2, "haproxy": 1, "redis": 6, "prometheus": 1}
# Counters the mix below moves, and by at least how much (summed over replicas).
EXPECTED = {
    'motus_game_guesses_total{result="accepted"}': 3,
    'motus_game_guesses_total{result="refused",reason="unknown_word"}': 1,
    'motus_game_guesses_total{result="replayed"}': 2,
    'motus_game_guesses_total{result="conflict",reason="attempt_conflict"}': 1,
    'motus_game_guesses_total{result="conflict",reason="game_over"}': 1,
    'motus_game_games_finished_total{outcome="won",tries="1"}': 1,
    'motus_game_games_finished_total{outcome="won",tries="2"}': 1,
    'motus_auth_logins_total{outcome="wrong_password"}': 5,
    'motus_auth_logins_total{outcome="unknown_user"}': 1,
    'motus_auth_logins_total{outcome="locked"}': 1,
    "motus_auth_lockouts_total": 1,
    'motus_auth_registrations_total{outcome="created"}': 3,
    'motus_auth_tokens_issued_total{grant="authorization_code"}': 3,
    'motus_auth_token_reuse_detected_total{token="authorization_code"}': 1,
    'motus_score_results_total{outcome="created"}': 2,
}
EXPECTED_RESULTS = 'motus_score_results_total{outcome="created"}'


def _total(prom: Prometheus, selector: str) -> float:
    return prom.value(f"sum({selector})") or 0.0


def _scraped_after(prom: Prometheus, moment: float) -> bool:
    # Every target scraped since `moment`: what the counters said then is in Prometheus now.
    result = prom.query("min(timestamp(up))")
    return bool(result) and float(result[0]["value"][1]) > moment


def _mix(public_url: str) -> None:
    puzzle = todays_puzzle()
    # Two players finish (the outbox delivers both to the score service). The first
    # replays a try and then tries another word (game over); the second sends a word the
    # dictionary does not know, then contradicts a try while playing.
    first_try, other = wrong_words(puzzle, 2)
    with Player(public_url) as first, Player(public_url) as second:
        finish_game(first, won_in=1)
        assert first.guess(1, puzzle.answer).json()["replayed"] is True
        assert first.guess(1, first_try).json()["code"] == "game_over"
        assert second.guess(1, puzzle.first_letter + "q" * (puzzle.length - 1)).status_code == 422
        assert second.guess(1, first_try).status_code == 200
        assert second.guess(1, other).json()["code"] == "attempt_conflict"
        finish_game(second, won_in=2)  # its first try again (a replay), then the answer
    # Failed logins and a lock, from an address of their own so the rest of the suite
    # (127.0.0.1) keeps its per-address allowance.
    transport = httpx2.HTTPTransport(local_address="127.0.0.9")
    with httpx2.Client(base_url=public_url, transport=transport, timeout=10) as browser:
        victim = new_username()
        assert register(browser, victim).status_code == 303
        browser.cookies.clear()
        statuses = [login(browser, victim, "pas le bon mot de passe").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429], statuses
        assert login(browser, victim, PASSWORD).status_code == 429  # locked: refused before the password
        assert login(browser, new_username(), PASSWORD).status_code == 401  # nobody by that name
    # A code used twice: the second use is detected and revokes the first one's tokens.
    browser, _ = signed_in_browser(public_url)
    try:
        request = AuthRequest()
        code = code_from(authorize(browser, request), request)
        assert exchange(public_url, code, request).status_code == 200
        assert exchange(public_url, code, request).status_code == 400
    finally:
        browser.close()


_FAILED: list[str] = []


@pytest.fixture(scope="module")
def run(stack):
    """The mix, then motus-1 killed and started again; (start, end, counters before, alert seen)."""
    # pytest runs a module fixture that raised again for every test that asks for it:
    # one failed run is reported once, not eighty times over several minutes.
    if _FAILED:
        pytest.fail(f"the scripted run failed: {_FAILED[0]}")
    try:
        return _scripted_run(stack)
    except BaseException as exc:
        _FAILED.append(f"{type(exc).__name__}: {exc}"[:500])
        raise


def _scripted_run(stack) -> dict:
    prom = Prometheus(stack.topology.prometheus_url)
    wait_until(lambda: all(s.state == "RUNNING" for s in stack.status()), timeout=30, what="stack running")
    stack.wait_ready(timeout=30)
    wait_until(
        lambda: {row["metric"]["job"]: int(float(row["value"][1])) for row in prom.query("sum by (job) (up)")} == JOBS,
        timeout=30,
        what="every target up",
    )
    before = {selector: _total(prom, selector) for selector in EXPECTED}
    start = time.time()
    _mix(stack.topology.public_url)
    mixed = time.time()
    wait_until(lambda: _scraped_after(prom, mixed + 1), timeout=20, what="a scrape after the mix")
    # Results reach the score service through the outbox: wait for both.
    wait_until(
        lambda: _total(prom, 'motus_score_results_total{outcome="created"}') - before[EXPECTED_RESULTS] >= 2,
        timeout=20,
        what="both results recorded",
    )
    after = {selector: _total(prom, selector) for selector in EXPECTED}

    stack.kill(["motus-1"])
    killed = time.time()
    fired = wait_until(
        lambda: prom.firing("MotusReplicaDown", instance="motus-1"), timeout=60, what="MotusReplicaDown firing"
    )
    fired_after = time.time() - killed
    # Left down a few scrapes longer, as an operator would look at it: the firing
    # state is then in ALERTS at more than one evaluation.
    time.sleep(3)
    stack.start(["motus-1"])
    stack.wait_ready(timeout=30)
    wait_until(
        lambda: not prom.firing("MotusReplicaDown", instance="motus-1"), timeout=30, what="MotusReplicaDown resolved"
    )
    end = time.time()
    return {"start": start, "end": end, "before": before, "after": after, "fired": fired, "fired_after": fired_after}


@pytest.mark.parametrize("selector", sorted(EXPECTED))
def test_the_mix_moves_the_counter(run, selector):
    moved = run["after"][selector] - run["before"][selector]
    assert moved >= EXPECTED[selector], f"{selector} moved by {moved}, expected at least {EXPECTED[selector]}"


def test_players_today_counts_each_player_once_on_both_replicas(stack, run):
    prom = Prometheus(stack.topology.prometheus_url)
    # Both replicas report the same figure from redis-game (hence max() in the dashboards).
    values = {row["metric"]["instance"]: float(row["value"][1]) for row in prom.query("motus_game_players_today")}
    assert set(values) == {"motus-1", "motus-2"}
    assert len(set(values.values())) == 1 and values["motus-1"] >= 2


def test_replica_down_alert_fires_then_resolves(run):
    [alert] = run["fired"]
    assert alert["labels"]["job"] == "game" and alert["labels"]["severity"] == "warning"
    assert "motus-stack start motus-1" in alert["annotations"]["runbook"]
    # `for: 20s`, then a scrape and an evaluation every second.
    assert 20 <= run["fired_after"] < 40


PROMETHEUS_TARGETS = [t for t in observability.targets() if t.datasource_uid == "motus-prometheus"]


@pytest.mark.parametrize(
    "target", PROMETHEUS_TARGETS, ids=[f"{t.dashboard}:{t.panel}:{i}" for i, t in enumerate(PROMETHEUS_TARGETS)]
)
def test_every_dashboard_query_returns_series(stack, run, target):
    prom = Prometheus(stack.topology.prometheus_url)
    # A range query, as Grafana runs for its panels, over the whole scripted run.
    series = prom.query_range(target.for_prometheus(), run["start"], run["end"], step=1)
    assert series, f"no series for {target.expr!r}"


ALERTS = observability.alert_rules()


@pytest.mark.parametrize("rule", ALERTS, ids=[rule["alert"] for rule in ALERTS])
def test_every_alert_signal_returns_series(stack, run, rule):
    prom = Prometheus(stack.topology.prometheus_url)
    signal = observability.alert_signal(rule["expr"])
    series = prom.query_range(signal, run["start"], run["end"], step=1)
    assert series, f"{rule['alert']}: no series for {signal!r}: the alert could never fire"
    # And the whole rule is valid PromQL that Prometheus evaluates without error.
    prom.query_range(rule["expr"], run["start"], run["end"], step=1)


RECORDS = observability.recording_rules()


@pytest.mark.parametrize("rule", RECORDS, ids=[rule["record"] for rule in RECORDS])
def test_every_recording_rule_is_evaluated(stack, run, rule):
    prom = Prometheus(stack.topology.prometheus_url)
    assert prom.query_range(rule["record"], run["start"], run["end"], step=1), rule["record"]


def test_prometheus_loaded_every_rule_without_error(stack, run):
    groups = httpx2.get(stack.topology.prometheus_url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) == len(ALERTS) + len(RECORDS)
    assert all(rule["health"] == "ok" for rule in rules), [r for r in rules if r["health"] != "ok"]
