"""The inbox: a person's own notifications only, read state, the unread badge, dedupe keys."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from safecampus.inbox.models import Notification, NotificationKind
from safecampus.inbox.services import notify


def send(users, school, key="", link="/training/"):
    return notify(
        users,
        kind=NotificationKind.MESSAGE,
        title=gettext_noop("%(count)s staff members of %(school)s are behind on training hours"),
        params={"count": 2, "school": school.name},
        link=link,
        dedupe_key=key,
        unit=school,
    )


def test_dedupe_key_sends_once_per_user(principal, head_teacher, school):
    assert send([principal], school, key="k:2026-W48") == 1
    assert send([principal, head_teacher], school, key="k:2026-W48") == 1  # only the new recipient
    assert send([principal], school, key="k:2026-W49") == 1
    assert send([principal], school) == 1 and send([principal], school) == 1  # no key: always sent
    assert Notification.objects.filter(user=principal).count() == 4


def test_inbox_lists_only_my_notifications_with_a_badge(client_for, principal, head_teacher, school):
    send([principal], school)
    send([head_teacher], school, link="https://evil.example/")
    c = client_for(principal)
    resp = c.get("/inbox/")
    html = resp.content.decode()
    assert resp.status_code == 200 and f"2 staff members of {school.name}" in html
    assert len(resp.context["page"].object_list) == 1
    assert 'id="inbox-link"' in html and "inbox-badge" in html
    assert Notification.objects.get(user=head_teacher).link == ""  # no links off the site


def test_someone_elses_notification_is_404(client_for, principal, head_teacher, outsider, school):
    send([principal], school)
    note = Notification.objects.get(user=principal)
    for user in (head_teacher, outsider):
        assert client_for(user).post(f"/inbox/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert client_for(principal).post("/inbox/999999/read/").status_code == 404


def test_mark_read_open_and_mark_all(client_for, principal, school):
    send([principal], school)
    send([principal], school)
    first, second = Notification.objects.filter(user=principal).order_by("pk")
    c = client_for(principal)
    resp = c.post(f"/inbox/{first.pk}/read/", {"open": "1"})
    assert resp.status_code == 302 and resp["Location"] == "/training/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert c.get("/inbox/?show=unread").context["page"].paginator.count == 1
    assert c.post("/inbox/read-all/").status_code == 302
    assert not Notification.objects.filter(user=principal, read_at__isnull=True).exists()
    assert "inbox-badge" not in c.get("/inbox/").content.decode()
    assert c.get(f"/inbox/{second.pk}/read/").status_code == 405


def test_badge_costs_one_query(client_for, principal, school, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from safecampus.inbox.context_processors import inbox

    send([principal], school)
    request = RequestFactory().get("/")
    request.user = principal
    ctx = inbox(request)
    with django_assert_num_queries(1):
        html = Template(
            "{% include 'includes/inbox_bell.html' %}{% include 'includes/inbox_bell.html' %}"
        ).render(Context(ctx))
    assert html.count("inbox-badge") == 2
