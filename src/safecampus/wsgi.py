"""WSGI entry point (gunicorn safecampus.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecampus.settings")
application = get_wsgi_application()
