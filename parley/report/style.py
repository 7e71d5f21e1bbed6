"""Presentation constants shared by the briefing and the index; no imports, so the index stays fast."""

TREND_COLORS = {"deteriorated": "#b2182b", "improved": "#1a7f37", "unchanged": "#555", "not covered": "#8a6d00"}
