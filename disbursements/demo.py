"""The disbursements part of the Khémisset demo (found by load_demo, after the projects' part):
the province's past brought in through the history import (demo_history), then the 2020 ceremony
and the handovers planned "in the coming days" (demo_ceremony)."""

from disbursements import demo_ceremony, demo_history


def load(stdout=None):
    demo_history.load(stdout)
    demo_ceremony.load(stdout)
