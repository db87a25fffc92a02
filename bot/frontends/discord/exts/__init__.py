"""Cogs, one per feature, each with a thin setup()."""
