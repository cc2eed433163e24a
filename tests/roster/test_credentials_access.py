"""Initial passwords (the account list and the login slips of an import) by one rule: the batch's
creator or a user manager of the batch's school. A bureau user manager above the school, or of
another school's batch, gets 404 and no password, like any other outsider; nothing is audited."""

from __future__ import annotations

import pytest

from safecampus.accounts import services as accounts
from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.roster.batches import can_download_credentials

from .factories import student_rows
from .samples import import_batch

pytestmark = pytest.mark.django_db

DOWNLOADS = ("slips.pdf", "slips.xlsx", "accounts.xlsx")
VERBS = ("roster.slips_downloaded", "roster.credentials_downloaded")


def _rows(seed: int) -> list[list[str]]:
    return student_rows(
        2, grade="三年级", classes=1, seed=seed, region="370213", phone_base=13700000000 + seed * 100
    )


@pytest.fixture
def s1_batch(school, principal):
    """A batch of demo-c1-k1-s1 imported by its principal."""
    return import_batch(school, principal, _rows(81))


@pytest.fixture
def s2_batch(county):
    """A batch of demo-c1-k1-s2 imported by the county officer (a bureau user manager)."""
    return import_batch(Unit.objects.get(code="demo-c1-k1-s2"), county, _rows(82))


def _downloads(client, batch) -> list[tuple[str, int, bytes]]:
    return [
        (name, (r := client.get(f"/roster/imports/{batch.pk}/{name}")).status_code, r.content)
        for name in DOWNLOADS
    ]


def _refused(client, batch, outcome) -> None:
    passwords = [c.password.encode() for c in outcome.credentials]
    for name, status, content in _downloads(client, batch):
        assert status == 404, name
        assert not any(p in content for p in passwords), name


def _audited() -> int:
    return AuditEvent.objects.filter(verb__in=VERBS).count()


def test_bureau_user_manager_of_another_schools_batch_gets_not_found(
    s1_batch, s2_batch, county, city, province, client_for
):
    batch, outcome = s1_batch
    before = _audited()
    for bureau in (county, city, province):
        assert not can_download_credentials(bureau, batch)
        _refused(client_for(bureau), batch, outcome)
    assert _audited() == before
    page = client_for(county).get(f"/roster/imports/{batch.pk}/").content.decode()
    assert f"/roster/imports/{batch.pk}/accounts.xlsx" not in page


def test_the_creator_and_the_schools_managers_download(
    s1_batch, s2_batch, county, principal, school_admin, client_for
):
    for user, (batch, _) in ((principal, s1_batch), (school_admin, s1_batch), (county, s2_batch)):
        for name, status, _content in _downloads(client_for(user), batch):
            assert status == 200, (user, name)
    assert AuditEvent.objects.filter(verb="roster.slips_downloaded", actor=county).count() == 2
    assert AuditEvent.objects.filter(verb="roster.credentials_downloaded", actor=county).count() == 1


def test_staff_and_outsiders_get_not_found(
    s1_batch, head_teacher, guard, outsider, outsider_principal, client_for
):
    batch, outcome = s1_batch
    for user in (head_teacher, guard, outsider, outsider_principal):
        _refused(client_for(user), batch, outcome)


def test_a_creator_who_no_longer_manages_users_gets_not_found(s1_batch, school_admin, client_for):
    batch, outcome = s1_batch
    creator = User.objects.get(pk=batch.created_by_id)
    membership = Membership.objects.get(user=creator, unit=batch.unit, is_active=True, role="principal")
    operator = User.objects.get(username="demo_operator")
    accounts.revoke_role(membership, actor=operator)
    accounts.assign_role(creator, actor=operator, unit=batch.unit, role="teacher")
    _refused(client_for(User.objects.get(pk=creator.pk)), batch, outcome)
