"""Demo data, loaded by `flask --app idp demo load` (idp/cli/demo.py), idempotent: the demo accounts and their
habilitations (accounts.py), the three services with their clients and roles (services.py), and the
portal's companies, colleagues, requests and activation codes (portal.py)."""
