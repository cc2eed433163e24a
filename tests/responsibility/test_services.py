"""Signing, re-signing, verifying and countersigning through the services."""

from __future__ import annotations

import pytest

from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.core.roles import Role
from safecampus.responsibility import services
from safecampus.responsibility.models import Post, PostKind, PostSource, Signature

from .helpers import data_url, post_of, signature_png


def test_sync_makes_posts_from_roles(letters, school, head_teacher, principal, guard):
    assert post_of(school, head_teacher, PostKind.HEAD_TEACHER).status == "due"
    assert post_of(school, principal, PostKind.PRINCIPAL).status == "due"
    assert post_of(school, guard, PostKind.GUARD).source == PostSource.ROLE
    # Doctor: a post, but no text applies yet.
    doctor = Post.objects.get(unit=school, kind=PostKind.DOCTOR, active=True)
    assert doctor.status == "none"
    # A second sync changes nothing.
    assert services.sync_posts(school, actor=principal)["created"] == 0


def test_sign_stores_hash_and_pdf(letters, school, head_teacher):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    sig, created = services.sign(post, actor=head_teacher, signature=data_url(), client_id="c-1")
    assert created
    post.refresh_from_db()
    assert post.status == "signed" and post.current_signature_id == sig.pk
    assert sig.text_hash == letters[PostKind.HEAD_TEACHER].content_hash
    assert sig.pdf.read()[:4] == b"%PDF"
    assert services.verify(sig)["valid"]
    assert AuditEvent.objects.filter(verb="letter.signed", target_id=str(sig.pk)).exists()
    # A retry answers the same signature.
    again, created = services.sign(post, actor=head_teacher, signature=data_url(), client_id="c-1")
    assert not created and again.pk == sig.pk
    again, created = services.sign(post, actor=head_teacher, signature=data_url())
    assert not created and again.pk == sig.pk


def test_changed_text_requires_resigning(letters, school, head_teacher, county, county_unit):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    services.sign(post, actor=head_teacher, signature=data_url())
    v2 = services.write_text(
        county_unit,
        actor=county,
        kind=PostKind.HEAD_TEACHER,
        title="班主任安全工作责任书",
        body="一岗双责。新增：防溺水教育每周一次。",
    )
    post.refresh_from_db()
    assert v2.number == 2 and post.current_text_id == v2.pk and post.status == "due"
    sig2, created = services.sign(post, actor=head_teacher, signature=data_url())
    assert created and sig2.text_id == v2.pk
    assert Signature.objects.filter(post=post).count() == 2


def test_school_text_overrides_county(letters, school, head_teacher, principal):
    own = services.write_text(
        school, actor=principal, kind=PostKind.HEAD_TEACHER, title="本校班主任责任书", body="本校条款。"
    )
    assert post_of(school, head_teacher, PostKind.HEAD_TEACHER).current_text_id == own.pk
    # A later county version does not override the school's own.
    county = Unit.objects.get(code="demo-c1-k1")
    from safecampus.accounts.models import User

    services.write_text(
        county,
        actor=User.objects.get(username="demo_county"),
        kind=PostKind.HEAD_TEACHER,
        title="县版",
        body="县版第二版。",
    )
    assert post_of(school, head_teacher, PostKind.HEAD_TEACHER).current_text_id == own.pk


def test_new_holder_requires_new_signature(letters, school, guard, principal):
    post = post_of(school, guard, PostKind.GUARD)
    services.sign(post, actor=guard, signature=data_url())
    from safecampus.accounts.models import User

    other = User.objects.get(username="demo_doctor")
    services.change_holder(post, actor=principal, holder=other.pk)
    post.refresh_from_db()
    assert post.holder_id == other.pk and post.status == "due"
    with pytest.raises(PermissionDenied):
        services.sign(post, actor=guard, signature=data_url())
    sig, created = services.sign(post, actor=other, signature=data_url())
    assert created and sig.holder_id == other.pk


def test_holder_leaving_closes_post_on_sync(letters, school, guard, principal):
    Membership.objects.filter(user=guard, unit=school, role=Role.GUARD).update(is_active=False)
    result = services.sync_posts(school, actor=principal)
    assert result["closed"] == 1
    assert not Post.objects.filter(unit=school, holder=guard, active=True).exists()


def test_tampered_pdf_is_detected(letters, school, head_teacher):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    sig, _ = services.sign(post, actor=head_teacher, signature=data_url())
    path = sig.pdf.path
    with open(path, "r+b") as fh:
        data = fh.read()
        fh.seek(0)
        fh.write(data.replace(b"%PDF", b"%PDX", 1))
    result = services.verify(sig)
    assert not result["valid"] and not result["pdf_ok"] and result["text_ok"]


def test_tampered_text_is_detected(letters, school, head_teacher):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    sig, _ = services.sign(post, actor=head_teacher, signature=data_url())
    type(sig.text).objects.filter(pk=sig.text_id).update(body="被改过的条款")
    sig.refresh_from_db()
    result = services.verify(sig)
    assert not result["valid"] and result["pdf_ok"] and not result["text_ok"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "data:image/jpeg;base64,AAAA",
        "data:image/png;base64,!!!!",
        "data:image/png;base64," + __import__("base64").b64encode(b"GIF89a" + b"0" * 100).decode(),
        None,
    ],
)
def test_bad_png_is_refused_and_nothing_changes(letters, school, head_teacher, value):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    with pytest.raises(Invalid) as exc:
        services.sign(post, actor=head_teacher, signature=value)
    assert exc.value.field == "signature"
    assert not Signature.objects.filter(post=post).exists()


def test_blank_and_huge_png_refused(letters, school, head_teacher):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    with pytest.raises(Invalid, match="Draw your signature"):
        services.sign(post, actor=head_teacher, signature=data_url(signature_png(blank=True)))
    with pytest.raises(Invalid):
        services.sign(post, actor=head_teacher, signature=data_url(signature_png(3000, 100)))
    assert not Signature.objects.filter(post=post).exists()


def test_only_the_holder_signs(letters, school, head_teacher, principal):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    with pytest.raises(PermissionDenied):
        services.sign(post, actor=principal, signature=data_url())


def test_countersign_only_by_the_county(letters, school, principal, county, outsider, head_teacher):
    post = post_of(school, principal, PostKind.PRINCIPAL)
    sig, _ = services.sign(post, actor=principal, signature=data_url())
    with pytest.raises(PermissionDenied):
        services.countersign(sig, actor=principal)  # the school itself
    with pytest.raises(PermissionDenied):
        services.countersign(sig, actor=outsider)  # another county
    services.countersign(sig, actor=county)
    sig.refresh_from_db()
    assert sig.countersigned_by_id == county.pk
    teacher_sig, _ = services.sign(
        post_of(school, head_teacher, PostKind.HEAD_TEACHER), actor=head_teacher, signature=data_url()
    )
    with pytest.raises(Invalid):
        services.countersign(teacher_sig, actor=county)


def test_hand_post_and_bad_input(letters, school, principal, county, county_unit):
    from safecampus.accounts.models import User

    admin = User.objects.get(username="demo_schooladmin")
    post = services.add_post(school, actor=principal, kind=PostKind.VICE_PRINCIPAL, holder=admin.pk)
    assert post.source == PostSource.HAND and post.status == "none"
    services.write_text(
        county_unit, actor=county, kind=PostKind.VICE_PRINCIPAL, title="副校长责任书", body="分管安全。"
    )
    post.refresh_from_db()
    assert post.status == "due"
    with pytest.raises(Invalid):
        services.add_post(school, actor=principal, kind="nope", holder=admin.pk)
    with pytest.raises(Invalid):
        services.add_post(
            school,
            actor=principal,
            kind=PostKind.CANTEEN,
            holder=User.objects.get(username="demo_principal2").pk,
        )
    with pytest.raises(Invalid):
        services.write_text(county_unit, actor=county, kind=PostKind.GUARD, title="", body="x")
    with pytest.raises(PermissionDenied):
        services.write_text(county_unit, actor=principal, kind=PostKind.GUARD, title="t", body="x")


def test_countersign_is_the_county_s_and_the_current_letter_s(letters, school, principal, county, city):
    """The letter is signed between the principal and the county: the city above may not
    countersign it; a letter signed again since (a new text) is countersigned in its new version."""
    post = post_of(school, principal, PostKind.PRINCIPAL)
    sig, _ = services.sign(post, actor=principal, signature=data_url())
    with pytest.raises(PermissionDenied):
        services.countersign(sig, actor=city)
    county_unit = Unit.objects.get(code="demo-c1-k1")
    v2 = {"title": "校长安全工作责任书（第二版）", "body": "新增：每周一次校园安全巡查。"}
    services.write_text(county_unit, actor=county, kind=PostKind.PRINCIPAL, **v2)
    new, created = services.sign(Post.objects.get(pk=post.pk), actor=principal, signature=data_url())
    assert created and new.pk != sig.pk
    with pytest.raises(Conflict):
        services.countersign(Signature.objects.get(pk=sig.pk), actor=county)  # superseded
    services.countersign(new, actor=county)


def test_the_county_does_not_keep_a_school_s_posts(letters, school, county, head_teacher):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    with pytest.raises(PermissionDenied):
        services.close_post(post, actor=county)
    with pytest.raises(PermissionDenied):
        services.sync_posts(school, actor=county)
    assert Post.objects.get(pk=post.pk).active


def test_a_client_id_signs_one_letter_only(letters, school, head_teacher, principal):
    first = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    sig, _ = services.sign(first, actor=head_teacher, signature=data_url(), client_id="c-1")
    again, created = services.sign(first, actor=head_teacher, signature=data_url(), client_id="c-1")
    assert again.pk == sig.pk and not created
    other = services.add_post(school, actor=principal, kind=PostKind.TEACHER, holder=head_teacher.pk)
    with pytest.raises(Invalid) as exc:
        services.sign(other, actor=head_teacher, signature=data_url(), client_id="c-1")
    assert exc.value.field == "client_id"
