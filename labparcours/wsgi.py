import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")
application = get_wsgi_application()

from labparcours.startup import require_secret_key  # noqa: E402 — needs Django set up

require_secret_key()
