import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.extensions import db
from shared.clock import utcnow


class AuditEventType(enum.StrEnum):
    SIGNUP = "account:signup"
    SIGNUP_EXISTING_EMAIL = "account:signup:existing_email"
    ACTIVATION = "account:activation"
    ACTIVATION_LINK_SENT = "account:activation:link_sent"
    LOGIN_SUCCESS = "account:login:success"
    LOGIN_FAILURE = "account:login:failure"
    LOGIN_BLOCKED = "account:login:blocked"
    LOGIN_INACTIVE = "account:login:inactive"
    LOGOUT = "account:logout"
    PASSWORD_RESET_REQUESTED = "account:password:reset_requested"
    PASSWORD_RESET_NO_ACCOUNT = "account:password:reset_requested:no_account"  # no active account has the address
    PASSWORD_RESET = "account:password:reset"
    PASSWORD_CHANGED = "account:password:changed"
    EMAIL_CHANGE_REQUESTED = "account:email:change_requested"
    EMAIL_CHANGED = "account:email:changed"
    PROFILE_UPDATED = "account:profile:updated"
    DISABLED = "account:disabled"
    ENABLED = "account:enabled"
    BAD_LINK = "account:link:refused"
    ACCESS_REQUESTED = "habilitation:request:created"
    ACCESS_REQUEST_WITHDRAWN = "habilitation:request:withdrawn"
    ACCESS_REQUEST_ACCEPTED = "habilitation:request:accepted"
    ACCESS_REQUEST_REFUSED = "habilitation:request:refused"
    ACCESS_REQUEST_REMINDED = "habilitation:request:reminded"
    ACCESS_REQUEST_ESCALATED = "habilitation:request:escalated"
    HABILITATION_GRANTED = "habilitation:granted"
    HABILITATION_CHANGED = "habilitation:changed"
    HABILITATION_REVOKED = "habilitation:revoked"
    HABILITATION_DENIED = "habilitation:denied"  # an action outside the actor's company or service
    DELEGATION_INVITED = "delegation:invited"
    DELEGATION_INVITATION_RESENT = "delegation:invitation:resent"
    DELEGATION_INVITATION_CANCELLED = "delegation:invitation:cancelled"
    DELEGATION_ACCEPTED = "delegation:accepted"
    DELEGATION_DECLINED = "delegation:declined"
    DELEGATION_RENOUNCED = "delegation:renounced"  # the third party gave it up
    DELEGATION_HANDED_OVER = "delegation:handed_over"  # to a colleague of the third party's firm
    DELEGATION_REFUSED_TO = "delegation:refused_to"  # a link opened by someone else than the invited third party
    BACKCHANNEL_LOGOUT_SENT = "oidc:backchannel_logout:sent"  # a service was told to end the person's sessions
    BACKCHANNEL_LOGOUT_GIVEN_UP = "oidc:backchannel_logout:given_up"  # it never answered: its sessions may live on
    MAIL_RETRIED = "outbox:mail:retried"  # an agent sent a dead letter back to the queue
    ACTIVATION_CODE_CREATED = "habilitation:activation_code:created"
    ACTIVATION_CODE_REDEEMED = "habilitation:activation_code:redeemed"
    ACTIVATION_CODE_REFUSED = "habilitation:activation_code:refused"
    ACTIVATION_CODE_BLOCKED = "habilitation:activation_code:blocked"


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """A security event: what, when, which account, from which address. Never a password or a token."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    event: Mapped[AuditEventType] = mapped_column(Enum(AuditEventType, native_enum=False, length=64), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # For habilitation events: the company and service concerned, and the person the change is about,
    # in columns so that a gestionnaire's "Journal des accès" is one indexed query.
    siren: Mapped[str | None] = mapped_column(String(9))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    subject_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_audit_event_siren_service_id_created_at", "siren", "service_id", "created_at"),)
