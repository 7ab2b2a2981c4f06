"""Plumbing every Motus service shares: settings, logs, metrics, health, Redis, serving."""
