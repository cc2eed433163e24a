"""Content packages: a good one loads completely; every broken one is refused whole with clear
errors (each with its place) and writes nothing, neither rows nor files."""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, Unit
from safecampus.core.policy import load_policy
from safecampus.training import content
from safecampus.training.models import Campaign, ContentStatus, LessonImage, LessonKind
from safecampus.training.packages import PackageError, load_package

from .manage_samples import good_files, good_manifest, k1_content, make_zip, snapshot
from .samples import png_bytes, tiny_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def refused(data: bytes, actor, unit, campaign=None) -> list[tuple[str, str]]:
    """Load a package that must be refused: its errors, after checking nothing was written."""
    before = snapshot()
    with pytest.raises(PackageError) as info:
        load_package(data, actor=actor, unit=unit, campaign=campaign)
    assert snapshot() == before
    assert info.value.errors
    return info.value.errors


def paths(errors: list[tuple[str, str]]) -> set[str]:
    return {p for p, _m in errors}


def test_a_good_package_loads_completely(county, county_unit):
    campaign = load_package(make_zip(good_manifest(), good_files()), actor=county, unit=county_unit)
    assert campaign.unit == county_unit and campaign.status == ContentStatus.DRAFT
    assert campaign.title == "2026年防溺水专题" and campaign.pass_mark == 80
    assert sorted(campaign.themes.values_list("key", flat=True)) == ["drowning", "fire"]
    stage = campaign.stages.get()
    assert sorted(stage.themes.values_list("key", flat=True)) == ["drowning", "fire"]
    drowning, fire = campaign.courses.order_by("pk")
    assert (drowning.key, drowning.stage, drowning.theme.key) == ("drowning-basics", stage, "drowning")
    assert drowning.school_types == ["primary", "junior"] and (drowning.grade_min, drowning.grade_max) == (
        1,
        9,
    )
    video, article, doc = drowning.lessons.order_by("order")
    assert (video.kind, video.duration_s, video.media_type) == (LessonKind.VIDEO, 12, "video/mp4")
    assert video.poster and video.media.storage.exists(video.media.name)
    image = LessonImage.objects.get(lesson=article)
    assert f'src="/training/manage/images/{image.pk}"' in article.body_html
    assert "<script>" not in article.body_html and article.duration_s == 300
    assert doc.page_count == 2 and doc.duration_s == 240
    assert drowning.quiz.question_count == 2 and drowning.quiz.attempts_limit == 3
    single, multiple, true_false = drowning.questions.order_by("pk")
    assert multiple.answer == [0, 1] and true_false.answer == [1] and single.explanation == "不盲目施救。"
    assert fire.lessons.get().body_html == "<p>弯腰低姿。</p>"
    event = AuditEvent.objects.filter(verb="training.package_loaded").get()
    assert event.after["courses"] == 2 and event.after["lessons"] == 4 and event.after["questions"] == 3


def test_into_an_existing_campaign_themes_merge_and_courses_add(county, county_unit):
    ids = k1_content()
    campaign = Campaign.objects.get(pk=ids["campaign_id"])
    manifest = good_manifest()
    del manifest["campaign"]
    manifest["themes"] = [{"key": "fire", "name": "消防安全（更新）"}]
    manifest["stages"] = []
    manifest["courses"] = [manifest["courses"][1]]
    load_package(make_zip(manifest, {}), actor=county, unit=county_unit, campaign=campaign)
    assert campaign.themes.get(key="fire").name == "消防安全（更新）"
    assert campaign.courses.count() == 2
    # Loading it again: the course key is taken now.
    errors = refused(make_zip(manifest, {}), county, county_unit, campaign)
    assert ("courses[1].key", "The campaign already has a course with the key “fire-basics”.") in errors


def test_a_package_with_a_top_folder_loads(county, county_unit):
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(make_zip(good_manifest(), good_files())))
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            zf.writestr(f"防溺水/{info.filename}", src.read(info))
    assert load_package(buf.getvalue(), actor=county, unit=county_unit).courses.count() == 2


def test_bad_yaml(county, county_unit):
    errors = refused(
        make_zip("format: safecampus-training/1\ncourses: [\n  - key: a\n    title: [oops\n", {}),
        county,
        county_unit,
    )
    assert len(errors) == 1
    path, message = errors[0]
    assert path == "manifest.yaml" and message.startswith("Not valid YAML (line ")


def test_yaml_aliases_are_refused(county, county_unit):
    text = "format: safecampus-training/1\nx: &a [1, 2]\ncourses: *a\n"
    errors = refused(make_zip(text, {}), county, county_unit)
    assert errors == [("manifest.yaml", "YAML aliases (*name) are not allowed in a manifest.")]


def test_missing_manifest_and_not_a_zip(county, county_unit):
    assert refused(make_zip(None, {"a.txt": b"x"}), county, county_unit) == [
        ("manifest.yaml", "The package has no manifest.yaml at its top.")
    ]
    assert refused(b"PK\x03\x04 not really", county, county_unit) == [("", "This file is not a zip archive.")]


def test_missing_file_bad_answer_and_many_errors_at_once(county, county_unit):
    manifest = good_manifest()
    course = manifest["courses"][0]
    course["quiz"]["questions"][0]["answer"] = [5]
    course["quiz"]["questions"][1]["answer"] = [True]
    course["lessons"][2]["file"] = "media/missing.pdf"
    course["audiences"] = ["student", "aliens"]
    course["colour"] = "blue"
    del manifest["courses"][1]["title"]
    manifest["format"] = "safecampus-training/2"
    errors = refused(make_zip(manifest, good_files()), county, county_unit)
    assert set(errors) == {
        ("format", "Expected “safecampus-training/1”."),
        ("courses[1].colour", "Unknown key."),
        ("courses[1].audiences", "Choose at least one audience."),
        ("courses[1].lessons[3].file", "The package has no file “media/missing.pdf”."),
        ("courses[1].quiz.questions[1].answer", "Mark the right answer."),
        (
            "courses[1].quiz.questions[2].answer",
            "Give the right answers as a list of choice positions, from 0, e.g. [0].",
        ),
        ("courses[2].title", "This field is required."),
    }


def test_non_video_bytes_named_mp4(county, county_unit):
    files = good_files()
    files["media/drowning.mp4"] = png_bytes()
    errors = refused(make_zip(good_manifest(), files), county, county_unit)
    assert errors == [
        ("courses[1].lessons[1].file", "media/drowning.mp4: This file is not an MP4 or WebM video.")
    ]


def test_manifest_and_media_errors_of_one_course_are_reported_together(county, county_unit):
    manifest = good_manifest()
    manifest["courses"][0]["colour"] = "blue"
    files = good_files()
    files["media/leaflet.pdf"] = b"not a pdf"
    errors = refused(make_zip(manifest, files), county, county_unit)
    assert set(errors) == {
        ("courses[1].colour", "Unknown key."),
        ("courses[1].lessons[3].file", "media/leaflet.pdf: This file is not a PDF document."),
    }


def test_broken_pdf_and_poster(county, county_unit):
    files = good_files()
    files["media/leaflet.pdf"] = b"%PDF-1.4 garbage"
    files["media/poster.png"] = b"\x89PNG not really"
    errors = refused(make_zip(good_manifest(), files), county, county_unit)
    assert set(errors) == {
        (
            "courses[1].lessons[3].file",
            "media/leaflet.pdf: This PDF document cannot be opened: the file is damaged.",
        ),
        ("courses[1].lessons[1].poster", "media/poster.png: This file is not an image that can be opened."),
    }


def test_oversized_package_and_files(county, county_unit, operator):
    province = Unit.objects.get(code="demo")
    load_policy(
        province,
        {"training": {"max_package_mb": 1, "max_video_mb": 1}},
        actor=operator,
        version="small",
        effective_from=dt.date(2020, 1, 1),
    )
    files = good_files()
    files["media/noise.bin"] = os.urandom(1024 * 1024 + 1)  # does not compress
    errors = refused(make_zip(good_manifest(), files), county, county_unit)
    assert errors == [("", "Unpacked, the package is larger than 1 MB (the limit).")]


def test_zip_bomb_is_refused_before_unpacking(county, county_unit):
    files = good_files()
    files["media/zeros.bin"] = b"\x00" * (20 * 1024 * 1024)
    errors = refused(make_zip(good_manifest(), files), county, county_unit)
    assert errors == [
        ("media/zeros.bin", "This file unpacks to far more than its packed size (a zip bomb?).")
    ]


def test_path_traversal_in_the_zip_and_in_the_manifest(county, county_unit):
    manifest = good_manifest()
    manifest["courses"][0]["lessons"][0]["file"] = "../media/drowning.mp4"
    manifest["courses"][0]["lessons"][2]["file"] = "/etc/passwd"
    manifest["courses"][0]["lessons"][1]["body"] = '<p>x</p><img src="../../secret.png">'
    data = make_zip(
        manifest, good_files(), raw_names={"../evil.txt": b"x", "/abs.txt": b"y", "a\\..\\b.txt": b"z"}
    )
    errors = refused(data, county, county_unit)
    unsafe = "Unsafe file name: names must stay inside the package (no “..”, not absolute)."
    bad_ref = "Give a file name inside the package, like media/lesson.mp4 (no “..”, not absolute)."
    assert set(errors) == {
        ("../evil.txt", unsafe),
        ("/abs.txt", unsafe),
        ("a\\..\\b.txt", unsafe),
        ("courses[1].lessons[1].file", bad_ref),
        ("courses[1].lessons[3].file", bad_ref),
        ("courses[1].lessons[2].body", bad_ref),
    }


def test_duplicate_keys(county, county_unit):
    manifest = good_manifest()
    manifest["courses"][1]["key"] = "drowning-basics"
    manifest["themes"].append({"key": "fire", "name": "又一个"})
    manifest["stages"].append(copy.deepcopy(manifest["stages"][0]))
    errors = refused(make_zip(manifest, good_files()), county, county_unit)
    assert set(errors) == {
        ("courses[2].key", "The campaign already has a course with the key “drowning-basics”."),
        ("themes[3].key", "The package names the theme “fire” twice."),
        ("stages[2].number", "The package names stage 1 twice."),
    }


def test_unknown_references_and_wrong_types(county, county_unit):
    manifest = good_manifest()
    manifest["courses"][0]["theme"] = "earthquake"
    manifest["courses"][0]["stage"] = 7
    manifest["courses"][0]["grade_min"] = 9
    manifest["courses"][0]["grade_max"] = 3
    manifest["courses"][1]["lessons"] = []
    manifest["courses"][1]["quiz"] = {"questions": [{"kind": "essay", "text": "?", "answer": [0]}]}
    manifest["campaign"]["school_year"] = "next year"
    manifest["campaign"]["ends_on"] = "2020-01-01"
    errors = refused(make_zip(manifest, good_files()), county, county_unit)
    assert set(errors) == {
        ("campaign.school_year", "Expected a whole number."),
        ("campaign.starts_on", "The end date is before the start date."),
        ("courses[1].theme", "No theme “earthquake” in the package or the campaign."),
        ("courses[1].stage", "No stage 7 in the package or the campaign."),
        ("courses[1].grade_max", "The first grade is above the last one."),
        ("courses[2].lessons", "Expected a list with at least one item."),
        ("courses[2].quiz.questions[1].kind", "Choose single choice, multiple choice or true/false."),
    }


def test_a_failure_while_applying_removes_stored_files(county, county_unit, monkeypatch):
    def broken(*args, **kwargs):
        raise Invalid("database says no", field="text")

    monkeypatch.setattr(content, "add_question", broken)
    errors = refused(make_zip(good_manifest(), good_files()), county, county_unit)
    assert errors == [("courses[1].quiz.questions[1].text", "database says no")]


def test_only_managers_load_packages(county_unit, head_teacher, outsider, school_admin):
    data = make_zip(good_manifest(), good_files())
    for user in (head_teacher, outsider):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            load_package(data, actor=user, unit=county_unit)
        assert snapshot() == before
    ids = k1_content()
    with pytest.raises(PermissionDenied):  # a school cannot load into the county's campaign
        load_package(
            data, actor=school_admin, unit=county_unit, campaign=Campaign.objects.get(pk=ids["campaign_id"])
        )


def test_package_pages(client_for, county):
    c = client_for(county)
    url = reverse("training:package_new")
    assert c.get(url).status_code == 200
    bad = good_manifest()
    bad["courses"][0]["lessons"][0]["file"] = "media/nothing.mp4"
    before = snapshot()
    resp = c.post(url, {"file": SimpleUploadedFile("p.zip", make_zip(bad, good_files()))})
    page = resp.content.decode()
    assert resp.status_code == 200 and "The package was not loaded: 1 error." in page
    assert "courses[1].lessons[1].file" in page and "Nothing was changed." in page
    assert snapshot() == before
    resp = c.post(url, {"file": SimpleUploadedFile("p.zip", make_zip(good_manifest(), good_files()))})
    assert resp.status_code == 302
    campaign = Campaign.objects.get(title="2026年防溺水专题")
    assert resp["Location"] == reverse("training:campaign", args=[campaign.pk])
    into = reverse("training:package_into", args=[campaign.pk])
    assert c.get(into).status_code == 200
    resp = c.post(into, {"file": SimpleUploadedFile("p.zip", make_zip(good_manifest(), good_files()))})
    assert "The campaign already has a course with the key “drowning-basics”." in resp.content.decode()


def test_video_lengths_come_from_the_file_not_the_manifest(county, county_unit):
    manifest = good_manifest()
    manifest["courses"][0]["lessons"][0]["duration_s"] = 9999
    errors = refused(make_zip(manifest, good_files()), county, county_unit)
    assert errors == [("courses[1].lessons[1].duration_s", "Unknown key.")]
    assert len(tiny_video(12)) > 0


def test_command_line_checks_and_loads(tmp_path, county_unit, capsys):
    import json

    from django.core.management import call_command

    good = tmp_path / "good.zip"
    good.write_bytes(make_zip(good_manifest(), good_files()))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(make_zip("format: [", {}))
    before = snapshot()
    call_command("load_training_package", str(good), "--unit", county_unit.code, "--check")
    assert json.loads(capsys.readouterr().out)["ok"] is True
    with pytest.raises(SystemExit):
        call_command("load_training_package", str(bad), "--unit", county_unit.code)
    assert json.loads(capsys.readouterr().out)["errors"][0][0] == "manifest.yaml"
    assert snapshot() == before
    call_command("load_training_package", str(good), "--unit", county_unit.code)
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and Campaign.objects.get(pk=result["campaign"]).unit == county_unit
