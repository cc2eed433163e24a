"""The people of a unit page (issue 14 §3): a school with hundreds of pupils and parents is paged
(50 a page) and searched by name, role and exact student number; every row is a link; an
outsider still gets 404 and sees nobody."""

from __future__ import annotations

import re

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit
from safecampus.core.people import PER_PAGE
from safecampus.core.roles import Role
from safecampus.roster.models import Guardian, Student

NUMBER = "G410100201905100042"


@pytest.fixture
def crowd(school: Unit) -> list[User]:
    """70 pupils of the school (one with a student number and a parent) on top of its staff."""
    users = User.objects.bulk_create(User(username=f"crowd{n:03d}", name=f"学生{n:03d}") for n in range(70))
    Membership.objects.bulk_create(Membership(user=u, unit=school, role=Role.STUDENT) for u in users)
    pupil = Student.objects.create(
        unit=school, unit_path=school.path, name="学生007", gender="F", student_no=NUMBER, user=users[7]
    )
    mother = User.objects.create(username="crowd_parent", name="欧阳妈妈")
    Membership.objects.create(user=mother, unit=school, role=Role.PARENT)
    Guardian.objects.create(student=pupil, parent=mother, relation="母亲")
    return users


def _rows(body: str) -> list[str]:
    """The user ids the people list links to, in order (none when the list is not shown)."""
    if 'id="people-list"' not in body:
        return []
    block = body[body.index('id="people-list"') :]
    block = block[: block.index("</div>\n      <div")]
    return re.findall(r'href="/people/(\d+)/"', block)


def _url(school: Unit, **query: str) -> str:
    from urllib.parse import urlencode

    return f"/org/units/{school.pk}/" + (f"?{urlencode(query)}" if query else "")


def test_people_are_paged(client_for, principal, school, crowd, django_assert_max_num_queries):
    total = Membership.objects.filter(unit=school, is_active=True).count()
    c = client_for(principal)
    with django_assert_max_num_queries(40):
        first = c.get(_url(school)).content.decode()
    assert len(_rows(first)) == PER_PAGE and f'id="people-count">{total}<' in first
    assert 'href="?page=2"' in first and "crowd069" not in first
    staff = User.objects.get(username="demo_principal")
    assert _rows(first)[0] == str(staff.pk)  # the school's leaders first, pupils after
    second = c.get(_url(school, page="2")).content.decode()
    assert len(_rows(second)) == total - PER_PAGE
    assert not set(_rows(first)) & set(_rows(second))


def test_people_are_searched_by_name_role_and_student_number(client_for, principal, school, crowd):
    c = client_for(principal)
    by_name = c.get(_url(school, q="学生06")).content.decode()
    assert _rows(by_name) == [str(u.pk) for u in crowd[60:70]]
    assert 'value="学生06"' in by_name  # the search stays in the box
    c.cookies["django_language"] = "zh-hans"
    by_role_word = c.get(_url(school, q="校长")).content.decode()
    assert str(User.objects.get(username="demo_principal").pk) in _rows(by_role_word)
    assert str(crowd[0].pk) not in _rows(by_role_word)
    by_role = c.get(_url(school, role="parent")).content.decode()
    assert _rows(by_role) == [str(User.objects.get(username="crowd_parent").pk)]
    by_number = c.get(_url(school, q=NUMBER)).content.decode()
    assert sorted(_rows(by_number)) == sorted(
        [str(crowd[7].pk), str(User.objects.get(username="crowd_parent").pk)]
    )
    assert _rows(c.get(_url(school, q=NUMBER[:-1])).content.decode()) == []  # exact numbers only
    paged = c.get(_url(school, role="student", page="2")).content.decode()
    pupils = Membership.objects.filter(unit=school, role=Role.STUDENT, is_active=True).count()
    assert len(_rows(paged)) == pupils - PER_PAGE
    assert 'href="?role=student&amp;page=1"' in paged  # the pager keeps the filter
    none = c.get(_url(school, q="没有这个人")).content.decode()
    assert 'id="people-none"' in none


def test_rows_are_links_and_outsiders_see_nobody(client_for, principal, outsider, school, crowd):
    body = client_for(principal).get(_url(school)).content.decode()
    assert 'class="list-group list-group-flush tap-list" id="people-list"' in body
    row = re.search(rf'<a class="([^"]*)" href="/people/{crowd[0].pk}/">', body)
    assert row and "list-group-item-action" in row.group(1)  # the row is the link
    refused = client_for(outsider).get(_url(school, q=NUMBER))
    assert refused.status_code == 404 and "学生007" not in refused.content.decode()
