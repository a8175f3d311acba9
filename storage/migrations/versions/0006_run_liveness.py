"""Crawl runs that can be told dead, and snapshots that know their run.

A run killed with its process (kill -9, a lost database, a machine reboot) stayed `running` for
ever with counts of 0. A run now records the process that owns it (host, pid) and a heartbeat that
process refreshes; a run whose process is gone is closed as `interrupted` (a new status) by the
next command that starts a run. Its counts are rebuilt from what it stored, which needs every
snapshot to name the run that stored it (`snapshots.crawl_run_id`; older snapshots have none).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "status IN ('running', 'ok', 'partial', 'failed')"
_NEW = "status IN ('running', 'ok', 'partial', 'failed', 'interrupted')"


def upgrade() -> None:
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_crawl_runs_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_crawl_runs_status'), _NEW)
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('crawl_run_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_snapshots_crawl_run_id'), ['crawl_run_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_snapshots_crawl_run_id_crawl_runs'), 'crawl_runs',
                                    ['crawl_run_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_snapshots_crawl_run_id_crawl_runs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_snapshots_crawl_run_id'))
        batch_op.drop_column('crawl_run_id')
    op.execute("UPDATE crawl_runs SET status = 'failed' WHERE status = 'interrupted'")
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_crawl_runs_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_crawl_runs_status'), _OLD)
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
        batch_op.drop_column('heartbeat_at')
