"""The report form after a validation error (issue 14 §3): every wrong field is named at once, and
the chosen photos are kept on the server under the form's client id, shown again with remove
buttons, and attached by the final submit, so the reporter does not choose them again."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from safecampus.hazards import pending
from safecampus.hazards.models import Hazard, PendingPhoto, PhotoStage, Status

from .conftest import photo_file

URL = "/hazards/report/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _data(**extra) -> dict:
    return {"category": "fire", "location": "教学楼三楼东侧", "description": "灭火器压力不足",
            "grade": "general", "source": "self_check", "client_id": str(uuid.uuid4()), **extra}  # fmt: skip


def test_all_errors_at_once_and_the_photo_is_attached_later(client_for, safety):
    c = client_for(safety)
    data = _data(location="", description="", category="nope")
    page = c.post(URL, {**data, "photos": photo_file()})
    body = page.content.decode()
    assert page.status_code == 400  # the hazard pages answer a form with errors 400
    for field in ("location", "description", "category"):
        assert f'id="error-{field}"' in body, field
    assert 'id="error-summary"' in body and not Hazard.objects.filter(client_id=data["client_id"]).exists()
    kept = PendingPhoto.objects.get(uploaded_by=safety, client_id=data["client_id"])
    assert f'id="kept-photo-{kept.pk}"' in body and f'src="/hazards/report/kept/{kept.pk}/"' in body
    assert f'name="remove_photo" value="{kept.pk}"' in body
    assert f'value="{data["client_id"]}"' in body  # the same form, the same client id

    done = c.post(URL, _data(client_id=data["client_id"]))  # fixed, without choosing the photo again
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert done.status_code == 302 and done["Location"] == f"/hazards/{hazard.pk}/"
    assert list(hazard.photos.values_list("stage", flat=True)) == [PhotoStage.REPORT]
    assert hazard.photos.get().width == 64 and hazard.status == Status.REPORTED
    assert not PendingPhoto.objects.filter(uploaded_by=safety).exists()


def test_fields_and_a_bad_photo_are_reported_together(client_for, safety):
    c = client_for(safety)
    data = _data(description="")
    page = c.post(URL, {**data, "photos": [photo_file(), io.BytesIO(b"not an image")]})
    body = page.content.decode()
    assert page.status_code == 400 and 'id="error-photos"' in body and 'id="error-description"' in body
    assert PendingPhoto.objects.filter(client_id=data["client_id"]).count() == 1  # the good one is kept


def test_a_kept_photo_can_be_removed(client_for, safety, django_capture_on_commit_callbacks):
    c = client_for(safety)
    data = _data(location="")
    c.post(URL, {**data, "photos": [photo_file("a.jpg"), photo_file("b.jpg")]})
    first, second = PendingPhoto.objects.filter(client_id=data["client_id"])
    # without the page's script the remove button sends the form: the form again, no errors yet
    with django_capture_on_commit_callbacks(execute=True):
        page = c.post(URL, {**data, "remove_photo": str(first.pk)})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="error-location"' not in body
    assert f'id="kept-photo-{first.pk}"' not in body and f'id="kept-photo-{second.pk}"' in body
    assert not default_storage.exists(first.image.name)
    # with the script a removed photo is named in `drop_photo` when the form is sent
    c.post(URL, {**_data(client_id=data["client_id"]), "drop_photo": str(second.pk)})
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert hazard.photos.count() == 0 and not PendingPhoto.objects.exists()


def test_kept_photos_of_the_on_the_spot_fix(client_for, safety):
    c = client_for(safety)
    data = _data(on_spot="1", spot_note="", location="")
    page = c.post(URL, {**data, "photos": photo_file(), "spot_photos": photo_file("after.jpg")})
    body = page.content.decode()
    assert page.status_code == 400 and 'id="error-spot_note"' in body and 'id="error-location"' in body
    assert 'id="error-spot_photos"' not in body and 'id="kept-spot_photos"' in body
    c.post(URL, _data(client_id=data["client_id"], on_spot="1", spot_note="当场更换灭火器"))
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert hazard.status == Status.CLOSED
    assert sorted(hazard.photos.values_list("stage", flat=True)) == [PhotoStage.EVIDENCE, PhotoStage.REPORT]


def test_a_kept_photo_is_shown_only_to_who_chose_it(client_for, safety, principal):
    c = client_for(safety)
    data = _data(location="")
    c.post(URL, {**data, "photos": photo_file()})
    kept = PendingPhoto.objects.get(client_id=data["client_id"])
    url = f"/hazards/report/kept/{kept.pk}/"
    assert c.get(url).status_code == 200 and c.get(url)["Content-Type"] == "image/jpeg"
    assert client_for(principal).get(url).status_code == 404
    # another person posting the same client id neither sees nor gets them
    other = client_for(principal).post(URL, {**data, "location": "操场"})
    assert other.status_code == 302 and Hazard.objects.get(reported_by=principal).photos.count() == 0
    assert PendingPhoto.objects.filter(pk=kept.pk).exists()


def test_kept_photos_of_forms_never_sent_are_cleaned_up(safety, django_capture_on_commit_callbacks):
    media = pending.encode_new([photo_file()], already=0)[0]
    old, new = pending.keep(safety, uuid.uuid4(), "photos", media * 2)
    PendingPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert pending.clean_up() == 1
    assert list(PendingPhoto.objects.values_list("pk", flat=True)) == [new.pk]
    assert not default_storage.exists(old.image.name) and default_storage.exists(new.image.name)


def test_the_api_still_names_one_field(api_client_for, safety):
    from safecampus.core.models import Unit

    school = Unit.objects.get(code="demo-c1-k1-s1")
    resp = api_client_for(safety).post(
        "/api/v1/hazards",
        {"unit": school.pk, "category": "fire", "location": "东楼", "description": "灭火器过期",
         "risk_point": 999999, "area": 999999},
        content_type="application/json",
    )  # fmt: skip
    assert resp.status_code == 400 and resp.json()["field"] == "risk_point"
