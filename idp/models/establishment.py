from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.extensions import db
from shared.clock import utcnow


class Company(db.Model):  # type: ignore[name-defined]
    """A legal unit (unité légale) of the SIRENE directory: the "entreprise", identified by its SIREN."""

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # The name as normalize_name gives it: the PostgreSQL import builds establishments' search names from it in SQL.
    search_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Establishment(db.Model):  # type: ignore[name-defined]
    """An establishment (établissement) of the SIRENE directory, identified by its SIRET."""

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Upper-case, accents removed: what name searches compare against.
    search_name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(500), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    headquarters: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    # On PostgreSQL, also an index of the words of search_name (migration 0013, idp/directory_copy.py NAME_INDEXES),
    # not declared here: SQLite has no string_to_array to build it with.
    __table_args__ = (
        # On PostgreSQL a trigram index makes "contains" searches fast on tens of millions of rows.
        Index(
            "ix_establishment_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
    )

    @property
    def closed(self) -> bool:
        return not self.active


class DirectoryWord(db.Model):  # type: ignore[name-defined]
    """A word of the establishments' search names and how many establishments carry it: counted by the import on
    PostgreSQL, read by the name search to choose which word the trigram index should look up (the rarest).
    A count out of date makes a search slower, never its results different."""

    word: Mapped[str] = mapped_column(String(255), primary_key=True)
    establishments: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # The counts of every word containing what was typed ("FORMA": FORMATION, FORMAT …), found in a few words.
        Index(
            "ix_directory_word_word_trgm",
            "word",
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        ),
    )
