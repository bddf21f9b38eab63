"""One module = one blueprint = one feature."""
