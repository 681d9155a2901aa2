"""`manage.py generate_synthetic`: the synthetic national dataset (see synthetic/)."""

from synthetic.command import Command  # noqa: F401
