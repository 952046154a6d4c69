"""Settings for the test suite: the real settings, with a fast hasher and locmem e-mail."""

import os

os.environ.setdefault("DJANGO_DEVELOPMENT", "true")

from .settings import *  # noqa: E402,F403
from .settings import CACHES, REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # A prefix of its own, so a test run never reads or clears another's keys.
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
