"""parley: sourced conflict data, charts and briefings for analysts of war and peace negotiations."""

__version__ = "0.1.0"
