import logging

from celery import shared_task

from core.locks import SweepRunning, sweep_lock

from . import dumps

log = logging.getLogger(__name__)


# A worker killed mid-dump leaves only a partial file, which the next run replaces.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def write_dump():
    """Writes the nightly open-data dump (gethelp.dumps); scheduled by
    CELERY_BEAT_SCHEDULE["every-day-write-dump"]."""
    try:
        with sweep_lock("dump"):
            entry = dumps.write_dump()
    except SweepRunning:
        log.info("write_dump: another run holds the lock; skipped")
        return None
    return {file["name"]: file["records"] for file in entry["files"]}
