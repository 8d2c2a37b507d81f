"""gunicorn's settings for `make serve` (README "Serving") and `bench load`.

Everything that differs between machines comes from the environment:
WEB_CONCURRENCY (worker processes; default: one per core, at least 2 and at
most 4), HOST and PORT (default 127.0.0.1:8000: a TLS proxy sits in front),
GUNICORN_TIMEOUT (seconds a request may take, default 60)."""

import os

wsgi_app = "crm.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, max(2, os.cpu_count() or 1)))
worker_class = "sync"
# A request that takes longer is killed and its worker replaced (an import is the
# background worker's, never a request's); a stop waits this long for requests in flight.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about this many requests, so no slow leak grows for ever.
max_requests = 2000
max_requests_jitter = 200
# The access log names the path only, never the query string (%(U)s, not %(r)s) nor
# the referrer (whose address may hold one): a search's words stay out of the log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only a proxy on this host may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "custodian"
# No control socket: it would be one fixed path (~/.gunicorn) shared by every
# gunicorn of the user (the benchmark's beside the server's).
control_socket_disable = True
