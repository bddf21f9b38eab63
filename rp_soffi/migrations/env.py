"""Alembic's environment for these migrations: the one every app shares."""

from shared.alembic_env import run

run()
