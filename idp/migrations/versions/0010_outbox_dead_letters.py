"""outbox under faults: refusals counted per e-mail, dead letters, each address's e-mails in order

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Rows already there have never been refused as such: 0, and none is dead.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('dead_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_dead_at'), ['dead_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient'), ['recipient'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_dead_at'))
        batch_op.drop_column('dead_at')
        batch_op.drop_column('failures')
