"""Demo data: demo_student's pickup people (parents; grandmother until Friday) and this week's pickups."""


def load_pickups_demo() -> None:
    """Filled in by the pickups module."""
