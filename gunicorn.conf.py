"""gunicorn settings: `gunicorn -c gunicorn.conf.py core.wsgi:application` (README, "Serve").

- timeout: a worker silent for this many seconds is killed and its request answered
  with a bare 502 by the proxy. 120 s (GUNICORN_TIMEOUT) covers the slowest requests a
  worker still serves itself: the dashboard's "Sync now" with the default sync settings
  and a planning system that answers, and a CSV preview of up to ~10,000 rows; run the
  auto-scheduler on the database task backend (TASKS_BACKEND, `manage.py db_worker`)
  so that no run happens in a request.
- graceful_timeout: a restart lets a request in flight finish for as long.
- Logging: gunicorn's own lines (errors and the access log) carry their time in UTC
  with the offset, like the application's (core/log_format.py).
"""

import os

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = timeout

_LINE = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {"()": "core.log_format.UTCFormatter", "format": _LINE},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
