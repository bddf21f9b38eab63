"""One module of forms per feature; formats are checked here, the rules that need the database in the services."""
