"""Demo data: defence registers (one camera at demo-c1-k1-s1 not networked), closed management,
the three-100% facts. Filled in below."""


def load_defence_demo() -> None:
    """Filled in by the defence module."""
