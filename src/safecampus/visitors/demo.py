"""Demo data: today's visitors at demo-c1-k1-s1 (one still inside), a booking waiting for its host, the watch
list."""


def load_visitors_demo() -> None:
    """Filled in by the visitors module."""
