"""releasewatch scheduled jobs (filled in by the scheduler issue)."""
