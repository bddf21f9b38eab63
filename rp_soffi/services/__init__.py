"""SOFFi's services: plain functions (session, ids, an Actor, `now`), each its own transaction (`transaction.py`),
refusing with the exceptions of `errors.py`."""
