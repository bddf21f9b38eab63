"""SOFI: composite indexes for the Carif-Oref's counters

action (status, certifinfo_remplace, site_dispensateur_id) and published_session (date_fin, public, code_postal),
under the names of the single-column indexes they replace.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # The region's counters then read the index alone (index-only scans), not the tables (bench/README.md).
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.create_index(batch_op.f('ix_action_status'), ['status', 'certifinfo_remplace', 'site_dispensateur_id'], unique=False)

    with op.batch_alter_table('published_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_session_date_fin'))
        batch_op.create_index(batch_op.f('ix_published_session_date_fin'), ['date_fin', 'public', 'code_postal'], unique=False)


def downgrade():
    with op.batch_alter_table('published_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_session_date_fin'))
        batch_op.create_index(batch_op.f('ix_published_session_date_fin'), ['date_fin'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)
