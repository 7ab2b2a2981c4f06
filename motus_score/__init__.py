"""Motus score service: statistics and leaderboards, an OAuth2 resource server."""
