"""Demo data: the county's drowning-prevention parent letter with receipts, a school notice to staff, the
city's typhoon warning, the warning calendar."""


def load_notices_demo() -> None:
    """Filled in by the notices module."""
