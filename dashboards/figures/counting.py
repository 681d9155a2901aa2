"""Counting people, not rows: a project has a lead and may have co-beneficiaries, and one person may
be in two projects of a convention or a ceremony."""

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import F


def people_per(queryset, *keys: str, project: str = "project") -> dict:
    """{values of `keys` (a tuple when several): distinct people} over `queryset`'s rows, each row
    reaching a project by `project` ("project" from a funding line or a handover): its lead and
    its co-beneficiaries."""
    columns = {f"key_{index}": F(key) for index, key in enumerate(keys)}
    names = list(columns)
    leads = queryset.order_by().annotate(**columns, person=F(f"{project}__lead")).values_list(*names, "person")
    shared = (
        queryset.filter(**{f"{project}__co_beneficiaries__isnull": False})
        .order_by()
        .annotate(**columns, person=F(f"{project}__co_beneficiaries"))
        .values_list(*names, "person")
    )
    alias = router.db_for_read(queryset.model)
    try:
        people, params = leads.union(shared, all=True).order_by().query.get_compiler(alias).as_sql()
    except EmptyResultSet:
        # A condition that can match nothing (`ceremony__in=[]`: a place without a ceremony yet) is
        # not compiled by the ORM, which answers an empty queryset without asking the database.
        return {}
    # The ORM cannot aggregate over a UNION: the database counts it, wrapped here. The inner SQL is
    # the ORM's, its values passed as parameters: nothing typed by a user is pasted in.
    grouped = ", ".join(names)
    sql = f"SELECT {grouped}, COUNT(DISTINCT person) FROM ({people}) people GROUP BY {grouped}"  # noqa: S608
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(keys) == 1:
        return {row[0]: row[1] for row in rows}
    return {tuple(row[:-1]): row[-1] for row in rows}
