"""Store URLs and the failover retry's time budget (no Redis needed)."""

import time

import pytest

from motus_kit.redis_store import StoreURLError, _Deadline, parse_sentinel_url
from motus_kit.settings import ServiceSettings


def test_a_sentinel_url_names_the_sentinels_the_store_and_the_database():
    target = parse_sentinel_url("redis+sentinel://game:s3cr%40t@sentinel-1:26379,10.0.0.2:26380/redis-game/2")
    assert target.sentinels == (("sentinel-1", 26379), ("10.0.0.2", 26380))
    assert (target.service, target.db, target.username, target.password) == ("redis-game", 2, "game", "s3cr@t")


def test_without_credentials_or_database():
    target = parse_sentinel_url("redis+sentinel://127.0.0.1:26391/redis-auth")
    assert (target.username, target.password, target.db) == (None, None, 0)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("redis+sentinel://sentinel-1/redis-game/0", "host:port"),
        ("redis+sentinel://s:26379", "the path must be"),
        ("redis+sentinel://s:26379/redis-game/zero", "the path must be"),
        ("redis+sentinel://s:26379/a/0/extra", "the path must be"),
        ("redis://s:6379/0", "not a redis\\+sentinel"),
    ],
)
def test_a_bad_sentinel_url_says_what_is_wrong(url, why):
    with pytest.raises(StoreURLError, match=why):
        parse_sentinel_url(url)


def test_settings_accept_either_form_and_hand_the_sentinel_password_to_the_client():
    settings = ServiceSettings(
        redis_url="redis+sentinel://game:pw@127.0.0.1:26391/redis-game/0",
        redis_sentinel_password="discovery-password",
        redis_failover_seconds=4,
    )
    options = settings.store_options()
    assert options.replicated and options.sentinel_username == "discovery"
    assert options.sentinel_password == "discovery-password" and options.failover_seconds == 4
    assert not ServiceSettings(redis_url="redis://127.0.0.1:6379/0").store_options().replicated


def test_the_retry_budget_is_time_not_a_count():
    deadline = _Deadline(budget_seconds=0.3)
    started = time.monotonic()
    error = ConnectionError("refused")
    pauses = []
    with pytest.raises(ConnectionError):
        for failures in range(1, 1000):
            pause = deadline.pause(failures, started, error)
            pauses.append(pause)
            time.sleep(pause)
    # Many quick tries while it lasts (a refused connection costs nothing), none past it.
    assert len(pauses) >= 3
    assert time.monotonic() - started <= 0.3 + 0.05
    assert max(pauses) <= 0.25
