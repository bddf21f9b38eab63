"""SOFFi's `@transaction` (shared.transaction; README « Conventions »): a service called by another one
(`demo.load_demo` filing and validating years of statements) runs inside its caller's transaction; a concurrent save
caught at flush is refused as Stale."""

from rp_soffi import messages
from rp_soffi.services.errors import Stale
from shared.transaction import transaction_decorator

transaction = transaction_decorator(lambda: Stale(messages.STALE))
