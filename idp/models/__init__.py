"""Database models of the identity provider, one module per aggregate."""

from idp.models.access_request import AccessRequest, AccessRequestStatus
from idp.models.account import Account, AccountStatus, Civilite
from idp.models.activation_code import ActivationCode
from idp.models.audit import AuditEvent, AuditEventType
from idp.models.backchannel_logout import BackchannelLogout
from idp.models.delegation import DelegationInvitation, InvitationStatus
from idp.models.establishment import Company, DirectoryWord, Establishment
from idp.models.habilitation import Habilitation
from idp.models.link import LinkPurpose, OneTimeLink
from idp.models.oauth import (
    AuthorizationCode,
    Consent,
    OAuthClient,
    OAuthToken,
    SigningKey,
    UsedClientAssertion,
)
from idp.models.outbox import OutboxMessage
from idp.models.reminder import ExpiryReminder
from idp.models.service import Role, Service
from idp.models.throttle import LoginThrottle, SpentBotCheck
from idp.models.user_session import UserSession

__all__ = [
    "AccessRequest",
    "AccessRequestStatus",
    "Account",
    "AccountStatus",
    "ActivationCode",
    "AuditEvent",
    "AuditEventType",
    "AuthorizationCode",
    "BackchannelLogout",
    "Civilite",
    "Company",
    "Consent",
    "DelegationInvitation",
    "DirectoryWord",
    "Establishment",
    "ExpiryReminder",
    "Habilitation",
    "InvitationStatus",
    "LinkPurpose",
    "LoginThrottle",
    "OAuthClient",
    "OAuthToken",
    "OneTimeLink",
    "OutboxMessage",
    "Role",
    "Service",
    "SigningKey",
    "SpentBotCheck",
    "UsedClientAssertion",
    "UserSession",
]
