"""signing keys: private parts encrypted at rest (SIGNING_KEYS_SECRET), public parts as published

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:11:06.125044

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from idp.oidc import key_secret

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PUBLIC = ("kty", "n", "e", "kid", "alg", "use")  # an RSA JWK's public members
keys = sa.table(
    "signing_key",
    sa.column("id", sa.Integer),
    sa.column("private_jwk", sa.JSON),
    sa.column("public_jwk", sa.JSON),
    sa.column("sealed_private_jwk", sa.Text),
)


def upgrade():
    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_jwk', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sealed_private_jwk', sa.Text(), nullable=True))
    # The keys already there keep signing: sealed with the secret of this deployment (its environment).
    connection = op.get_bind()
    for row in connection.execute(sa.select(keys.c.id, keys.c.private_jwk)).all():
        private = dict(row.private_jwk)
        connection.execute(
            keys.update().where(keys.c.id == row.id).values(
                public_jwk={name: private[name] for name in PUBLIC if name in private},
                sealed_private_jwk=key_secret.seal(current_app.config, private),
            )
        )
    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.alter_column('public_jwk', nullable=False)
        batch_op.alter_column('sealed_private_jwk', nullable=False)
        batch_op.drop_column('private_jwk')


def downgrade():
    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private_jwk', sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row in connection.execute(sa.select(keys.c.id, keys.c.sealed_private_jwk)).all():
        private = key_secret.unseal(current_app.config, row.sealed_private_jwk)
        connection.execute(keys.update().where(keys.c.id == row.id).values(private_jwk=private))
    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.alter_column('private_jwk', nullable=False)
        batch_op.drop_column('sealed_private_jwk')
        batch_op.drop_column('public_jwk')
