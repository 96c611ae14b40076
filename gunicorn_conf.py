"""gunicorn settings: `gunicorn -c gunicorn_conf.py core.wsgi:application` (README, "Serve").

Named so that gunicorn reads it only when told (`-c`), never by surprise from the
working directory.

- timeout: a worker silent for this many seconds is killed and its request answered
  with a bare 502 by the proxy. 120 s (GUNICORN_TIMEOUT) covers the slowest requests a
  worker still serves itself: the dashboard's "Sync now" with the default sync settings
  and a planning system that answers. CSV previews and imports and auto-scheduler runs
  are background tasks: run them on the database task backend (TASKS_BACKEND,
  `manage.py db_worker`) so that none of them happens in a request.
- graceful_timeout: a restart lets a request in flight finish for as long.
- Logging: gunicorn's own lines (errors and the access log, wherever --error-logfile and
  --access-logfile send them) start with their time in UTC with the offset, like the
  application's (core/log_format.py); the access line drops gunicorn's local `%(t)s`.
"""

import os
from typing import Any

from gunicorn.glogging import Logger

from core.log_format import UTCFormatter

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = timeout
access_log_format = '%(h)s %(l)s %(u)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


class UTCLogger(Logger):
    """gunicorn's logger, every handler it sets up formatting with a UTC timestamp."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formats = {
            self.error_log: "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
            self.access_log: "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
        for log, line in formats.items():
            for handler in log.handlers:
                handler.setFormatter(UTCFormatter(line))


logger_class = UTCLogger
