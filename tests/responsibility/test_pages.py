"""The pages: my letters with the signature pad, signing by form, the school's posts, the texts
editor, the completeness per child unit, countersigning; outsiders get 404 and see nothing."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.responsibility.models import LetterText, Post, PostKind, Signature

from .helpers import data_url, post_of


def test_teacher_signs_on_the_phone_page(letters, client_for, head_teacher, school):
    c = client_for(head_teacher)
    page = c.get("/responsibility/").content.decode()
    assert "resp-canvas" in page and "responsibility/sign.js" in page and "一岗双责" in page
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    bad = c.post(f"/responsibility/letters/{post.pk}/sign/", {"signature": "", "name": "张丽"}, follow=True)
    assert "Draw your signature" in bad.content.decode()
    assert not Signature.objects.filter(post=post).exists()
    resp = c.post(
        f"/responsibility/letters/{post.pk}/sign/",
        {"signature": data_url(), "name": "张丽", "client_id": "x1"},
        follow=True,
    )
    body = resp.content.decode()
    sig = Signature.objects.get(post=post)
    assert f"/responsibility/signatures/{sig.pk}/letter.pdf" in body and "resp-canvas" not in body
    pdf = c.get(f"/responsibility/signatures/{sig.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_school_page_and_management(letters, client_for, principal, school):
    c = client_for(principal)
    page = c.get("/responsibility/school/").content.decode()
    assert "张丽" in page and 'id="sync-posts"' in page and 'id="add-post"' in page
    admin = User.objects.get(username="demo_schooladmin")
    c.post("/responsibility/school/posts/add/", {"unit": school.code, "kind": "canteen", "holder": admin.pk})
    assert Post.objects.filter(unit=school, kind="canteen", holder=admin, active=True).exists()
    resp = c.post(
        "/responsibility/school/posts/add/",
        {"unit": school.code, "kind": "bad", "holder": admin.pk},
        follow=True,
    )
    assert "Choose the post." in resp.content.decode()
    c.post("/responsibility/school/sync/", {"unit": school.code})
    guard = post_of(school, User.objects.get(username="demo_guard"), PostKind.GUARD)
    c.post(f"/responsibility/posts/{guard.pk}/", {"action": "close"})
    guard.refresh_from_db()
    assert not guard.active


def test_texts_editor_writes_a_version(letters, client_for, county, county_unit):
    c = client_for(county)
    page = c.get("/responsibility/texts/?unit=demo-c1-k1&kind=guard").content.decode()
    assert "guard 安全工作责任书" in page
    c.post(
        "/responsibility/texts/new/",
        {"unit": "demo-c1-k1", "kind": "guard", "title": "保安责任书", "body": "第二版", "publish": "1"},
    )
    assert LetterText.objects.filter(
        unit=county_unit, kind="guard", number=2, published_at__isnull=False
    ).exists()


def test_stats_and_countersign_by_the_county(letters, client_for, county, principal, school):
    sig = __import__("safecampus.responsibility.services", fromlist=["sign"]).sign(
        post_of(school, principal, PostKind.PRINCIPAL), actor=principal, signature=data_url()
    )[0]
    c = client_for(county)
    page = c.get("/responsibility/stats/?unit=demo-c1-k1").content.decode()
    assert "东港区实验小学" in page and "?unit=demo-c1-k1-s1" in page
    school_page = c.get("/responsibility/school/?unit=demo-c1-k1-s1").content.decode()
    assert f"/responsibility/signatures/{sig.pk}/countersign/" in school_page
    # The principal cannot countersign their own letter.
    client_for(principal).post(f"/responsibility/signatures/{sig.pk}/countersign/")
    sig.refresh_from_db()
    assert sig.countersigned_at is None
    c.post(f"/responsibility/signatures/{sig.pk}/countersign/")
    sig.refresh_from_db()
    assert sig.countersigned_by_id == county.pk
    assert "Countersigned" in c.get("/responsibility/school/?unit=demo-c1-k1-s1").content.decode()


def test_outsiders_get_404_and_see_nothing(
    letters, client_for, outsider, outsider_principal, principal, school, head_teacher
):
    sig = __import__("safecampus.responsibility.services", fromlist=["sign"]).sign(
        post_of(school, principal, PostKind.PRINCIPAL), actor=principal, signature=data_url()
    )[0]
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in (
            "/responsibility/school/?unit=demo-c1-k1-s1",
            "/responsibility/stats/?unit=demo-c1-k1",
            "/responsibility/texts/?unit=demo-c1-k1",
            f"/responsibility/signatures/{sig.pk}/letter.pdf",
        ):
            assert c.get(url).status_code == 404, (user, url)
        for url in (
            f"/responsibility/letters/{post.pk}/sign/",
            f"/responsibility/signatures/{sig.pk}/countersign/",
            f"/responsibility/posts/{post.pk}/",
            "/responsibility/school/sync/?unit=demo-c1-k1-s1",
        ):
            assert (
                c.post(url, {"signature": data_url(), "action": "close", "unit": "demo-c1-k1-s1"}).status_code
                == 404
            )
        home = c.get("/responsibility/").content.decode()
        assert "王建国" not in home and "张丽" not in home
    post.refresh_from_db()
    sig.refresh_from_db()
    assert post.active and sig.countersigned_at is None
    # A colleague of the same school does not sign someone else's letter either.
    assert (
        client_for(principal)
        .post(f"/responsibility/letters/{post.pk}/sign/", {"signature": data_url()})
        .status_code
        == 404
    )


def test_today_cards(letters, client_for, head_teacher, principal, county, school):
    from safecampus.core.today import cards_for

    mine = {c["key"]: c for c in cards_for(head_teacher)}
    due = mine["responsibility.due"]
    assert due["count"] == 1 and due["url"] == "/responsibility/"
    office = {c["key"]: c for c in cards_for(principal)}
    assert office["responsibility.unsigned"]["count"] == 3
    assert "responsibility.unsigned" not in {c["key"] for c in cards_for(head_teacher)}
    # A bureau reader lands on the completeness of the area.
    resp = client_for(county).get("/responsibility/")
    assert resp.status_code == 302 and resp["Location"].startswith("/responsibility/stats/")


def test_draft_then_publish(letters, client_for, county, county_unit, outsider, school, guard):
    c = client_for(county)
    draft_form = {"unit": "demo-c1-k1", "kind": "guard", "title": "保安责任书", "body": "草稿"}
    c.post("/responsibility/texts/new/", draft_form)
    draft = LetterText.objects.get(unit=county_unit, kind="guard", number=2)
    assert draft.published_at is None
    assert post_of(school, guard, PostKind.GUARD).current_text.number == 1  # a draft changes nothing
    assert client_for(outsider).post(f"/responsibility/texts/{draft.pk}/publish/").status_code == 404
    c.post(f"/responsibility/texts/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert post_of(school, guard, PostKind.GUARD).current_text_id == draft.pk


def test_county_countersigns_from_its_list(letters, client_for, county, principal, outsider, school):
    from safecampus.core.today import cards_for
    from safecampus.responsibility import services

    sig, _ = services.sign(
        post_of(school, principal, PostKind.PRINCIPAL), actor=principal, signature=data_url()
    )
    cards = {c["key"]: c for c in cards_for(county)}
    assert cards["responsibility.countersign"]["count"] == 1
    assert {c["key"]: c for c in cards_for(outsider)}["responsibility.countersign"]["count"] == 0
    page = client_for(county).get("/responsibility/stats/?unit=demo-c1-k1").content.decode()
    assert 'id="to-countersign"' in page and f"/responsibility/signatures/{sig.pk}/countersign/" in page
    resp = client_for(county).post(f"/responsibility/signatures/{sig.pk}/countersign/", {"next": "stats"})
    assert resp.status_code == 302
    sig.refresh_from_db()
    assert sig.countersigned_at is not None
    assert {c["key"]: c for c in cards_for(county)}["responsibility.countersign"]["count"] == 0
