"""Game and players: tries by result, games finished, today's players, win rate and tries."""

from __future__ import annotations

from dashboards.panels import bars, dashboard, graph, number, promql, row

RATE = "[$__rate_interval]"
# The "today" gauges are read from redis-game by both game replicas: the same figure
# twice, so max() by their labels, never sum().
TODAY = "max by (outcome, tries) (motus_game_finished_today)"
WON_TODAY = 'max by (outcome, tries) (motus_game_finished_today{outcome="won"})'


def build():
    return (
        dashboard(
            "motus-game",
            "Motus / Game and players",
            "Today's puzzle as the players live it, and the tries the game receives.",
        )
        .with_row(row("Today's puzzle"))
        .with_panel(
            number(
                "Players today",
                "Players who played at least one try of today's puzzle (counted in redis-game, exact).",
                promql("max(motus_game_players_today)", "players"),
            )
        )
        .with_panel(
            number(
                "Games finished today",
                "Won or lost today, whichever replica served them.",
                promql(f"sum({TODAY})", "games"),
            )
        )
        .with_panel(
            number(
                "Win rate today",
                "Games won among the games finished today.",
                promql(f"sum({WON_TODAY}) / sum({TODAY})", "won"),
                unit="percentunit",
            )
        )
        .with_panel(
            number(
                "Puzzle number",
                "MOTUS #n: days since 2026-10-31 in Paris. Today's figures are about this puzzle.",
                promql("max(motus_game_puzzle_number)", "puzzle"),
            )
        )
        .with_panel(
            bars(
                "Tries distribution today",
                "Games won in 1 to 6 tries, and lost (after 6), for today's puzzle.",
                promql(TODAY, "{{outcome}} in {{tries}}"),
                width=12,
            )
        )
        .with_panel(
            graph(
                "Players today, over time",
                "Grows through the day; back to 0 at midnight in Paris, with the new puzzle.",
                [promql("motus:game_players_today:max", "players")],
                width=12,
            )
        )
        .with_row(row("Tries"))
        .with_panel(
            graph(
                "Tries by result",
                "accepted: a new try recorded; replayed: the same try sent again (a retry, harmless); refused: "
                "not a playable word (costs nothing); conflict: answered 409.",
                [promql(f"sum by (result) (rate(motus_game_guesses_total{RATE}))", "{{result}}")],
                unit="reqps",
                stacked=True,
            )
        )
        .with_panel(
            graph(
                "Refused and conflicting tries, by reason",
                "Why a try was not played: wrong length, wrong first letter, unknown word, not a word; or "
                "conflict codes (attempt_conflict, attempt_out_of_order, game_over, puzzle_changed).",
                [
                    promql(
                        f'sum by (result, reason) (rate(motus_game_guesses_total{{result=~"refused|conflict"}}{RATE}))',
                        "{{result}}: {{reason}}",
                    )
                ],
                unit="reqps",
            )
        )
        .with_panel(
            graph(
                "Games finished per minute",
                "Games that ended, by outcome (each replica counts those it served: sum).",
                [promql(f"60 * sum by (outcome) (rate(motus_game_games_finished_total{RATE}))", "{{outcome}}")],
                unit="opm",
                bars=True,
                width=24,
            )
        )
    )
