"""Mon Activité Formation's rules that touch the database: plain functions taking the session, plain values and
`now`, each owning its transaction (`@transaction`), raising the errors of `errors.py`."""
