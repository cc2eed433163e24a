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
