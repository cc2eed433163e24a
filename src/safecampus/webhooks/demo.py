"""Demo data: a webhook endpoint of the county pointing at the README's local receiver"""


def load_webhooks_demo() -> None:
    """Filled in by the webhooks module."""
