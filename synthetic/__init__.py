"""The synthetic national dataset (`manage.py generate_synthetic`), also the bench's seed.

A plain package, not a Django app: it owns no model; `dashboards` exposes its command.
"""
