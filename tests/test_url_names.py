"""URL names cannot collide (issue 14 §3: the learner's quiz button reversed to the management
quiz page because two patterns were both named `training:quiz`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def named_patterns(patterns, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str]]:
    """(fully qualified name, route) of every named URL pattern, through every include."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from named_patterns(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)


def test_no_two_url_patterns_share_a_name():
    routes: dict[str, list[str]] = defaultdict(list)
    for name, route in named_patterns(get_resolver().url_patterns):
        routes[name].append(route)
    assert len(routes) > 100  # the walk reaches every app's patterns
    shared = {name: found for name, found in routes.items() if len(found) > 1}
    assert not shared, f"URL names used by more than one pattern: {shared}"


def test_the_training_quiz_names_are_distinct():
    from django.urls import reverse

    assert reverse("training:quiz", args=[7]) == "/training/quizzes/7/"
    assert reverse("training:quiz_settings", args=[7]) == "/training/manage/courses/7/quiz/"
