"""SOFI's domain logic: plain functions taking a database session, objects and plain values; they raise the
exceptions declared in `errors.py`, whose messages are the French texts of `rp_sofi.messages`."""
