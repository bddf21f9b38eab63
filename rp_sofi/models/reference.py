"""Reference tables SOFI reads and never edits: Certifinfo, Formacode, and the SIRENE extract the annuaire's
« Rappel de mes informations » comes from. Loaded from CSV files (`flask --app rp_sofi reference load`)."""

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rp_sofi.extensions import db


class Certification(db.Model):  # type: ignore[name-defined]
    """A Certifinfo record: what a « Fiche Formation » copies."""

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    intitule: Mapped[str] = mapped_column(Text)
    code_rncp: Mapped[str | None] = mapped_column(String(16), index=True)
    code_rs: Mapped[str | None] = mapped_column(String(16))
    type_certification: Mapped[str | None] = mapped_column(String(80))
    niveau: Mapped[str | None] = mapped_column(String(4))  # niveau de sortie (cadre national 2019: 3 = CAP…)
    formacodes: Mapped[str] = mapped_column(String(200), default="")  # codes separated by ";"
    code_nsf: Mapped[str | None] = mapped_column(String(16))
    certificateur: Mapped[str | None] = mapped_column(Text)
    eligible_cpf: Mapped[str | None] = mapped_column(String(16))
    remplace_par: Mapped[int | None] = mapped_column(Integer)  # withdrawn: the code that replaces it

    @property
    def formacode_list(self) -> list[str]:
        return [code for code in self.formacodes.split(";") if code]


class Formacode(db.Model):  # type: ignore[name-defined]
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    libelle: Mapped[str] = mapped_column(String(200), default="")

    @property
    def text(self) -> str:
        """« 14201 - Culture civilisation », as the annuaire shows it."""
        return f"{self.code} - {self.libelle}" if self.libelle else self.code


class SireneEstablishment(db.Model):  # type: ignore[name-defined]
    """What INSEE says of an establishment (read-only in SOFI: errors are reported to the Carif-Oref by mail)."""

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    raison_sociale: Mapped[str] = mapped_column(String(250))
    adresse: Mapped[str] = mapped_column(String(250), default="")
    code_postal: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    open: Mapped[bool] = mapped_column(Boolean, default=True)  # etatAdministratifEtablissement == "A"
