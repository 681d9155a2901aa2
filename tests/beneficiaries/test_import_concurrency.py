"""Two confirmed imports of the same file committing at once, in real threads with real commits."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from beneficiaries import tasks
from beneficiaries.models import Beneficiary, ImportJob
from tests.beneficiaries.spreadsheets import csv_bytes, person, start_import

HEADER = ["cin", "no_cin_reason", "first_name", "last_name", "sex", "date_of_birth"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
def test_the_same_file_committed_twice_at_once_registers_each_person_once(
    client_for, khemisset_staff, django_capture_on_commit_callbacks, settings
):
    client = client_for(khemisset_staff)
    # People without a CIN: no unique constraint would stop a second registration, only the lock.
    rows = [person(n, cin="", no_cin_reason="Carte perdue") for n in (1, 2)]
    data = csv_bytes(rows, header=HEADER)
    jobs = [start_import(client, django_capture_on_commit_callbacks, data) for _ in range(2)]
    # Confirm both, but keep their commits for the two threads below: the dummy backend only queues.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    for job in jobs:
        client.post(reverse("beneficiaries:import_confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.IMPORTING

    start = threading.Barrier(2)

    def commit(job_id):
        start.wait()
        try:
            tasks.commit_import.call(job_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=[job.pk]) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Beneficiary.objects.count() == 2
    statuses = sorted(ImportJob.objects.values_list("status", flat=True))
    # The second commit, re-checked under the lock, finds the people already there and asks for a new look.
    assert statuses == [ImportJob.Status.DONE, ImportJob.Status.VALIDATED]
