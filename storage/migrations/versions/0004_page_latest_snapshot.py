"""pages.latest_snapshot_id: the page's newest snapshot, kept by storage as snapshots arrive.

What a page says now is the claims of its latest snapshot; finding it with a window function over
every snapshot made each incremental diff scan the whole history. The pointer is written in the
same unit of work as the snapshot it names (by fetch time, then insertion order, as before) and is
backfilled here for existing pages. It is not declared a foreign key: pages and snapshots would
then reference each other, which SQLite's batch migrations and table rebuilds handle badly.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 08:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_snapshot_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pages_latest_snapshot_id'), ['latest_snapshot_id'], unique=False)
    op.execute(
        "UPDATE pages SET latest_snapshot_id = (SELECT s.id FROM snapshots s WHERE s.page_id = pages.id "
        "ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_latest_snapshot_id'))
        batch_op.drop_column('latest_snapshot_id')
