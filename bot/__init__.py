"""A Discord bot that answers questions about the Chinese AI race from a curated fact base."""
