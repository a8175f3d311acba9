"""releasewatch's spiders: one per source kind; they decide what to fetch and nothing else."""
