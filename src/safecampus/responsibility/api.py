"""Responsibility letters API, mounted at `/api/v1/responsibility`.

A *letter* here is a post of a school year (a `Post`): its `id` is the post's id, the letter you
sign against. The text behind it is the version that applies now (the newest published one for
the post's kind from the nearest owner unit); when the text changes or the post changes hands,
the same id is due to sign again.

- `GET /letters?mine=true` (default) — the caller's own letters of the school year;
  `mine=false&unit=CODE` — a school's letters for who reads its duties (duties.view).
  `{"items", "count"}`, each `{"id", "post_kind", "school", "title", "version", "status":
  "due|signed", "signed_at", "pdf_url"}`.
- `POST /letters/{id}/sign` `{"signature": "<data:image/png;base64,…>", "name"?, "client_id"?}` —
  `201` with the signature, `200` when the current version is already signed (a retry);
  `400 {"detail", "field": "signature"}` for a bad or empty PNG; `404` for anyone else's letter.
- `GET /letters/{id}/verify` — `{"valid", "pdf_ok", "text_ok", …}` of the letter's signature:
  the stored PDF against the sha256 kept at signing, the signed text against its version's hash.
- `GET /stats?unit=CODE[&year=YYYY]` → `{"unit", "name", "school_year", "totals": {"required",
  "signed", "rate"}}` and `GET /stats/children?unit=CODE` → the same per child unit.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, P, Path, Query, Router, Schema

from safecampus.core.api import ERRORS, MAX_ID, SafeText
from safecampus.core.places import unit_for
from safecampus.core.ranking import child_units
from safecampus.core.roles import Perm

from . import queries, services, stats
from .models import Post, Signature

router = Router(tags=["responsibility"])

LetterPostId = Path[int, P(ge=1, le=MAX_ID, description="Letter id (the post's id).")]


class RespLettersQuery(Schema):
    mine: bool = Field(True, description="Only the caller's own letters.")
    unit: str | None = Field(
        None,
        max_length=64,
        description="School code (mine=false: the school's letters; mine=true: one's own there).",
    )
    year: int | None = Field(None, ge=2000, le=2100, description="School year (2026 = 2026–2027).")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class RespLetterOut(Schema):
    id: int = Field(description="The post's id: the letter to sign against.")
    post_kind: str
    post_label: str
    school: str
    school_name: str
    holder: str
    school_year: int
    title: str | None
    version: int | None
    status: str = Field(description="due | signed (none: no text applies yet)")
    signed_at: dt.datetime | None
    countersigned_at: dt.datetime | None
    pdf_url: str | None


class RespLettersOut(Schema):
    items: list[RespLetterOut]
    count: int


class RespSignIn(Schema):
    # Optional here so that another person's letter answers 404 before the body is looked at; the
    # service refuses a missing or bad signature with 400 on the `signature` field.
    signature: str | None = Field(
        None, max_length=300_000, description="data:image/png;base64,… of the drawn signature."
    )
    name: SafeText | None = Field(
        None, max_length=40, description="Typed name (default: the account's name)."
    )
    client_id: SafeText | None = Field(None, max_length=64, description="Idempotency key from the phone.")


class RespSignatureOut(Schema):
    id: int
    letter: int
    version: int
    text_hash: str
    typed_name: str
    signed_at: dt.datetime
    pdf_sha256: str
    pdf_url: str


class RespVerifyOut(Schema):
    valid: bool
    signed: bool
    pdf_ok: bool
    text_ok: bool
    version: int | None
    text_hash: str | None
    pdf_sha256: str | None
    signed_at: dt.datetime | None


class RespStatsQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Unit code.")
    year: int | None = Field(None, ge=2000, le=2100, description="School year (default: the current one).")


class RespTotalsOut(Schema):
    required: int = Field(description="Posts that need a signed letter.")
    signed: int
    rate: float | None = Field(description="signed ÷ required (0–1); null when nothing is required.")


class RespStatsOut(Schema):
    unit: str
    name: str
    school_year: int
    totals: RespTotalsOut


def pdf_url(sig: Signature | None) -> str | None:
    return reverse("responsibility:signature_pdf", args=[sig.pk]) if sig is not None else None


def letter_out(post: Post) -> dict[str, Any]:
    text, sig = post.current_text, post.current_signature
    return {
        "id": post.pk,
        "post_kind": post.kind,
        "post_label": str(post.get_kind_display()),
        "school": post.unit.code,
        "school_name": post.unit.name,
        "holder": post.holder.display_name,
        "school_year": post.school_year,
        "title": text.title if text else None,
        "version": text.number if text else None,
        "status": post.status,
        "signed_at": sig.signed_at if sig else None,
        "countersigned_at": sig.countersigned_at if sig else None,
        "pdf_url": pdf_url(sig),
    }


def signature_out(sig: Signature) -> dict[str, Any]:
    return {
        "id": sig.pk,
        "letter": sig.post_id,
        "version": sig.text.number,
        "text_hash": sig.text_hash,
        "typed_name": sig.typed_name,
        "signed_at": sig.signed_at,
        "pdf_sha256": sig.pdf_sha256,
        "pdf_url": pdf_url(sig),
    }


@router.get("/letters", response={200: RespLettersOut, **ERRORS}, summary="Responsibility letters")
def letters(request: HttpRequest, q: Query[RespLettersQuery]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    year = q.year or services.current_year()
    if q.mine:
        qs = queries.my_posts(user, year)
        if q.unit:  # one's own letters at one of one's schools; any other unit is 404
            school = unit_for(user, Perm.SIGN_LETTERS, code=q.unit, school=True)
            qs = qs.filter(unit=school)
    else:
        if not q.unit:
            raise Http404
        school = unit_for(user, Perm.VIEW_DUTIES, code=q.unit, school=True)
        qs = queries.school_posts(user, school, year)
    qs = qs.select_related("unit", "holder", "current_text", "current_signature").order_by("kind", "id")
    count = qs.count()
    return {"items": [letter_out(p) for p in qs[q.offset : q.offset + q.limit]], "count": count}


@router.post(
    "/letters/{letter_post_id}/sign",
    response={200: RespSignatureOut, 201: RespSignatureOut, **ERRORS},
    summary="Sign one's own letter",
)
def sign(
    request: HttpRequest, letter_post_id: LetterPostId, payload: RespSignIn
) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    post = queries.my_post(user, letter_post_id)
    sig, created = services.sign(
        post, actor=user, signature=payload.signature, name=payload.name, client_id=payload.client_id
    )
    return (201 if created else 200), signature_out(sig)


@router.get(
    "/letters/{letter_post_id}/verify",
    response={200: RespVerifyOut, **ERRORS},
    summary="Check a signed letter against its hashes",
)
def verify(request: HttpRequest, letter_post_id: LetterPostId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    post = Post.objects.visible_to(user, Perm.VIEW_DUTIES).filter(pk=letter_post_id).first()
    if post is None:
        raise Http404
    sig = post.current_signature or queries.signatures_of(post).first()
    if sig is None:
        return {
            "valid": False,
            "signed": False,
            "pdf_ok": False,
            "text_ok": False,
            "version": None,
            "text_hash": None,
            "pdf_sha256": None,
            "signed_at": None,
        }
    return {"signed": True, **services.verify(sig)}


def _stats(unit: Any, year: int) -> dict[str, Any]:
    return {"unit": unit.code, "name": unit.name, "school_year": year, "totals": {}}


@router.get("/stats", response={200: RespStatsOut, **ERRORS}, summary="Letters signed / posts that need one")
def letter_stats(request: HttpRequest, q: Query[RespStatsQuery]) -> dict[str, Any]:
    unit = unit_for(request.auth, Perm.VIEW_DUTIES, code=q.unit)  # type: ignore[attr-defined]
    year = q.year or services.current_year()
    return {**_stats(unit, year), "totals": stats.read_one(unit, year).as_dict()}


@router.get("/stats/children", response={200: list[RespStatsOut], **ERRORS}, summary="Letters per child unit")
def letter_stats_children(request: HttpRequest, q: Query[RespStatsQuery]) -> list[dict[str, Any]]:
    unit = unit_for(request.auth, Perm.VIEW_DUTIES, code=q.unit)  # type: ignore[attr-defined]
    year = q.year or services.current_year()
    children = child_units(unit)
    figures = stats.read(children, year)
    return [{**_stats(c, year), "totals": figures[c.pk].as_dict()} for c in children]
