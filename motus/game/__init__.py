"""The game's domain: rules, daily word, word lists. No web framework, no Redis."""
