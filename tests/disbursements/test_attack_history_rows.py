"""Attack: a history row whose ceremony is dated before the convention that financed what it handed
over (01/01/1900 for a 2017 delivery) is invalid, named by its column, as such a delivery date is:
imported, it would put a ceremony of 1900 in the province's list, holding a 2017 delivery."""

import pytest

from tests.disbursements.history_fixtures import history_convention, registered_person  # noqa: F401 (fixtures)
from tests.disbursements.history_sheets import line
from tests.disbursements.test_history_import_rows import plan_of, problems_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history_convention", "registered_person")]


@pytest.mark.parametrize("held_on", ["01/01/1900", "31/12/2015"])
def test_a_ceremony_before_its_convention_is_refused(held_on):
    plan = plan_of([line(ceremony_on=held_on, ceremony_place="Tiflet")])
    assert plan.counts["invalid"] == 1
    assert plan.counts["ceremonies_new"] == 0
    assert (2, "ceremony_on", "ceremony_before_convention") in problems_of(plan)


def test_a_ceremony_of_the_delivery_day_is_imported():
    plan = plan_of([line(ceremony_on="15/03/2017", ceremony_place="Tiflet")])
    assert (plan.counts["invalid"], plan.counts["ceremonies_new"]) == (0, 1)
