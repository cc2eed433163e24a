"""Demo data: a guard company and three guards at demo-c1-k1-s1 (one certificate expiring this month); the
other schools' guards."""


def load_guards_demo() -> None:
    """Filled in by the guards module."""
