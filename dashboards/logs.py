"""Logs (Loki): errors per service, one request followed across HAProxy and the
services, and HAProxy's notices when a server goes DOWN or comes back UP.

Loki's labels are the ones Alloy sets (alloy/config.alloy): service, instance,
level, container. request_id is structured metadata, filtered after the selector.
"""

from __future__ import annotations

from dashboards.panels import CustomVariable, TextBoxVariable, dashboard, log_counts, log_lines, logql, row

SERVICE = 'service=~"$service"'
ERRORS = 'level=~"ERROR|CRITICAL|ALERT"'


def build():
    return (
        dashboard(
            "motus-logs",
            "Motus / Logs",
            "Every platform container's log lines, shipped by Alloy to Loki. Paste an X-Request-ID (every "
            "response carries one) to follow that request through HAProxy and every service it reached.",
        )
        .with_variable(
            TextBoxVariable("request_id")
            .label("Request id")
            .description("An X-Request-ID from a response header or a log line.")
        )
        .with_variable(
            CustomVariable("service")
            .label("Service")
            .values("game,score,auth,haproxy,redis,sentinel")
            .multi(True)
            .include_all(True)
            .all_value(".+")
        )
        .with_row(row("Errors"))
        .with_panel(
            log_counts(
                "Error lines per service",
                "Lines logged at ERROR (or worse) by each service: a bug costs one request and one of these.",
                [
                    logql(
                        f"sum by (service) (count_over_time({{{SERVICE}, {ERRORS}}} [$__interval]))",
                        legend="{{service}}",
                    )
                ],
            )
        )
        .with_panel(
            log_counts(
                "Lines per service and level",
                "Everything each service logged, by level.",
                [
                    logql(
                        f"sum by (service, level) (count_over_time({{{SERVICE}}} [$__interval]))",
                        legend="{{service}} {{level}}",
                    )
                ],
            )
        )
        .with_row(row("One request"))
        .with_panel(
            log_lines(
                "Request $request_id across HAProxy and the services",
                "HAProxy's access line (public frontend), the service's line, and, when that service called "
                "another one, HAProxy's internal line and the callee's line: all carry the same request_id.",
                logql('{service=~"game|score|auth|haproxy"} | request_id = "$request_id"'),
            )
        )
        .with_row(row("HAProxy and warnings"))
        .with_panel(
            log_lines(
                "HAProxy: servers going DOWN and UP",
                "HAProxy's own notices: a server failing its checks (DOWN, with the reason) or passing them "
                "again (UP), and a backend left with no server.",
                logql('{service="haproxy"} |~ `^(Server \\S+ is (UP|DOWN)|backend \\S+ has no server)`'),
                height=10,
            )
        )
        .with_panel(
            log_lines(
                "Warnings and errors",
                "Lines at WARNING or worse: refused refreshes, a store unavailable, a delivery retried...",
                logql(f'{{{SERVICE}, level=~"WARNING|ERROR|CRITICAL|ALERT"}}'),
                height=10,
            )
        )
    )
