"""Re-assigning a hazard (issue 14 §3): the assign form shows what is saved (the deadline, the
rectifier, the measures), so sending it again does not silently move the deadline to the
policy's default."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from safecampus.hazards.forms import default_deadline
from safecampus.hazards.models import Status


def _assign_form(body: str) -> dict[str, str]:
    """The assign form's values as the page pre-fills them."""
    form = body[body.index('id="act-assign"') :]
    form = form[: form.index("</form>")]
    values = {"action": "assign"}
    for name in ("deadline", "funds"):
        values[name] = re.search(rf'name="{name}"[^>]*value="([^"]*)"', form).group(1)
    chosen = re.search(r'<option value="(\d+)" selected>', form)
    values["rectifier"] = chosen.group(1) if chosen else ""
    values["measures"] = re.search(r'name="measures"[^>]*>([^<]*)</textarea>', form).group(1)
    return values


def test_reassign_form_keeps_the_saved_deadline(client_for, safety, rectifier, make_hazard):
    saved = timezone.localdate() + dt.timedelta(days=2)
    hazard = make_hazard(Status.ASSIGNED, deadline=saved)
    assert default_deadline(hazard.unit, hazard.grade) != saved  # else the test proves nothing
    c = client_for(safety)
    url = f"/hazards/{hazard.pk}/"
    values = _assign_form(c.get(url).content.decode())
    assert values["deadline"] == saved.isoformat()
    assert values["rectifier"] == str(rectifier.pk) and values["measures"] == "更换灭火器"
    assert c.post(url, values).status_code == 302  # re-assigned as it was
    hazard.refresh_from_db()
    assert hazard.deadline == saved and hazard.status == Status.ASSIGNED


def test_first_assignment_proposes_the_policy_deadline(client_for, safety, make_hazard):
    hazard = make_hazard(Status.CONFIRMED)
    values = _assign_form(client_for(safety).get(f"/hazards/{hazard.pk}/").content.decode())
    assert values["deadline"] == default_deadline(hazard.unit, hazard.grade).isoformat()
