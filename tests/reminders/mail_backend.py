"""Django's file e-mail backend, its folder read from EMAIL_FILE_PATH in the environment: the
worker process of the end-to-end test writes its e-mails there (settings.py does not read that
variable)."""

import os
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class EmailBackend(FileEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("file_path", os.environ["EMAIL_FILE_PATH"])
        super().__init__(*args, **kwargs)
