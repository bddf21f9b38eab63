"""back-channel logout: the clients' URI, the sessions' public sid, the outbox of logout tokens

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('backchannel_logout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('sid', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('given_up_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_backchannel_logout_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backchannel_logout'))
    )
    with op.batch_alter_table('backchannel_logout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backchannel_logout_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backchannel_logout_next_attempt_at'), ['next_attempt_at'], unique=False)

    with op.batch_alter_table('oauth_client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backchannel_logout_uri', sa.Text(), nullable=True))

    # Sessions open before this revision have no sid: their logout tokens name the person only (every session).
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sid', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('sid')

    with op.batch_alter_table('oauth_client', schema=None) as batch_op:
        batch_op.drop_column('backchannel_logout_uri')

    with op.batch_alter_table('backchannel_logout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backchannel_logout_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_backchannel_logout_account_id'))

    op.drop_table('backchannel_logout')
