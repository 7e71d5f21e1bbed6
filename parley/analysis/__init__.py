"""Pure computations on loaded data (forecasts, scores)."""
