"""A bench-only Django site: the product's settings and URLs plus the floor view of the heartbeat
benchmark. Never part of the product (gunicorn loads it only during `bench/stats.py`)."""
