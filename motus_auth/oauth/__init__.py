"""The OAuth 2.0 / OpenID Connect provider, on authlib's framework-agnostic core.

authlib's grant callbacks are synchronous: they run in a worker thread (never on
the event loop) and use a synchronous Redis client of their own.
"""
