"""Coverage: how much of the city the network reaches (neighborhoods launched, households
reached), its history and projection, and the tools to recruit the rest. See
docs/coverage.md."""
