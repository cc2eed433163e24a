"""Background documents (`core.render_jobs`): a whole school's login slips and a county's training
report are prepared by the worker with progress, downloaded by their owner only, audited, and
pruned; a failing build is recorded, not lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safecampus.core import render_jobs
from safecampus.core.job_models import JobStatus, RenderJob
from safecampus.core.models import AuditEvent
from safecampus.core.render_jobs import JobKind

from .roster.factories import student_rows
from .roster.samples import import_batch
from .training.conftest import campaign, course, video  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(school, principal):
    rows = student_rows(4, grade="三年级", classes=2, seed=71, region="370212", phone_base=13700071000)
    batch, _outcome = import_batch(school, principal, rows)
    return batch


@pytest.fixture(autouse=True)
def _worker(monkeypatch):
    """The worker is told on commit; a test's transaction never commits, so tell it at once."""
    monkeypatch.setattr(render_jobs.transaction, "on_commit", lambda fn: fn())


def _start(client, **fields):
    return client.post("/jobs/start", fields)


def test_whole_school_slips_are_prepared_and_downloaded_by_their_owner(
    batch, school, school_admin, client_for
):
    c = client_for(school_admin)
    before = AuditEvent.objects.filter(verb="roster.slips_downloaded").count()
    resp = _start(c, kind="roster.slips", unit=school.code, batch=batch.pk)
    job = RenderJob.objects.get(owner=school_admin)
    assert resp.status_code == 302 and resp["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.progress == 100  # the worker runs at once in tests
    page = c.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and f"/jobs/{job.pk}/download" in page.content.decode()
    status = c.get(f"/jobs/{job.pk}/status").json()
    assert status["status"] == "done" and status["download_url"] == f"/jobs/{job.pk}/download"
    file = c.get(f"/jobs/{job.pk}/download")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    assert "no-store" in file["Cache-Control"]
    assert AuditEvent.objects.filter(verb="roster.slips_downloaded").count() == before + 1
    assert AuditEvent.objects.filter(verb="document.requested", target_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(verb="document.downloaded", target_id=str(job.pk)).exists()
    assert "Login slips" in c.get("/jobs/").content.decode()


def test_outsiders_cannot_start_see_or_download(
    batch, school, school_admin, outsider_principal, outsider, client_for
):
    refused = _start(client_for(outsider_principal), kind="roster.slips", unit=school.code, batch=batch.pk)
    assert refused.status_code == 404 and not RenderJob.objects.exists()
    _start(client_for(school_admin), kind="roster.slips", unit=school.code, batch=batch.pk)
    job = RenderJob.objects.get()
    for user in (outsider_principal, outsider):
        c = client_for(user)
        for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status", f"/jobs/{job.pk}/download"):
            assert c.get(url).status_code == 404
        assert job.title not in c.get("/jobs/").content.decode()


def test_a_head_teacher_cannot_print_the_school_slips(batch, school, head_teacher, client_for):
    assert (
        _start(client_for(head_teacher), kind="roster.slips", unit=school.code, batch=batch.pk).status_code
        == 404
    )


def test_county_training_report(campaign, county, outsider, client_for):  # noqa: F811
    params = {"kind": "training.summary", "unit": "demo-c1-k1", "campaign": campaign.pk}
    resp = _start(client_for(county), **params)
    job = RenderJob.objects.get(owner=county)
    assert resp.status_code == 302 and job.status == JobStatus.DONE, job.error
    assert job.file.open("rb").read(4) == b"%PDF"
    assert _start(client_for(outsider), **params).status_code == 404


def test_unknown_kind_is_a_clear_message(county, client_for):
    resp = client_for(county).post("/jobs/start", {"kind": "nope", "unit": "demo-c1-k1"}, follow=True)
    assert "This document cannot be prepared." in resp.content.decode() and not RenderJob.objects.exists()


def test_a_failing_build_is_recorded_and_pruned_later(county, county_unit):
    def explode(job, progress):
        progress(40)
        raise RuntimeError("boom")

    render_jobs.register(JobKind("test.explode", lambda u, p: "x", lambda user, unit, p: True, explode))
    try:
        job = render_jobs.start(county, "test.explode", county_unit)
    finally:
        render_jobs._KINDS.pop("test.explode")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "could not be prepared" in job.error
    RenderJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert render_jobs.prune() == 1 and not RenderJob.objects.exists()


def test_api_start_and_poll(batch, school, school_admin, outsider, api_client_for):
    api = api_client_for(school_admin)
    resp = api.post(
        "/api/v1/jobs",
        {"kind": "roster.slips", "unit": school.code, "params": {"batch": str(batch.pk)}},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "queued" and body["url"] == f"/jobs/{body['id']}/"
    polled = api.get(f"/api/v1/jobs/{body['id']}").json()  # the worker has run meanwhile
    assert polled["status"] == "done" and polled["progress"] == 100
    assert polled["download_url"] == f"/jobs/{body['id']}/download"
    file = api.get(polled["file_url"])
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    assert api_client_for(outsider).get(polled["file_url"]).status_code == 404
    assert api_client_for(outsider).get(f"/api/v1/jobs/{body['id']}").status_code == 404
    outsider_start = api_client_for(outsider).post(
        "/api/v1/jobs",
        {"kind": "roster.slips", "unit": school.code, "params": {"batch": str(batch.pk)}},
        content_type="application/json",
    )
    assert outsider_start.status_code == 404 and RenderJob.objects.count() == 1
    bad = api.post("/api/v1/jobs", {"kind": "nope", "unit": school.code}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"] == "This document cannot be prepared."
