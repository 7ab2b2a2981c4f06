"""Motus auth service: the OAuth2 / OpenID Connect provider."""
