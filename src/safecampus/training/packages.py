"""Content packages: a zip with `manifest.yaml` and media, loaded all or nothing.

`load_package` first checks the WHOLE package and collects every error as (path, message):
the zip itself (safe names only, no `..` or absolute paths, size limits against zip bombs),
the manifest (`package_manifest`), and every file it names, by content (`media`). Only a
package without errors is applied, in one transaction, through the content services; files
stored on the way are deleted again if anything fails (`filestore`).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safecampus.core import audit
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.files import checks as media
from safecampus.core.files.store import files_kept_on_success
from safecampus.core.models import Unit
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from . import content, images
from .models import Campaign
from .package_manifest import FileRef, Plan, check_manifest, package_path, rewrite_images

MANIFEST = "manifest.yaml"
MAX_ENTRIES = 5000
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
MAX_RATIO = 200  # a larger file that shrank more than this is taken for a zip bomb
MB = 1024 * 1024


class PackageError(Invalid):
    """The package was refused; `errors` lists every problem as (path, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        n = len(errors)
        super().__init__(
            ngettext(
                "The package was not loaded: %(n)s error.", "The package was not loaded: %(n)s errors.", n
            )
            % {"n": n}
        )
        self.errors = errors


@dataclass
class Limits:
    package_mb: int
    video_mb: int
    document_mb: int
    image_mb: int = images.MAX_IMAGE_MB

    def for_kind(self, kind: str) -> int:
        return {"video": self.video_mb, "document": self.document_mb}.get(kind, self.image_mb)


class Archive:
    """The zip's files by safe name (relative to the folder holding the manifest)."""

    def __init__(self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> None:
        self.zf = zf
        self.entries = entries

    def read(self, name: str, limit_bytes: int) -> bytes:
        with self.zf.open(self.entries[name]) as fh:
            return fh.read(limit_bytes + 1)


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The name as written: UTF-8 when flagged, else the bytes read as UTF-8 or GBK (Windows in
    China writes GBK names without saying so)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def open_archive(data: bytes | IO[bytes], limits: Limits, errors: list[tuple[str, str]]) -> Archive | None:
    """Open the zip and check its entries; errors are appended, None when it cannot be used."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        errors.append(("", _("This file is not a zip archive.")))
        return None
    if len(infos) > MAX_ENTRIES:
        errors.append(("", _("The package has more than %(n)s files.") % {"n": MAX_ENTRIES}))
        return None
    names: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        written = _entry_name(info)
        if info.is_dir():
            if package_path(written.rstrip("/")) is None:
                errors.append(
                    (
                        written,
                        _("Unsafe file name: names must stay inside the package (no “..”, not absolute)."),
                    )
                )
            continue
        name = package_path(written)
        if name is None:
            errors.append(
                (written, _("Unsafe file name: names must stay inside the package (no “..”, not absolute)."))
            )
            continue
        if name in names:
            errors.append((written, _("The package has this file twice.")))
            continue
        if info.flag_bits & 0x1:
            errors.append((name, _("Encrypted files cannot be read; pack the files without a password.")))
            continue
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            errors.append((name, _("This file unpacks to far more than its packed size (a zip bomb?).")))
            continue
        total += info.file_size
        names[name] = info
    if total > limits.package_mb * MB:
        errors.append(
            ("", _("Unpacked, the package is larger than %(mb)s MB (the limit).") % {"mb": limits.package_mb})
        )
        return None
    root = _root(names)
    if root is None:
        errors.append((MANIFEST, _("The package has no manifest.yaml at its top.")))
        return None
    entries = {n[len(root) :]: info for n, info in names.items() if n.startswith(root)}
    return Archive(zf, entries)


def _root(names: dict[str, Any]) -> str | None:
    """ "" when manifest.yaml is at the top; "folder/" when the zip holds one folder with it."""
    if MANIFEST in names:
        return ""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1:
        top = next(iter(tops))
        if f"{top}/{MANIFEST}" in names:
            return f"{top}/"
    return None


def _read_manifest(archive: Archive, errors: list[tuple[str, str]]) -> str | None:
    info = archive.entries[MANIFEST]
    if info.file_size > MAX_MANIFEST_BYTES:
        errors.append((MANIFEST, _("The manifest is larger than 2 MB.")))
        return None
    try:
        raw = archive.read(MANIFEST, MAX_MANIFEST_BYTES)
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append((MANIFEST, _("The manifest is not UTF-8 text.")))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        errors.append((MANIFEST, _("The manifest cannot be unpacked: the zip is damaged.")))
    return None


def _read_file(archive: Archive, ref: FileRef, limits: Limits) -> bytes:
    """A named file's bytes, at most its kind's limit (a larger one is refused by the check)."""
    limit_mb = limits.for_kind(ref.kind)
    if archive.entries[ref.name].file_size > limit_mb * MB:
        raise Invalid(_("The file is larger than %(mb)s MB.") % {"mb": limit_mb}, field="media")
    try:
        return archive.read(ref.name, limit_mb * MB)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        raise Invalid(_("The file cannot be unpacked: the zip is damaged."), field="media") from None


def _check_file(archive: Archive, ref: FileRef, limits: Limits) -> None:
    data = _read_file(archive, ref, limits)
    if ref.kind == "video":
        media.check_video(data, limit_mb=limits.video_mb)
    elif ref.kind == "document":
        media.check_document(data, limit_mb=limits.document_mb)
    else:
        media.reencode_image(data, max_side=images.MAX_SIDE, limit_mb=limits.image_mb)


def check_package(
    data: bytes | IO[bytes], *, unit: Unit, campaign: Campaign | None = None
) -> tuple[Archive | None, Plan | None, list[tuple[str, str]]]:
    """Check everything, write nothing: (archive, plan, errors)."""
    pol = policy_for(campaign.unit if campaign else unit).training
    limits = Limits(pol["max_package_mb"], pol["max_video_mb"], pol["max_document_mb"])
    errors: list[tuple[str, str]] = []
    archive = open_archive(data, limits, errors)
    if archive is None:
        return None, None, errors
    text = _read_manifest(archive, errors)
    if text is None:
        return archive, None, errors
    plan, manifest_errors = check_manifest(text, campaign=campaign, files=set(archive.entries))
    errors += manifest_errors
    checked: dict[tuple[str, str], str | None] = {}
    for ref in plan.files():
        key = (ref.name, ref.kind)
        if key not in checked:
            try:
                _check_file(archive, ref, limits)
                checked[key] = None
            except Invalid as exc:
                checked[key] = str(exc.message)
        if checked[key]:
            errors.append((ref.path, f"{ref.name}: {checked[key]}"))
    return archive, plan, errors


def load_package(
    zip_bytes: bytes | IO[bytes], *, actor: Any, unit: Unit, campaign: Campaign | None = None
) -> Campaign:
    """Load a package as a new campaign of `unit`, or into `campaign`. Raises `PackageError`
    (every error) and changes nothing when anything is wrong."""
    require(actor, Perm.MANAGE_TRAINING, campaign.unit if campaign else unit)
    archive, plan, errors = check_package(zip_bytes, unit=unit, campaign=campaign)
    if errors or archive is None or plan is None:
        raise PackageError(errors)
    with files_kept_on_success(), transaction.atomic():
        return _apply(archive, plan, actor=actor, unit=unit, campaign=campaign, digest=_digest(zip_bytes))


def _digest(data: bytes | IO[bytes]) -> str:
    sha = hashlib.sha256()
    if isinstance(data, bytes):
        sha.update(data)
    else:
        data.seek(0)
        for chunk in iter(lambda: data.read(MB), b""):
            sha.update(chunk)
    return sha.hexdigest()


class _Step:
    """Runs the services of one manifest item; a domain error becomes a package error there."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        if isinstance(exc, DomainError) and not isinstance(exc, PackageError):
            field = f".{exc.field}" if exc.field and exc.field not in ("media", "image") else ""
            raise PackageError([(self.path + field, str(exc.message))]) from exc
        return False


def _apply(
    archive: Archive, plan: Plan, *, actor: Any, unit: Unit, campaign: Campaign | None, digest: str
) -> Campaign:
    pol = policy_for(campaign.unit if campaign else unit).training
    limits = Limits(pol["max_package_mb"], pol["max_video_mb"], pol["max_document_mb"])
    if campaign is None:
        with _Step("campaign"):
            campaign = content.create_campaign(unit, actor=actor, **plan.campaign)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for path, values in plan.themes:
        with _Step(path):
            content.save_theme(campaign, actor=actor, **values)
    for path, values in plan.stages:
        with _Step(path):
            content.save_stage(campaign, actor=actor, **values)
    lessons = questions = 0
    for position, course_plan in enumerate(plan.courses):
        with _Step(course_plan.path):
            values = {"order": position, **course_plan.values}
            course = content.create_course(campaign, campaign.unit, actor=actor, **values)
        for order, lesson in enumerate(course_plan.lessons):
            with _Step(lesson.path):
                values = dict(lesson.values)
                if lesson.file is not None:
                    values["media"] = _read_file(archive, lesson.file, limits)
                if lesson.poster is not None:
                    values["poster"] = _read_file(archive, lesson.poster, limits)
                if lesson.images:
                    urls = {}
                    for ref in lesson.images:
                        data = _read_file(archive, ref, limits)
                        stored = images.add_lesson_image(course, actor=actor, upload=data)
                        urls[ref.name] = images.image_url(stored)
                    values["body_html"] = rewrite_images(values["body_html"], urls)
                content.create_lesson(course, actor=actor, kind=lesson.kind, order=order, **values)
                lessons += 1
        if course_plan.quiz is not None:
            with _Step(f"{course_plan.path}.quiz"):
                content.save_quiz(course, actor=actor, **course_plan.quiz)
            for path, question in course_plan.questions:
                with _Step(path):
                    content.add_question(course, actor=actor, **question)
                    questions += 1
    audit.record(
        actor,
        "training.package_loaded",
        campaign,
        unit=campaign.unit,
        after={
            "sha256": digest,
            "themes": len(plan.themes),
            "stages": len(plan.stages),
            "courses": len(plan.courses),
            "lessons": lessons,
            "questions": questions,
        },
    )
    return campaign
