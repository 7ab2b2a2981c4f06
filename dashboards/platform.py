"""Platform: every replica, HAProxy's view of it, and the stores. The dashboard to
watch while stopping things: a replica turns red, its twin takes the traffic."""

from __future__ import annotations

from dashboards.panels import PRIMARY_REPLICA, bars, dashboard, graph, number, promql, row, states

RATE = "[$__rate_interval]"
# 1 for a primary, 0 for a replica (the exporter's info series carries the role as a label).
ROLE = 'max by (instance) (redis_instance_info{role="master"}) or 0 * max by (instance) (redis_instance_info)'
SERVICES = 'job=~"game|score|auth"'
BACKENDS = 'proxy=~"game|score|auth"'


def _latency_panel(quantile: str, description: str, threshold: float | None = None):
    expr = (
        f"histogram_quantile({quantile}, sum by (job, handler, le) "
        f"(rate(http_request_duration_seconds_bucket{{{SERVICES}}}{RATE})))"
    )
    title = f"p{round(float(quantile) * 100)} latency"
    return graph(title, description, [promql(expr, "{{job}} {{handler}}")], unit="s", width=8, threshold=threshold)


def build():
    return (
        dashboard(
            "motus-platform",
            "Motus / Platform",
            "Replicas, HAProxy and the Redis stores. Stop or kill a replica and watch it turn red here "
            "while its twin takes the traffic.",
        )
        .with_row(row("Replicas"))
        .with_panel(
            states(
                "Replica up (scraped by Prometheus)",
                "Each replica's /metrics answered (UP) or not (DOWN). A killed replica turns red within a scrape.",
                promql(f"up{{{SERVICES}}}", "{{instance}}"),
                width=8,
            )
        )
        .with_panel(
            graph(
                "Requests per second, by replica",
                "Requests each replica answered (probes and scrapes not counted). When one stops, its twin's "
                "line takes its share.",
                [promql(f"sum by (job, instance) (rate(http_requests_total{{{SERVICES}}}{RATE}))", "{{instance}}")],
                unit="reqps",
                width=8,
            )
        )
        .with_panel(
            graph(
                "5xx ratio, by replica",
                "Share of a replica's answers that were server errors. The alert fires at 5 % over five minutes.",
                [
                    promql(
                        # `or 0 * all`: a replica that never failed has no 5xx series; its ratio is 0.
                        f'(sum by (job, instance) (rate(http_requests_total{{{SERVICES},status="5xx"}}{RATE}))'
                        f" or 0 * sum by (job, instance) (rate(http_requests_total{{{SERVICES}}}{RATE})))"
                        f" / sum by (job, instance) (rate(http_requests_total{{{SERVICES}}}{RATE}))",
                        "{{instance}}",
                    )
                ],
                unit="percentunit",
                width=8,
                threshold=0.05,
            )
        )
        .with_row(row("Latency by route (all replicas of a service)"))
        .with_panel(_latency_panel("0.5", "Half of the requests to a route were faster than this."))
        .with_panel(_latency_panel("0.95", "95 % of the requests to a route were faster than this."))
        .with_panel(
            _latency_panel(
                "0.99",
                "99 % of the requests to a route were faster than this. A login costs a password hash (~250 ms); "
                "the alert fires at 1 s for a service.",
                threshold=1,
            )
        )
        .with_row(row("HAProxy"))
        .with_panel(
            states(
                "HAProxy: server state",
                "HAProxy's health checks (every 500 ms on /readyz): UP or DOWN for each server of each backend.",
                promql(f'haproxy_server_status{{{BACKENDS},state="UP"}}', "{{proxy}} / {{server}}"),
                width=12,
            )
        )
        .with_panel(
            graph(
                "Share of traffic per replica",
                "Each server's part of its backend's answers. 50/50 when both are up (round robin); 100 % on "
                "the survivor when one is down.",
                [
                    promql(
                        f"sum by (proxy, server) (rate(haproxy_server_http_responses_total{{{BACKENDS}}}{RATE}))"
                        f" / on (proxy) group_left sum by (proxy) "
                        f"(rate(haproxy_server_http_responses_total{{{BACKENDS}}}{RATE}))",
                        "{{proxy}} / {{server}}",
                    )
                ],
                unit="percentunit",
                stacked=True,
                width=12,
            )
        )
        .with_panel(
            graph(
                "Retries and redispatches",
                "A retry: HAProxy sent a request again after a connection failure or an empty answer; a "
                "redispatch: it sent it to the other server. Non-zero while a replica dies, zero otherwise.",
                [
                    promql(
                        f"sum by (proxy) (rate(haproxy_backend_retry_warnings_total{{{BACKENDS}}}{RATE}))",
                        "retries {{proxy}}",
                    ),
                    promql(
                        f"sum by (proxy) (rate(haproxy_backend_redispatch_warnings_total{{{BACKENDS}}}{RATE}))",
                        "redispatches {{proxy}}",
                    ),
                ],
                unit="reqps",
                width=12,
            )
        )
        .with_panel(
            graph(
                "HAProxy answers by class",
                "Everything clients got from each backend, HAProxy's own 503s (no server left) included.",
                [
                    promql(
                        f"sum by (proxy, code) (rate(haproxy_backend_http_responses_total{{{BACKENDS}}}{RATE}))",
                        "{{proxy}} {{code}}",
                    )
                ],
                unit="reqps",
                width=12,
            )
        )
        .with_row(row("Redis stores"))
        .with_panel(
            states(
                "Redis up",
                "The exporter of each Redis node could talk to it. One node down: its store carries on on the "
                "other (Sentinel promotes it if it was the primary). Both nodes of a store down: its service "
                "answers 503 store_unavailable after 6 s of waiting, until one is back.",
                promql("redis_up", "{{instance}}"),
                width=6,
            )
        )
        .with_panel(
            states(
                "Primary or replica",
                "Each node's role in its store. A failover shows as the two nodes of a store swapping colours; "
                "two primaries for one store (an old primary back before Sentinel demoted it) fire "
                "MotusStoreTwoPrimaries.",
                promql(ROLE, "{{instance}}"),
                width=6,
                mapping=PRIMARY_REPLICA,
            )
        )
        .with_panel(
            states(
                "Append-only file: last write",
                "UP while the last write to the store's append-only file succeeded. DOWN means the disk refused "
                "it: Redis stops accepting writes.",
                promql("redis_aof_last_write_status", "{{instance}}"),
                width=6,
            )
        )
        .with_panel(
            bars(
                "Memory used",
                "Memory each store holds (sessions, games, tokens, results).",
                promql("redis_memory_used_bytes", "{{instance}}"),
                width=6,
            ).unit("bytes")
        )
        .with_panel(
            graph(
                "Connected clients",
                "Connections to each store: the replicas' pools, the relays, the exporter.",
                [promql("redis_connected_clients", "{{instance}}")],
                width=12,
            )
        )
        .with_panel(
            graph(
                "Commands per second",
                "Commands each store executed.",
                [promql(f"rate(redis_commands_processed_total{RATE})", "{{instance}}")],
                unit="ops",
                width=12,
            )
        )
        .with_row(row("Alerts"))
        .with_panel(
            graph(
                "Alerts firing",
                "Prometheus's alerts (prometheus/rules/motus-alerts.yml) while they fire; the runbook of each "
                "is on Prometheus's /alerts page.",
                [promql('sum by (alertname) (ALERTS{alertstate="firing"})', "{{alertname}}")],
                bars=True,
                width=16,
            )
        )
        .with_panel(
            number(
                "Backends with one server left",
                "Backends of game, score and auth running on a single server: redundancy lost.",
                promql(f"count(haproxy_backend_active_servers{{{BACKENDS}}} < 2) or vector(0)", "backends"),
                width=8,
                height=8,
                red_from=1,
            )
        )
    )
