"""The learner's pages, mounted at /training/ in the `training` namespace."""

from django.urls import path

from . import beat_views, certificate_views, learn_views, quiz_views

urlpatterns = [
    path("", learn_views.home, name="home"),
    path("children/", learn_views.children, name="children"),
    path("lessons/<int:lesson_id>/", learn_views.lesson, name="lesson"),
    path("beats", beat_views.beats, name="beat"),
    path("quizzes/<int:quiz_id>/", quiz_views.quiz, name="quiz"),
    path("quizzes/<int:quiz_id>/start", quiz_views.quiz_start, name="quiz_start"),
    path("quizzes/<int:quiz_id>/submit", quiz_views.quiz_submit, name="quiz_submit"),
    path("quizzes/attempts/<int:attempt_id>/", quiz_views.quiz_result, name="quiz_result"),
    path("certificates/", certificate_views.certificate_list, name="certificates"),
    path("certificates/issue", certificate_views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:certificate_id>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
]

# TEMP-DEV: a trivial media view for dev screenshots only (removed before finishing).
import re as _re  # noqa: E402

from django.http import FileResponse, HttpResponse  # noqa: E402
from django.views.decorators.clickjacking import xframe_options_sameorigin  # noqa: E402


@xframe_options_sameorigin
def _dev_media(request, lesson_id, which):
    from .queries import lesson_for

    lesson = lesson_for(request.user, lesson_id).lesson
    f = lesson.media if which == "file" else lesson.poster
    ctype = lesson.media_type if which == "file" else "image/jpeg"
    m = _re.match(r"bytes=(\d+)-(\d*)", request.headers.get("Range", ""))
    if not m:
        resp = FileResponse(f.open("rb"), content_type=ctype)
        resp["Accept-Ranges"] = "bytes"
        return resp
    data = f.open("rb").read()
    start = int(m[1])
    end = int(m[2]) if m[2] else len(data) - 1
    resp = HttpResponse(data[start : end + 1], status=206, content_type=ctype)
    resp["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    resp["Accept-Ranges"] = "bytes"
    return resp


urlpatterns.append(path("dev-media/<int:lesson_id>/<str:which>", _dev_media, name="media_dev"))
