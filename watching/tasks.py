import logging

from celery import shared_task

from core.locks import SweepRunning, sweep_lock

from . import digest

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_watch_digests():
    """E-mails each reader who watches companies what was published since their last e-mail;
    scheduled daily by CELERY_BEAT_SCHEDULE["every-day-send-watch-digests"]."""
    try:
        with sweep_lock("watch-digests"):
            return digest.send_digests()
    except SweepRunning:
        log.info("send_watch_digests: another run holds the lock; skipped")
        return None
