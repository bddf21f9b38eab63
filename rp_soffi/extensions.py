"""SOFFi's extensions, created once and bound to the app in create_app(): its own database, apart from the
identity provider's."""

from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.db import NAMING_CONVENTION
from shared.oidc_client import ended_sessions


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The tables of back-channel logout (owned by shared.oidc_client), created by SOFFi's migrations.
ended_sessions.add_to(Base.metadata)


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
mail = Mail()  # the SMTP relay: shared/mail.py opens its connections, the outbox worker sends
