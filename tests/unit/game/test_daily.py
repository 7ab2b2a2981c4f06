import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from motus.game import daily
from motus.game.words import DATA_DIR, schedule

LOCK = DATA_DIR / "schedule.lock"


# The first published schedule. Written here, not only in schedule.lock, so that
# editing both files together still fails a test.
FIRST_PUBLISHED = ("4041", "50f7c8fb3e2ad7bc8903a3514213b2245dbccd7afb569015f0741413d126e8c8")


def test_first_published_schedule_is_still_the_prefix():
    count, digest = FIRST_PUBLISHED
    lines = (DATA_DIR / "schedule.txt").read_text().splitlines()
    prefix = "".join(f"{w}\n" for w in lines[: int(count)])
    assert hashlib.sha256(prefix.encode()).hexdigest() == digest


def test_schedule_prefixes_never_change():
    lines = (DATA_DIR / "schedule.txt").read_text().splitlines()
    checkpoints = [line.split() for line in LOCK.read_text().splitlines() if line and not line.startswith("#")]
    assert checkpoints
    for count, digest in checkpoints:
        prefix = "".join(f"{w}\n" for w in lines[: int(count)])
        assert hashlib.sha256(prefix.encode()).hexdigest() == digest, f"the first {count} lines were edited"


def test_schedule_varies_length_and_initial_day_to_day():
    lines = schedule()
    # The constraints hold for over ten years; only at the very end is a single length left.
    for i in range(1, 3900):
        assert len(lines[i]) != len(lines[i - 1]), i
        assert lines[i][0] not in {w[0] for w in lines[max(0, i - 3) : i]}, i
    # Blocks of five days use each length once (for about six years, while all last).
    for start in range(0, 2000, 5):
        assert {len(w) for w in lines[start : start + 5]} == {6, 7, 8, 9, 10}, start


def test_schedule_covers_ten_years_and_never_repeats():
    lines = schedule()
    assert len(lines) >= 3650
    assert len(set(lines)) == len(lines)


@pytest.mark.parametrize(
    ("utc", "paris_day"),
    [
        (datetime(2026, 11, 25, 22, 59, 59, tzinfo=UTC), date(2026, 11, 25)),  # 23:59:59 in Paris (CET)
        (datetime(2026, 11, 25, 23, 0, 0, tzinfo=UTC), date(2026, 11, 26)),  # midnight in Paris
        (datetime(2027, 7, 1, 21, 59, 59, tzinfo=UTC), date(2027, 7, 1)),  # CEST: UTC+2
        (datetime(2027, 7, 1, 22, 0, 0, tzinfo=UTC), date(2027, 7, 2)),
        # Spring forward, 2027-03-28 02:00 CET -> 03:00 CEST.
        (datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC), date(2027, 3, 28)),
        (datetime(2027, 3, 27, 22, 59, 59, tzinfo=UTC), date(2027, 3, 27)),
        (datetime(2027, 3, 28, 21, 59, 59, tzinfo=UTC), date(2027, 3, 28)),
        (datetime(2027, 3, 28, 22, 0, 0, tzinfo=UTC), date(2027, 3, 29)),
        # Fall back, 2027-10-31 03:00 CEST -> 02:00 CET.
        (datetime(2027, 10, 30, 21, 59, 59, tzinfo=UTC), date(2027, 10, 30)),
        (datetime(2027, 10, 30, 22, 0, 0, tzinfo=UTC), date(2027, 10, 31)),
        (datetime(2027, 10, 31, 22, 59, 59, tzinfo=UTC), date(2027, 10, 31)),
        (datetime(2027, 10, 31, 23, 0, 0, tzinfo=UTC), date(2027, 11, 1)),
    ],
)
def test_game_day_is_the_date_in_paris(utc, paris_day):
    assert daily.paris_day(utc) == paris_day


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        daily.paris_day(datetime(2026, 11, 25, 12, 0))


def test_puzzle_numbers_count_days_since_launch():
    assert daily.puzzle_for(date(2026, 11, 1)).number == 1
    assert daily.puzzle_for(date(2026, 11, 25)).number == 25
    assert daily.puzzle_for(date(2026, 11, 25)).answer == schedule()[24]
    # A day is 1 whatever its length: 23 h and 25 h days do not shift the numbering.
    assert daily.puzzle_for(date(2027, 3, 29)).number - daily.puzzle_for(date(2027, 3, 27)).number == 2
    assert daily.puzzle_for(date(2027, 11, 1)).number - daily.puzzle_for(date(2027, 10, 30)).number == 2


@pytest.mark.parametrize("day", [date(2026, 10, 31), date(2020, 1, 1), date(2026, 11, 1) + timedelta(days=20000)])
def test_no_puzzle_outside_the_schedule(day):
    with pytest.raises(daily.NoPuzzle):
        daily.puzzle_for(day)


@pytest.mark.parametrize(
    ("utc", "hours_left"),
    [
        (datetime(2026, 11, 25, 23, 0, tzinfo=UTC), 24),  # just after midnight in Paris
        (datetime(2027, 3, 27, 23, 0, tzinfo=UTC), 23),  # the spring-forward day is 23 h long
        (datetime(2027, 10, 30, 22, 0, tzinfo=UTC), 25),  # the fall-back day is 25 h long
    ],
)
def test_next_puzzle_is_at_the_next_paris_midnight(utc, hours_left):
    assert daily.next_puzzle_at(utc) - utc == timedelta(hours=hours_left)


def test_daily_module_reads_no_clock():
    # The day is computed from the `now` each request passes in, never from a clock
    # read here (at import or otherwise), so tests and replicas control it.
    source = Path(daily.__file__).read_text()
    for clock in ("datetime.now", "date.today", "time.time", "datetime.utcnow", ".now("):
        assert clock not in source, clock
