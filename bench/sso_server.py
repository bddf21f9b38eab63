"""What bench/sso.py serves with gunicorn: the IdP, with the login's rate limits it is asked for. Not a test, never
deployed. (The workers' password-hash CPU, which the bench reads, is the provider's own metric.)"""

import os

from idp import create_app

# bench/sso.py --rate-limits: the login's limits as many windows as the provider's, never reached by the bench.
limits = os.environ.get("BENCH_RATELIMIT_LOGIN")
app = create_app({"RATELIMIT_LOGIN": limits} if limits else None)
