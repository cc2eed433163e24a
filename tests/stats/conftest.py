"""The statistics tests reuse the training cast: a published campaign at the demo province with
a primary course (video + article + quiz), four pupils of 三年级1班 at demo-c1-k1-s1 headed by
demo_teacher, their parents, and a pupil of the neighbouring county."""

from ..training.conftest import (  # noqa: F401
    article,
    campaign,
    course,
    outsider_pupil,
    parent_of_pupil,
    pupil,
    pupils,
    video,
)
