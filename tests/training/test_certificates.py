"""Certificates: once per completed course and per year, stable numbers, audited, a CJK PDF, and only
the learner and the managers who can see them may download."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent
from safecampus.training import certificates
from safecampus.training.class_models import Certificate, CertificateKind

from .learn_helpers import complete, learn, ready

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^SC-\d{4}-\d{6}$")


@pytest.fixture
def web(client_for):
    def make(user):
        return client_for(ready(user))

    return make


@pytest.fixture
def finished(pupil, course):
    complete(pupil, course)
    return course


def test_a_course_certificate_is_issued_once_with_a_stable_number(pupil, finished):
    cert = certificates.issue_course_certificate(pupil, finished.pk)
    assert NUMBER.match(cert.number) and cert.number.endswith(f"{cert.pk:06d}")
    assert cert.kind == CertificateKind.COURSE and cert.year == timezone.localdate().year
    assert cert.hours == pytest.approx(180 / 3600, abs=0.01)  # 60 s of video + 120 s of reading
    again = certificates.issue_course_certificate(pupil, finished.pk)
    assert again.pk == cert.pk and again.number == cert.number
    assert Certificate.objects.filter(learner=pupil).count() == 1
    events = AuditEvent.objects.filter(verb="training.certificate_issued", target_id=str(cert.pk))
    assert events.count() == 1 and events.get().after["number"] == cert.number


def test_no_certificate_before_the_course_is_completed(pupil, course, video):
    learn(pupil, video, 60)  # one lesson of two, no quiz
    with pytest.raises(Invalid):
        certificates.issue_course_certificate(pupil, course.pk)
    assert not Certificate.objects.exists()


def test_a_year_certificate_follows_the_hours_and_keeps_its_number(pupil, course, video, article):
    year = timezone.localdate().year
    with pytest.raises(Invalid):
        certificates.issue_year_certificate(pupil, year)  # nothing learnt yet
    learn(pupil, video, 60, start=timezone.now() - dt.timedelta(minutes=10))
    cert = certificates.issue_year_certificate(pupil, year)
    assert NUMBER.match(cert.number) and cert.hours == pytest.approx(60 / 3600, abs=0.01)
    learn(pupil, article, 120)
    again = certificates.issue_year_certificate(pupil, str(year))
    assert again.pk == cert.pk and again.number == cert.number
    assert again.hours == pytest.approx(180 / 3600, abs=0.01)
    assert AuditEvent.objects.filter(verb="training.certificate_updated", target_id=str(cert.pk)).count() == 1
    for bad in ("", "abc", year + 1, 1999):
        with pytest.raises(Invalid):
            certificates.issue_year_certificate(pupil, bad)


def test_the_certificate_pages_issue_and_download(web, pupil, finished):
    c = web(pupil)
    page = c.get("/training/certificates/")
    assert page.status_code == 200 and "Get certificate" in page.content.decode()
    resp = c.post("/training/certificates/issue", {"course": finished.pk}, follow=True)
    cert = Certificate.objects.get(learner=pupil, kind=CertificateKind.COURSE)
    assert cert.number in resp.content.decode()
    pdf = c.get(f"/training/certificates/{cert.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and cert.number in pdf["Content-Disposition"]
    c.post("/training/certificates/issue", {"year": timezone.localdate().year})
    assert Certificate.objects.filter(learner=pupil, kind=CertificateKind.YEAR).count() == 1


BAD_ISSUES = [{}, {"course": "x"}, {"course": "999999"}, {"year": "abc"}, {"year": "1990"}]


@pytest.mark.parametrize("data", BAD_ISSUES)
def test_bad_issue_requests_show_a_message_and_issue_nothing(web, pupil, finished, data):
    resp = web(pupil).post("/training/certificates/issue", data, follow=True)
    assert resp.status_code == 200
    assert [str(m) for m in resp.context["messages"]]
    assert not Certificate.objects.exists()


def test_only_the_learner_and_their_managers_may_download(
    web, pupils, pupil, outsider_pupil, finished, principal, county, outsider, parent_of_pupil
):
    cert = certificates.issue_course_certificate(pupil, finished.pk)
    url = f"/training/certificates/{cert.pk}.pdf"
    assert web(outsider_pupil).get(url).status_code == 404  # a pupil of another school
    assert web(pupils[1].user).get(url).status_code == 404  # a classmate
    assert web(outsider).get(url).status_code == 404  # the officer of the sibling county
    assert web(pupil).get(url).status_code == 200
    assert web(principal).get(url).status_code == 200  # the school's principal sees its learners
    assert web(county).get(url).status_code == 200  # and so does the county
    assert web(parent_of_pupil).get(url).status_code == 200  # a parent, their own child's
    # The list shows one's own certificates only.
    assert cert.number not in web(outsider_pupil).get("/training/certificates/").content.decode()


def _pdffonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_the_pdf_uses_the_cjk_font_and_renders(pupil, finished, tmp_path, principal):
    course_cert = certificates.issue_course_certificate(pupil, finished.pk)
    year_cert = certificates.issue_year_certificate(pupil, timezone.localdate().year)
    for cert in (course_cert, year_cert):
        pdf = certificates.render_pdf(pupil, cert)
        assert pdf.startswith(b"%PDF-")
        fonts = _pdffonts(pdf, tmp_path)
        assert "Noto-Sans-CJK-SC" in fonts and "Noto-Serif-CJK-SC" in fonts, fonts
        assert certificates.render_pdf(principal, cert).startswith(b"%PDF-")  # a manager's print
    context = certificates.certificate_context(pupil, year_cert)
    assert [row.title for row in context["courses"]] == [finished.title]
    assert context["hours"] == pytest.approx(180 / 3600, abs=0.01)
    # One page each, drawn to PNG (set CERTIFICATE_PREVIEW_DIR to keep them and look).
    out = Path(os.environ.get("CERTIFICATE_PREVIEW_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    for name, cert in (("course", course_cert), ("year", year_cert)):
        pdf_path = out / f"certificate-{name}.pdf"
        pdf_path.write_bytes(certificates.render_pdf(pupil, cert))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(out / f"certificate-{name}")], check=True
        )
        pages = sorted(out.glob(f"certificate-{name}*.png"))
        assert len(pages) == 1, pages
