from tests.idp.conftest import app, client  # noqa: F401  (the shared web layer is tested through the IdP)
