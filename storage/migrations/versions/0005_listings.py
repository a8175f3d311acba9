"""listings: the feeds, sitemaps and robots.txt files sources are read through.

Pages were fetched conditionally but the listings that name them were downloaded whole at every
run, though a feed or a sitemap index changes far less often than it is read. A listing's ETag and
Last-Modified are kept for an If-None-Match / If-Modified-Since request, with the child listings it
named (as [url, lastmod] pairs), so that a 304 from a sitemap index or a robots.txt still leads to
its sitemaps.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'listings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('etag', sa.Text(), nullable=True),
        sa.Column('last_modified', sa.Text(), nullable=True),
        sa.Column('children', sa.JSON(), server_default='[]', nullable=False),
        sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_listings_source_id_sources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listings')),
        sa.UniqueConstraint('source_id', 'url', name=op.f('uq_listings_source_id_url')),
    )


def downgrade() -> None:
    op.drop_table('listings')
