import pytest
from pydantic import ValidationError

from motus.settings import GameSettings
from motus_auth.settings import AuthSettings
from motus_score.settings import ScoreSettings

SECRET = "an-unguessable-test-secret-0123456789-abcdefgh"


@pytest.fixture(autouse=True)
def _secrets(monkeypatch):
    monkeypatch.setenv("GAME_SESSION_SECRET", SECRET)
    monkeypatch.setenv("GAME_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("AUTH_SECRET_KEY", SECRET)


def test_each_service_reads_its_own_prefix(monkeypatch):
    monkeypatch.setenv("GAME_INSTANCE", "motus-2")
    monkeypatch.setenv("SCORE_INSTANCE", "score-2")
    monkeypatch.setenv("AUTH_REDIS_URL", "redis://redis-auth:6379/0")
    assert GameSettings().instance == "motus-2"
    assert ScoreSettings().instance == "score-2"
    assert AuthSettings().redis_url == "redis://redis-auth:6379/0"
    assert AuthSettings().instance == "auth-1"


def test_defaults_match_the_local_stack():
    assert GameSettings().redis_url == "redis://127.0.0.1:6391/0"
    assert ScoreSettings().redis_url == "redis://127.0.0.1:6392/0"
    assert AuthSettings().redis_url == "redis://127.0.0.1:6393/0"


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("GAME_INSTANCE", "Motus 1"),
        ("GAME_INSTANCE", ""),
        ("GAME_REDIS_URL", "http://localhost:6379"),
        ("GAME_LOG_LEVEL", "LOUD"),
        ("GAME_DRAIN_SECONDS", "-1"),
        ("GAME_REDIS_TIMEOUT_SECONDS", "0"),
        ("GAME_SESSION_SECRET", "too-short"),
        ("GAME_SESSION_SECRET", "x" * 64),
        ("GAME_SESSION_SECRET", "changemechangemechangemechangemechangeme"),
    ],
)
def test_bad_setting_is_refused_with_its_name(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValidationError) as err:
        GameSettings()
    field = var.removeprefix("GAME_").lower()
    assert field in str(err.value)


def test_game_refuses_to_start_without_a_session_secret(monkeypatch):
    monkeypatch.delenv("GAME_SESSION_SECRET")
    with pytest.raises(ValidationError, match="session_secret"):
        GameSettings()


def test_session_secret_never_shows_in_repr():
    assert SECRET not in repr(GameSettings())


def test_load_settings_names_each_bad_variable(monkeypatch):
    from motus_kit.settings import SettingsError, load_settings

    monkeypatch.setenv("GAME_LOG_LEVEL", "LOUD")
    monkeypatch.setenv("GAME_SESSION_SECRET", "short")
    with pytest.raises(SettingsError) as err:
        load_settings(GameSettings)
    text = str(err.value)
    assert "GAME_LOG_LEVEL" in text and "GAME_SESSION_SECRET" in text
    assert "short" not in text  # the value of a secret is not echoed
