"""Settings for a developer's machine: `make run` uses these."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for a local machine; production settings take the key from the environment alone.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DEMO_DATA_ALLOWED = True
