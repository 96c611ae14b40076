"""gunicorn settings: `gunicorn -c gunicorn.conf.py core.wsgi:application` (README, "Serve").

- timeout: a worker silent for this many seconds is killed and its request answered
  with a bare 502 by the proxy. 120 s (GUNICORN_TIMEOUT) covers the slowest requests a
  worker still serves itself: the dashboard's "Sync now" with the default sync settings
  and a planning system that answers. Run CSV previews and imports and the
  auto-scheduler on the database task backend (TASKS_BACKEND, `manage.py db_worker`)
  so that none of them happens in a request.
- graceful_timeout: a restart lets a request in flight finish for as long.
- Logging: gunicorn's own lines (errors and the access log) carry their time in UTC
  with the offset, like the application's (core/log_format.py).
"""

import logging
import os
from typing import IO, Any

from gunicorn import glogging

from core.log_format import UTCFormatter

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = timeout

_LINE = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


class UTCLogger(glogging.Logger):
    """gunicorn's own handlers, wherever `--error-logfile` / `--access-logfile` point them,
    write the application's line: UTC timestamp, level, logger, pid, then the message."""

    def _set_handler(
        self,
        log: logging.Logger,
        output: Any,
        fmt: logging.Formatter,
        stream: IO[str] | None = None,
    ) -> None:
        super()._set_handler(log, output, UTCFormatter(_LINE), stream)


logger_class = UTCLogger
