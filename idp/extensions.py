"""Extensions, created once and bound to the app in create_app()."""

from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# A request's objects stay loaded after a commit: re-reading each one after every commit doubled the
# statements of the token endpoint. The session lives one request, so nothing goes stale for long.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
mail = Mail()  # the SMTP relay: shared/mail.py opens its connections, the outbox worker sends
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configured_limit(key: str) -> Callable[[], str]:
    """A rate limit read from the app's configuration at request time (tests may tighten it)."""
    return lambda: str(current_app.config[key])
