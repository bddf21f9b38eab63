"""The project's scripts; a package so that the tests read scripts/topology.py, the one description of what runs."""
