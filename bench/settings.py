"""The product's settings, for `make bench`: the bench URL conf (with the framework floor).

Everything else is the product's, throttles included (each learner's rate is raised so that a
benchmark measures the work, not the 429s; the throttle's cache round trip stays on every
request, the floor's too). Plain HTTP: gunicorn listens on 127.0.0.1 without TLS.
"""

from __future__ import annotations

from calcuingo.settings import *  # noqa: F403
from calcuingo.settings import REST_FRAMEWORK

ROOT_URLCONF = "calcuingo.bench_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "user": "10000000/min",
        "anon": "10000000/min",
    },
}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the in-process client
