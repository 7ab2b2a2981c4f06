"""Delivery: finished games on their way from the game's outbox to the score service."""

from __future__ import annotations

from dashboards.panels import dashboard, graph, number, promql, row

RATE = "[$__rate_interval]"


def _lag(quantile: str) -> str:
    return f"histogram_quantile({quantile}, sum by (le) (rate(motus_outbox_delivery_lag_seconds_bucket{RATE})))"


def build():
    return (
        dashboard(
            "motus-delivery",
            "Motus / Delivery",
            "The transactional outbox: every finished game is written with its result in redis-game, then "
            "delivered to the score service by a relay in each game replica. Stop both score replicas to watch "
            "it fill, start them to watch it drain.",
        )
        .with_row(row("Now"))
        .with_panel(
            number(
                "Results waiting",
                "Finished games not yet confirmed by the score service (one stream, reported by both game "
                "replicas: max).",
                promql("motus:outbox_backlog:max", "backlog"),
                width=8,
                red_from=1,
            )
        )
        .with_panel(
            number(
                "Oldest waiting for",
                "Age of the oldest undelivered result. Milliseconds normally; the MotusOutboxStuck alert fires "
                "past five minutes.",
                promql("motus:outbox_oldest_age_seconds:max", "oldest"),
                unit="s",
                width=8,
                red_from=300,
            )
        )
        .with_panel(
            number(
                "Results recorded (in range)",
                "Results the score service stored for the first time during the dashboard's time range.",
                promql('sum(increase(motus_score_results_total{outcome="created"}[$__range]))', "recorded"),
                width=8,
            )
        )
        .with_row(row("Over time"))
        .with_panel(
            graph(
                "Outbox backlog",
                "Results waiting for the score service.",
                [promql("max(motus_outbox_backlog)", "backlog")],
            )
        )
        .with_panel(
            graph(
                "Oldest undelivered result",
                "How late the oldest waiting result is; the red line is the alert's threshold (5 minutes).",
                [promql("max(motus_outbox_oldest_age_seconds)", "oldest")],
                unit="s",
                threshold=300,
            )
        )
        .with_panel(
            graph(
                "Delivery lag",
                "From the try that ended a game to the score service's confirmation, p50 / p95 / p99.",
                [promql(_lag("0.5"), "p50"), promql(_lag("0.95"), "p95"), promql(_lag("0.99"), "p99")],
                unit="s",
            )
        )
        .with_panel(
            graph(
                "Delivery attempts by outcome",
                "created / replay: confirmed (replay: it was already recorded, a harmless duplicate); retry: the "
                "score tier did not answer, tried again later; failed: the score service failed on that result; "
                "refused: refused for good, moved aside for a person to look at.",
                [promql(f"sum by (outcome) (rate(motus_outbox_deliveries_total{RATE}))", "{{outcome}}")],
                unit="reqps",
            )
        )
        .with_panel(
            graph(
                "Results received by the score service",
                "created: stored; replay: the same result again (idempotent, stored once); conflict: another "
                "result for the same player and puzzle (the first is kept).",
                [promql(f"sum by (outcome) (rate(motus_score_results_total{RATE}))", "{{outcome}}")],
                unit="reqps",
                width=24,
            )
        )
    )
