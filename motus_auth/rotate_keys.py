"""Rotate the provider's signing key: `python -m motus_auth.rotate_keys`.

Reads AUTH_REDIS_URL and AUTH_SECRET_KEY (which seals the private keys) like the
service. The new key signs from now on; the previous one stays in the JWKS so
tokens it signed verify until they expire (10 minutes for access tokens). Run it
again only after that, or those tokens stop verifying. Also what to run after
AUTH_SECRET_KEY changed: the key sealed with the old secret cannot sign any more.
"""

from __future__ import annotations

from motus_auth.oauth import signing_keys
from motus_auth.settings import AuthSettings
from motus_kit.redis_store import close_sync_redis, create_sync_redis
from motus_kit.settings import load_settings


def main() -> None:
    settings = load_settings(AuthSettings)
    client = create_sync_redis(settings.store_options())
    try:
        keys = signing_keys.rotate(client, signing_keys.Sealer(settings.secret_key.get_secret_value()))
    finally:
        close_sync_redis(client)
    print(f"signing with {keys[0]['kid']}; previous key {keys[1]['kid']} kept for verification")


if __name__ == "__main__":
    main()
