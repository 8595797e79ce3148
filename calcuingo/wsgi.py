"""WSGI entry point."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calcuingo.settings")

application = get_wsgi_application()

# SymPy (answer forms, the tutor) takes about a second to import: pay it when the server process
# starts, not in the first learner's answer that needs it.
import sympy  # noqa: E402, F401
