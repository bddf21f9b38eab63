"""SOFI's `@transaction` (shared.transaction; README « Conventions »): a service called by another one
(`workflow.submit` validating at once for the Carif-Oref, `demo.load_demo` entering a whole offer) runs inside its
caller's transaction; a concurrent save caught at flush is refused as Stale."""

from rp_sofi import messages
from rp_sofi.services.errors import Stale
from shared.transaction import transaction_decorator

transaction = transaction_decorator(lambda: Stale(messages.STALE))
