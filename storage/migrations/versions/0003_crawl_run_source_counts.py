"""crawl_runs.source_counts and crawl_runs.stats: what each source of a run did, and the run's timings.

source_counts: {source name: {"requested", "fetched", "not_modified", "unchanged", "new", "failed",
"failed_by_reason": {reason: n}, "claims", "events", "bytes", "duration_s"}}; `releasewatch runs`
and `releasewatch sources` read it (a source that failed its last runs is flagged as broken).
stats: run-wide figures such as seconds spent fetching, extracting, storing and diffing.
Both are JSON so that a new count is not a schema change; existing runs get an empty object.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_counts', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('stats', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_column('stats')
        batch_op.drop_column('source_counts')
