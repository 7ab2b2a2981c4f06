"""What the provider counts for operators: logins, locks, registrations, tokens, reuse.

Outcomes are small closed sets, created at zero when the app is built (a dashboard
then shows 0, not "no data"); never a username, an address or a client secret.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

# wrong_password and unknown_user look the same to the person logging in (no account
# enumeration); operators see them apart: many unknown names at once is credential
# stuffing, many wrong passwords on real names is guessing.
LOGIN_OUTCOMES = ("success", "wrong_password", "unknown_user", "locked", "csrf_failed")
REGISTRATION_OUTCOMES = ("created", "invalid", "taken", "csrf_failed")
GRANTS = ("authorization_code", "refresh_token", "client_credentials")
# A one-time credential presented again: the whole family of tokens it belongs to is revoked.
REUSED_TOKENS = ("authorization_code", "refresh_token")


class AuthMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.logins = Counter(
            "motus_auth_logins",
            "Login form submissions, by outcome (success, wrong_password, unknown_user, locked, csrf_failed)",
            ["outcome"],
            registry=registry,
        )
        self.lockouts = Counter(
            "motus_auth_lockouts",
            "Failed logins that left an account or an address locked",
            registry=registry,
        )
        self.registrations = Counter(
            "motus_auth_registrations",
            "Registration form submissions, by outcome (created, invalid, taken, csrf_failed)",
            ["outcome"],
            registry=registry,
        )
        self.tokens_issued = Counter(
            "motus_auth_tokens_issued",
            "Token responses issued, by grant type",
            ["grant"],
            registry=registry,
        )
        self.token_reuse = Counter(
            "motus_auth_token_reuse_detected",
            "One-time codes or refresh tokens presented again (their token family is revoked)",
            ["token"],
            registry=registry,
        )
        for outcome in LOGIN_OUTCOMES:
            self.logins.labels(outcome)
        for outcome in REGISTRATION_OUTCOMES:
            self.registrations.labels(outcome)
        for grant in GRANTS:
            self.tokens_issued.labels(grant)
        for token in REUSED_TOKENS:
            self.token_reuse.labels(token)

    def token_issued(self, grant: str | None) -> None:
        # authlib only dispatches the grants registered on the server: a closed set.
        if grant in GRANTS:
            self.tokens_issued.labels(grant).inc()

    def reuse_detected(self, token: str) -> None:
        self.token_reuse.labels(token).inc()
