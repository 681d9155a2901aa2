"""Background refresh of the summaries, enqueued by the writes that made them stale, so that the
next reader of a region or the nation finds them fresh."""

from django.tasks import task


@task
def refresh_summaries(province_ids: list | None) -> None:
    from dashboards.summaries import refresh

    refresh(province_ids)
