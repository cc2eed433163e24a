"""Demo data: an approved exit pass for demo_student's classmate, a parent's request waiting for the head
teacher."""


def load_exits_demo() -> None:
    """Filled in by the exits module."""
