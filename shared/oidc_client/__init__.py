"""Relying-party side of OpenID Connect, shared by the ministry's services."""
