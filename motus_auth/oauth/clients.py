"""OAuth clients, declared in a JSON file whose path comes from AUTH_CLIENTS_FILE.

    {"clients": [{"client_id": "motus-game", "client_name": "Motus",
                  "redirect_uris": ["http://127.0.0.1:8080/login/callback"],
                  "post_logout_redirect_uris": ["http://127.0.0.1:8080/"],
                  "scope": "openid profile score:read",
                  "service_scope": "score:record",
                  "token_endpoint_auth_method": "client_secret_basic",
                  "secret_env": "AUTH_CLIENT_SECRET_MOTUS_GAME"}]}

Confidential clients name the variable (or file, "secret_file") holding their
secret: no secret is ever in this file. Public clients use "none" and PKCE.

"scope" is what a player can delegate to the client through the code flow (user
scopes only). The optional "service_scope" is what a confidential client may obtain
for itself with grant_type=client_credentials (service scopes only). The two sets
are disjoint, so a player's token can never carry a service scope such as
score:record.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from authlib.oauth2.rfc6749 import ClientMixin

# How a client may authenticate at the token, revocation and introspection endpoints:
# the one list (discovery, grants and endpoints read it). "none" is a public client.
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
CONFIDENTIAL_AUTH_METHODS = tuple(m for m in AUTH_METHODS if m != "none")
# Scopes a player delegates (code flow): the token's sub is the player.
USER_SCOPES = ("openid", "profile", "score:read")
# Scopes a client holds in its own name (client credentials): the token's sub is the client.
SERVICE_SCOPES = ("score:record",)
SCOPES = USER_SCOPES + SERVICE_SCOPES


class ClientConfigError(ValueError):
    """The clients file is wrong; the message says where."""


@dataclass(frozen=True)
class Client(ClientMixin):
    client_id: str
    client_name: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    scope: str
    token_endpoint_auth_method: str
    secret: str | None = field(default=None, repr=False)
    service_scope: str = ""
    # OpenID Connect Back-Channel Logout 1.0: where the provider posts a logout token
    # when a player logs out at the provider (the game: through HAProxy's internal frontend).
    backchannel_logout_uri: str | None = None

    def get_client_id(self) -> str:
        return self.client_id

    @property
    def client_metadata(self) -> dict:
        # What authlib's endpoints read from a client (RP-initiated logout).
        return {"post_logout_redirect_uris": list(self.post_logout_redirect_uris)}

    def get_default_redirect_uri(self) -> str | None:
        # Never guessed: a request must name its redirect_uri (RFC 9700 exact matching).
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        # Code flow and refresh: the requested scopes this client may ask a player for;
        # the others are dropped silently (RFC 6749 section 3.3 lets the server narrow).
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def get_service_scope(self, scope: str | None) -> str | None:
        """Client credentials: all of service_scope when none is asked; None if any asked is not in it."""
        allowed = self.service_scope.split()
        if not scope:
            return " ".join(allowed)
        requested = scope.split()
        return " ".join(requested) if set(requested) <= set(allowed) else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string match, no prefix or pattern (RFC 9700 section 2.1).
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and hmac.compare_digest(self.secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"  # no implicit flow (RFC 9700 section 2.1.2)

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type == "client_credentials":
            return bool(self.service_scope)  # only clients declared as services
        return grant_type in ("authorization_code", "refresh_token")  # no password grant


def _check_scopes(scope: str, service_scope: str, method: str, where: str) -> None:
    for name, value, kind in (("scope", scope, USER_SCOPES), ("service_scope", service_scope, SERVICE_SCOPES)):
        unknown = set(value.split()) - set(SCOPES)
        if unknown:
            raise ClientConfigError(f"{where}: unknown scope {sorted(unknown)} in {name}")
        misplaced = set(value.split()) - set(kind)
        if misplaced:
            raise ClientConfigError(f"{where}: {name} may only hold {kind}, not {sorted(misplaced)}")
    if service_scope.split() and method == "none":
        # RFC 6749 section 4.4: client credentials are for confidential clients only.
        raise ClientConfigError(f"{where}: a public client (auth method none) cannot have a service_scope")


def _secret(entry: dict, where: str) -> str | None:
    if entry["token_endpoint_auth_method"] == "none":
        return None
    if "secret_env" in entry:
        value = os.environ.get(entry["secret_env"])
        if not value:
            raise ClientConfigError(f"{where}: variable {entry['secret_env']} is not set")
    elif "secret_file" in entry:
        value = Path(entry["secret_file"]).read_text().strip()
    else:
        raise ClientConfigError(f"{where}: a confidential client needs secret_env or secret_file")
    if len(value) < 32:
        raise ClientConfigError(f"{where}: the client secret must have at least 32 characters")
    return value


def _backchannel_uri(entry: dict, where: str) -> str | None:
    uri = entry.get("backchannel_logout_uri")
    if uri is not None and (not isinstance(uri, str) or not uri.startswith(("http://", "https://")) or "#" in uri):
        raise ClientConfigError(f"{where}: backchannel_logout_uri must be an http(s) URL without a fragment")
    return uri


def load(path: Path) -> dict[str, Client]:
    try:
        entries = json.loads(path.read_text())["clients"]
    except (OSError, ValueError, KeyError) as exc:
        raise ClientConfigError(f"{path}: cannot read the clients ({exc})") from exc
    clients = {}
    for i, entry in enumerate(entries):
        where = f"{path}: client #{i + 1}"
        try:
            method = entry["token_endpoint_auth_method"]
            if method not in AUTH_METHODS:
                raise ClientConfigError(f"{where}: token_endpoint_auth_method must be one of {AUTH_METHODS}")
            scope = entry.get("scope", "openid profile")
            service_scope = entry.get("service_scope", "")
            _check_scopes(scope, service_scope, method, where)
            client = Client(
                client_id=entry["client_id"],
                client_name=entry.get("client_name", entry["client_id"]),
                redirect_uris=tuple(entry["redirect_uris"]),
                post_logout_redirect_uris=tuple(entry.get("post_logout_redirect_uris", ())),
                scope=scope,
                token_endpoint_auth_method=method,
                secret=_secret(entry, where),
                service_scope=" ".join(service_scope.split()),
                backchannel_logout_uri=_backchannel_uri(entry, where),
            )
        except KeyError as exc:
            raise ClientConfigError(f"{where}: missing {exc}") from exc
        clients[client.client_id] = client
    return clients
