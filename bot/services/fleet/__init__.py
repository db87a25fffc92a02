"""Shared state for a fleet of bot processes on Redis: shard leases, identify pacing,
one fact-base version everywhere, cross-process cooldowns. Unused without REDIS_URL."""

from bot.services.fleet.coordinator import (
    Fleet,
    FleetStatus,
    FleetTimings,
    LeaseRefused,
    Member,
    ReloadReport,
    shard_ranges,
)

__all__ = ["Fleet", "FleetStatus", "FleetTimings", "LeaseRefused", "Member", "ReloadReport", "shard_ranges"]
