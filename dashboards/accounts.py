"""Accounts and security: logins, locks, HAProxy's refusals, tokens, reuse detections."""

from __future__ import annotations

from dashboards.panels import dashboard, graph, number, promql, row

RATE = "[$__rate_interval]"


def build():
    return (
        dashboard(
            "motus-accounts",
            "Motus / Accounts and security",
            "The OAuth2 / OpenID Connect provider: who logs in, who is refused, which tokens it issues, and the "
            "attacks its defences absorb.",
        )
        .with_row(row("Now"))
        .with_panel(
            number(
                "Failed logins per second",
                "Wrong passwords, unknown usernames and logins refused by a lock, over five minutes, both auth "
                "replicas. The MotusLoginFailureSpike alert fires above 0.5 for two minutes.",
                promql("motus:auth_login_failures:rate5m", "failures"),
                unit="reqps",
                red_from=0.5,
            )
        )
        .with_panel(
            number(
                "Locks applied (in range)",
                "Failed logins that locked an account or an address during the time range.",
                promql("sum(increase(motus_auth_lockouts_total[$__range]))", "locks"),
                red_from=1,
            )
        )
        .with_panel(
            number(
                "Token reuse detected (in range)",
                "A used one-time code or an already-rotated refresh token came back: the whole login's tokens "
                "were revoked. Either a client bug or a stolen token.",
                promql("sum(increase(motus_auth_token_reuse_detected_total[$__range]))", "reuse"),
                red_from=1,
            )
        )
        .with_panel(
            number(
                "Accounts created (in range)",
                "New accounts during the time range.",
                promql('sum(increase(motus_auth_registrations_total{outcome="created"}[$__range]))', "accounts"),
            )
        )
        .with_row(row("Logins"))
        .with_panel(
            graph(
                "Logins by outcome",
                "success; wrong_password and unknown_user (the same answer to the person, told apart here: many "
                "unknown names at once is credential stuffing); locked: refused before checking the password; "
                "csrf_failed: an expired or forged form.",
                [promql(f"sum by (outcome) (rate(motus_auth_logins_total{RATE}))", "{{outcome}}")],
                unit="reqps",
            )
        )
        .with_panel(
            graph(
                "Locks and HAProxy's refusals",
                "Locks applied by the provider (per account and per address), and requests HAProxy refused with "
                "429 because one address sent too many credential POSTs in a minute (the outer wall).",
                [
                    promql(f"sum(rate(motus_auth_lockouts_total{RATE}))", "locks applied"),
                    promql(
                        f'sum by (proxy) (rate(haproxy_frontend_requests_denied_total{{proxy="public"}}{RATE}))',
                        "HAProxy 429 ({{proxy}} frontend)",
                    ),
                ],
                unit="reqps",
            )
        )
        .with_panel(
            graph(
                "Registrations by outcome",
                "created; invalid (a rule of the form); taken (the username exists); csrf_failed.",
                [promql(f"sum by (outcome) (rate(motus_auth_registrations_total{RATE}))", "{{outcome}}")],
                unit="reqps",
                width=24,
            )
        )
        .with_row(row("Tokens"))
        .with_panel(
            graph(
                "Tokens issued by grant",
                "authorization_code: a player logged in to the game; refresh_token: the game renewed a player's "
                "access token; client_credentials: the game's relay got its own token to record results.",
                [promql(f"sum by (grant) (rate(motus_auth_tokens_issued_total{RATE}))", "{{grant}}")],
                unit="reqps",
            )
        )
        .with_panel(
            graph(
                "Reuse detected",
                "One-time credentials presented a second time, by kind. Each detection revoked a whole family "
                "of tokens.",
                [promql(f"sum by (token) (rate(motus_auth_token_reuse_detected_total{RATE}))", "{{token}}")],
                unit="reqps",
            )
        )
    )
