"""Motus game service: the daily word, its pages and its JSON API."""
