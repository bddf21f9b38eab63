"""Domain logic: plain functions taking plain arguments, raising the exceptions declared beside them."""
