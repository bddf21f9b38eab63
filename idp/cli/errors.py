"""How a command stops on an operator's mistake: the French message on stderr, exit status 1."""

import sys
from typing import NoReturn

import click


def fail(message: str) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)
