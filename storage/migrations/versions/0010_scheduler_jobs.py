"""scheduler_jobs: the jobs of `releasewatch schedule` (APScheduler's SQLAlchemy job store).

The scheduler kept its jobs in memory: a restart forgot when each source was last crawled and
crawled everything again (or, before that, waited a whole interval). APScheduler's job store keeps
each job's trigger and next run time in this table; its columns are the ones APScheduler 3 defines.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02 13:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'scheduler_jobs',
        sa.Column('id', sa.Unicode(length=191), nullable=False),
        sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
        sa.Column('job_state', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_jobs')),
    )
    op.create_index(op.f('ix_scheduler_jobs_next_run_time'), 'scheduler_jobs', ['next_run_time'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_scheduler_jobs_next_run_time'), table_name='scheduler_jobs')
    op.drop_table('scheduler_jobs')
