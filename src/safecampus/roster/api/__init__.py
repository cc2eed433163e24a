"""Roster API, mounted at `/api/v1/roster/`: grades, classes, students, staff, parents and the
spreadsheet import. Reads go through `roster.queries` (scoped, 404 alike for missing and not
yours); writes through `roster.services`, which check permission and write the audit trail."""

from ninja import Router

from . import classes, imports, people, students

router = Router(tags=["roster"])
router.add_router("", classes.router)
router.add_router("", students.router)
router.add_router("", people.router)
router.add_router("", imports.router)

__all__ = ["router"]
