"""The roll-up engine's tests reuse the training cast (pupils of 三年级1班 at demo-c1-k1-s1 and a
published campaign) and drive hazards through their services."""

from ..training.conftest import campaign, course, pupils, video  # noqa: F401
