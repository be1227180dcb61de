"""townsquare: a self-hostable neighborhood network for a city, its residents and its agencies."""

__version__ = "0.1.0"
