"""The product's settings, with the bench URLconf (product URLs + `bench/floor`)."""

from safecampus.settings import *  # noqa: F403

ROOT_URLCONF = "stats_site.urls"
