"""Pages and API routes addressed by query string answer "not found" when the query names another
tenant's unit, or an object that cannot belong there, instead of quietly showing the user's own
(found by the query tenancy walk, tests/test_tenancy_query_walk.py)."""

from __future__ import annotations

from safecampus.core.models import Unit

from .training import walk_samples as training


def test_hazard_report_form_for_another_school_is_not_found(client_for, principal, outsider, school):
    assert client_for(principal).get(f"/hazards/report/?unit={school.pk}").status_code == 200
    sibling = Unit.objects.get(code="demo-c1-k2-s1")
    assert client_for(principal).get(f"/hazards/report/?unit={sibling.pk}").status_code == 404
    assert client_for(principal).get("/hazards/report/?unit=demo-c1-k1-s1").status_code == 404  # not an id
    assert client_for(outsider).get(f"/hazards/report/?unit={school.pk}").status_code == 404
    page = client_for(outsider).get(f"/hazards/report/?unit={sibling.pk}")
    assert page.status_code == 200 and page.context["school"] == sibling


def test_new_person_form_for_another_unit_is_not_found(client_for, county, outsider, school):
    page = client_for(county).get(f"/people/new/?unit={school.pk}")
    assert page.status_code == 200 and page.context["form"].initial["unit"] == school.code
    assert client_for(outsider).get(f"/people/new/?unit={school.pk}").status_code == 404
    assert client_for(outsider).get("/people/new/?unit=x").status_code == 404
    assert client_for(outsider).get("/people/new/").status_code == 200


def test_risk_points_of_another_tenant_unit_are_not_found(api_client_for, county, outsider, school):
    assert api_client_for(county).get(f"/api/v1/risks/points?unit={school.pk}").status_code == 200
    answer = api_client_for(outsider).get(f"/api/v1/risks/points?unit={school.pk}")
    assert answer.status_code == 404  # was 200 with an empty list
    assert "东港区" not in answer.content.decode()


def test_statistics_course_without_a_campaign_is_not_found(client_for, outsider):
    course = training.course_id()  # a course of demo-c1-k1's campaign
    assert client_for(outsider).get("/training/stats/?unit=demo-c1-k2").status_code == 200
    assert client_for(outsider).get(f"/training/stats/?unit=demo-c1-k2&course={course}").status_code == 404
    assert client_for(outsider).get("/training/stats/?unit=demo-c1-k2&stage=1").status_code == 404
