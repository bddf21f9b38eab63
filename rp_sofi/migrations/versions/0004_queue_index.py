"""SOFI: index of the « File de validation »

action (status, submitted_at, id, site_dispensateur_id): each list of the queue (one status) is paged oldest first,
by département, from the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 18:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # The page of 20 is read in the index's order instead of sorting every pending action (bench/README.md).
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index('ix_action_queue', ['status', 'submitted_at', 'id', 'site_dispensateur_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_queue')
