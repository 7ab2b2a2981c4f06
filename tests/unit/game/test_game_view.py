"""What a game's JSON says, before and after its end (play.view is pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from motus import play
from motus.game import daily, rules
from motus.game.rules import Attempt, Status
from motus.game.words import spelling
from motus.store import GameState
from motus_kit.errors import ApiError

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
TODAY = daily.today(NOW)
TABLE = play.Table(now=NOW, public_url="https://motus.example")


def _finished(puzzle: daily.Puzzle, hard: bool = False) -> GameState:
    return GameState((Attempt(puzzle.answer, rules.mark(puzzle.answer, puzzle.answer)),), Status.WON, hard)


def test_before_the_end_neither_the_answer_nor_its_spelling_nor_its_definition():
    view = play.view(TODAY, GameState(), TABLE)
    assert view["answer"] is view["spelling"] is view["definition_url"] is view["share"] is None
    assert view["hard"] is False


def test_at_the_end_the_spelled_word_its_definition_and_the_share_text_with_the_site():
    view = play.view(TODAY, _finished(TODAY), TABLE)
    assert view["answer"] == TODAY.answer.upper()
    assert view["spelling"] == spelling(TODAY.answer)
    assert view["definition_url"].startswith("https://fr.wiktionary.org/wiki/")
    assert view["share"].startswith(f"MOTUS #{TODAY.number} 1/6\n")
    assert view["share"].endswith("\nhttps://motus.example")


def test_a_hard_game_has_a_star_and_an_archive_game_its_own_address():
    past = daily.published(30, NOW)
    view = play.view(past, _finished(past, hard=True), TABLE)
    assert view["hard"] is True
    assert view["share"].startswith("MOTUS #30 1/6*\n") and view["share"].endswith("\nhttps://motus.example/partie/30")


def test_a_game_not_started_shows_the_player_s_setting_a_started_one_its_own():
    hard_table = play.Table(now=NOW, public_url="https://motus.example", hard=True)
    assert play.view(TODAY, GameState(), hard_table)["hard"] is True
    started = GameState((Attempt("x" * TODAY.length, (rules.Mark.ABSENT,) * TODAY.length),), Status.PLAYING, False)
    assert play.view(TODAY, started, hard_table)["hard"] is False


@pytest.mark.parametrize("number", ["0", str(TODAY.number + 1), "abc", "-1", "1.5", "", "٣", "1e2", "0036", "9" * 7])
def test_anything_but_a_published_puzzle_number_is_the_same_404(number):
    if number == "0036":  # leading zeros are still the number 36
        assert play.archived_puzzle(number, NOW).number == 36
        return
    with pytest.raises(ApiError) as raised:
        play.archived_puzzle(number, NOW)
    assert (raised.value.status, raised.value.code) == (404, "no_puzzle")
    assert raised.value.message == play.NO_PUZZLE.message  # says nothing of that puzzle


def test_the_archive_goes_back_to_puzzle_1_and_up_to_today():
    assert play.archived_puzzle("1", NOW).day.isoformat() == "2026-11-01"
    assert play.archived_puzzle(str(TODAY.number), NOW) == TODAY
    # After midnight, yesterday's word is in the archive and today's is the next.
    tomorrow = NOW + timedelta(days=1)
    assert play.archived_puzzle(str(TODAY.number + 1), tomorrow).number == TODAY.number + 1
