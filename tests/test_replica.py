"""Which database each query uses: the replica inside replica_reads(), the primary for the rest.

The suite has no replica server: this module adds a "replica" alias reading the primary's test
database (a test mirror, as DATABASE_REPLICA_URL's alias is in tests), for its own tests only, so
the rest of the suite runs as a deployment without a replica. Real commits (transaction=True): in
a TestCase every query runs inside the test's transaction, which keeps reads on the primary.
"""

import runpy
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from partners.models import Partner
from reintegration.lib.replica import REPLICA, ReplicaRouter, replica_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias on the primary's test database, for this module only."""
    primary = connections["default"].settings_dict  # NAME is the test database's by now
    assert REPLICA not in settings.DATABASES
    settings.DATABASES[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", REPLICA)}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def on(self, alias) -> list[str]:
        return [query["sql"] for query in self.contexts[alias].captured_queries]


def a_partner(acronym="OFPPT") -> Partner:
    return Partner.objects.create(acronym=acronym, name_fr="Office", name_ar="مكتب", kind=Partner.Kind.TECHNICAL)


def test_a_read_outside_replica_reads_goes_to_the_primary():
    with Queries() as queries:
        assert not Partner.objects.filter(acronym="OFPPT").exists()
    assert len(queries.on("default")) == 1
    assert queries.on(REPLICA) == []


def test_a_read_inside_replica_reads_goes_to_the_replica_and_sees_committed_rows():
    a_partner()
    with Queries() as queries, replica_reads():
        assert list(Partner.objects.filter(acronym="OFPPT").values_list("acronym", flat=True)) == ["OFPPT"]
    assert queries.on("default") == []
    assert len(queries.on(REPLICA)) == 1
    assert "partners_partner" in queries.on(REPLICA)[0]


def test_replica_reads_is_a_decorator_and_blocks_nest():
    @replica_reads()
    def count():
        return Partner.objects.count()

    with Queries() as queries:
        count()
        with replica_reads():
            with replica_reads():
                Partner.objects.count()
            Partner.objects.count()  # still inside the outer block
        Partner.objects.count()  # outside every block again
    assert len(queries.on(REPLICA)) == 3
    assert len(queries.on("default")) == 1


def test_a_write_inside_replica_reads_goes_to_the_primary():
    with Queries() as queries, replica_reads():
        partner = a_partner()
        partner.name_fr = "Office de la formation"
        partner.save(update_fields=["name_fr"])
    assert queries.on(REPLICA) == []
    assert any(sql.startswith("INSERT") for sql in queries.on("default"))
    assert any(sql.startswith("UPDATE") for sql in queries.on("default"))


def test_an_object_read_from_the_replica_is_saved_to_the_primary():
    a_partner()
    with replica_reads():
        partner = Partner.objects.get(acronym="OFPPT")
    assert partner._state.db == REPLICA
    with Queries() as queries:
        partner.name_fr = "Office de la formation"
        partner.save(update_fields=["name_fr"])
    assert queries.on(REPLICA) == []
    assert Partner.objects.get(acronym="OFPPT").name_fr == "Office de la formation"


def test_select_for_update_in_a_transaction_inside_replica_reads_locks_on_the_primary():
    a_partner()
    with Queries() as queries, replica_reads(), transaction.atomic():
        Partner.objects.select_for_update().get(acronym="OFPPT")
        Partner.objects.count()  # any read of the write transaction: it must see its own writes
    assert queries.on(REPLICA) == []
    assert any("FOR UPDATE" in sql for sql in queries.on("default"))
    assert sum("COUNT(" in sql for sql in queries.on("default")) == 1


def test_a_read_inside_a_transaction_sees_its_own_uncommitted_write():
    with replica_reads(), transaction.atomic():
        a_partner("CRI")
        assert Partner.objects.filter(acronym="CRI").exists()


def test_without_a_replica_configured_reads_inside_replica_reads_go_to_the_primary(monkeypatch):
    with Queries() as queries:
        monkeypatch.delitem(settings.DATABASES, REPLICA)  # as a deployment without DATABASE_REPLICA_URL
        with replica_reads():
            Partner.objects.count()
    assert queries.on(REPLICA) == []
    assert len(queries.on("default")) == 1


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "partners") is True
    assert router.allow_migrate(REPLICA, "partners") is False
    assert router.db_for_write(Partner) == "default"


def settings_with(monkeypatch, **environment) -> dict:
    """The settings module's names, as it reads the given environment."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(settings.BASE_DIR) / "reintegration" / "settings.py"))


def test_database_replica_url_adds_a_replica_alias_mirroring_the_primary_in_tests(monkeypatch):
    names = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://idmaj_app@db-primary:5432/idmaj",
        DATABASE_REPLICA_URL="postgres://idmaj_app@db-replica:5432/idmaj",
    )
    replica = names["DATABASES"][REPLICA]
    assert (replica["HOST"], replica["NAME"], replica["USER"]) == ("db-replica", "idmaj", "idmaj_app")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert names["DATABASES"]["default"]["HOST"] == "db-primary"
    assert names["DATABASE_ROUTERS"] == ["reintegration.lib.replica.ReplicaRouter"]


def test_without_database_replica_url_there_is_no_replica_alias_but_the_router_is_installed(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    names = settings_with(monkeypatch, DATABASE_URL="postgres://idmaj_app@db-primary:5432/idmaj")
    assert list(names["DATABASES"]) == ["default"]
    assert names["DATABASE_ROUTERS"] == ["reintegration.lib.replica.ReplicaRouter"]


def test_a_replica_of_the_sqlite_file_is_refused_at_start(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL needs DATABASE_URL"):
        settings_with(monkeypatch, DATABASE_REPLICA_URL="postgres://idmaj_app@db-replica:5432/idmaj")


def test_a_block_in_one_thread_leaves_the_reads_of_another_thread_on_the_primary():
    router, entered, looked = ReplicaRouter(), threading.Event(), threading.Event()
    seen = {}

    def elsewhere():
        entered.wait(5)
        seen["other thread"] = router.db_for_read(Partner)
        looked.set()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    with replica_reads():
        entered.set()
        looked.wait(5)
        seen["this thread"] = router.db_for_read(Partner)
    thread.join()
    assert seen == {"other thread": None, "this thread": REPLICA}
