"""The API contracts: my letters, sign (201 / 200 / 400 / 404), verify, statistics."""

from __future__ import annotations

import json

from safecampus.responsibility.models import PostKind, Signature

from .helpers import data_url, post_of


def _sign(client, post_id, body):
    return client.post(
        f"/api/v1/responsibility/letters/{post_id}/sign",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_my_letters_and_sign(letters, api_client_for, head_teacher, school):
    api = api_client_for(head_teacher)
    body = api.get("/api/v1/responsibility/letters?mine=true").json()
    assert body["count"] == 1
    item = body["items"][0]
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    assert item["id"] == post.pk and item["status"] == "due" and item["post_kind"] == "head_teacher"
    assert item["school"] == "demo-c1-k1-s1" and item["version"] == 1 and item["pdf_url"] is None
    resp = _sign(api, post.pk, {"signature": data_url(), "client_id": "abc"})
    assert resp.status_code == 201, resp.content
    sig = resp.json()
    assert sig["version"] == 1 and len(sig["pdf_sha256"]) == 64
    again = _sign(api, post.pk, {"signature": data_url(), "client_id": "abc"})
    assert again.status_code == 200 and again.json()["id"] == sig["id"]
    item = api.get("/api/v1/responsibility/letters").json()["items"][0]
    assert item["status"] == "signed" and item["pdf_url"] and item["signed_at"]
    verify = api.get(f"/api/v1/responsibility/letters/{post.pk}/verify").json()
    assert verify["valid"] is True and verify["signed"] is True
    pdf = api_client_for(head_teacher)  # the PDF is a page: through the session
    assert pdf.get(item["pdf_url"]).status_code in (200, 302, 401)


def test_bad_png_is_400_translated_and_changes_nothing(letters, api_client_for, head_teacher, school):
    api = api_client_for(head_teacher)
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    for bad in ("", "data:image/png;base64,AAAA", "hello"):
        resp = _sign(api, post.pk, {"signature": bad})
        assert resp.status_code == 400, resp.content
        assert resp.json()["field"] == "signature" and resp.json()["detail"]
    zh = api.post(
        f"/api/v1/responsibility/letters/{post.pk}/sign",
        data=json.dumps({"signature": ""}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert zh.status_code == 400
    assert not Signature.objects.filter(post=post).exists()


def test_someone_elses_letter_is_404(letters, api_client_for, principal, head_teacher, outsider, school):
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    for user in (principal, outsider):
        resp = _sign(api_client_for(user), post.pk, {"signature": data_url()})
        assert resp.status_code == 404
    assert _sign(api_client_for(head_teacher), 999999999, {"signature": data_url()}).status_code == 404
    assert api_client_for(outsider).get(f"/api/v1/responsibility/letters/{post.pk}/verify").status_code == 404
    assert not Signature.objects.filter(post=post).exists()


def test_school_list_and_stats(letters, api_client_for, principal, county, outsider, head_teacher, school):
    body = (
        api_client_for(principal).get("/api/v1/responsibility/letters?mine=false&unit=demo-c1-k1-s1").json()
    )
    assert body["count"] >= 3
    assert (
        api_client_for(outsider)
        .get("/api/v1/responsibility/letters?mine=false&unit=demo-c1-k1-s1")
        .status_code
        == 404
    )
    assert (
        api_client_for(head_teacher)
        .get("/api/v1/responsibility/letters?mine=false&unit=demo-c1-k1-s1")
        .status_code
        == 404
    )
    _sign(
        api_client_for(head_teacher),
        post_of(school, head_teacher, PostKind.HEAD_TEACHER).pk,
        {"signature": data_url()},
    )
    stats = api_client_for(county).get("/api/v1/responsibility/stats?unit=demo-c1-k1").json()
    assert stats["unit"] == "demo-c1-k1" and stats["totals"] == {"required": 3, "signed": 1, "rate": 0.333333}
    children = api_client_for(county).get("/api/v1/responsibility/stats/children?unit=demo-c1-k1").json()
    s1 = next(c for c in children if c["unit"] == "demo-c1-k1-s1")
    assert s1["totals"]["signed"] == 1
    assert api_client_for(outsider).get("/api/v1/responsibility/stats?unit=demo-c1-k1").status_code == 404
    assert (
        api_client_for(outsider).get("/api/v1/responsibility/stats/children?unit=demo-c1-k1").status_code
        == 404
    )
    assert api_client_for(outsider).get("/api/v1/responsibility/letters").json()["count"] == 0
