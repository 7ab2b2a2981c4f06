"""The sorted-set scores order players exactly like the scoring rules say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from motus_score import scoring
from motus_score.scoring import Result
from motus_score.store import _daily_band, _daily_fields, all_time_score, daily_score

results = st.lists(
    st.builds(
        Result,
        player=st.text("abcdef0123456789", min_size=1, max_size=8),
        puzzle=st.just(7),
        won=st.just(True),
        attempts=st.integers(1, 6),
        seconds=st.integers(0, 25 * 3600),
        finished_ms=st.integers(0, 25 * 3600 * 1000),
    ),
    unique_by=lambda r: r.player,
)


@given(results)
def test_daily_score_orders_like_daily_order(rs):
    by_set = sorted(rs, key=lambda r: (daily_score(r.attempts, r.seconds, r.finished_ms), r.player))
    assert by_set == scoring.daily_order(rs)


@given(results)
def test_daily_score_stays_exact_in_a_double_and_gives_back_what_a_rank_is_shared_on(rs):
    for r in rs:
        score = daily_score(r.attempts, r.seconds, r.finished_ms)
        assert float(score) == score  # Redis keeps sorted-set scores as doubles
        assert _daily_fields(score) == (r.attempts, r.seconds)
        assert _daily_band(score) == daily_score(r.attempts, r.seconds, 0)


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.text("ab", min_size=1, max_size=4))))
def test_all_time_score_orders_like_all_time_key(rows):
    rows = [(wins, min(best, wins), player) for wins, best, player in rows]
    by_set = sorted(rows, key=lambda r: (all_time_score(r[0], r[1]), r[2]))
    assert by_set == sorted(rows, key=lambda r: scoring.all_time_key(*r))
