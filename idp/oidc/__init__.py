"""The OpenID Provider: Authlib's authorization server with this project's storage and rules."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported by the factory (the conventions' rule for blueprints): a command or a view that needs one module of
    # idp.oidc (keys, authorization) does not load the whole server with it.
    from idp.oidc import endpoints, server, views

    authorization_server = server.create_server(app)
    authorization_server.register_endpoint(endpoints.Revocation)
    authorization_server.register_endpoint(endpoints.Introspection)
    authorization_server.register_endpoint(endpoints.EndSession)
    app.extensions["oidc_server"] = authorization_server
    app.register_blueprint(views.bp)
