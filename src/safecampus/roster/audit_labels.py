"""How the roster's events read on the timelines: imports, classes, students, transfers, the
school year's promotion and shown personal data (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import (
    Choice,
    Factors,
    Field,
    Obj,
    Person,
    Verb,
    register_fields,
    register_verbs,
)

from .models import Gender, ImportKind, StudentStatus, TransferStatus

register_verbs(
    {
        "auth.parent_password_reset": Verb(_("Parent reset their password"), "key", feed=False),
        "auth.reset_code_issued": Verb(_("Password reset code issued to a parent"), "key"),
        "privacy.revealed": Verb(_("Personal data shown"), "eye"),
        "roster.slips_downloaded": Verb(_("Login slips downloaded"), "printer"),
        "roster.import_checked": Verb(_("Roster file checked"), "clipboard-check"),
        "roster.import_started": Verb(_("Roster import started"), "hourglass-split"),
        "roster.import_rejected": Verb(_("Roster import refused"), "x-octagon"),
        "roster.import_failed": Verb(_("Roster import failed"), "x-octagon"),
        "roster.students_imported": Verb(_("Students imported"), "people"),
        "roster.staff_imported": Verb(_("Staff imported"), "person-badge"),
        "roster.credentials_downloaded": Verb(_("Initial passwords downloaded"), "key"),
        "roster.error_report_downloaded": Verb(_("Error report downloaded"), "download"),
        "roster.promoted": Verb(_("School year promoted"), "arrow-up-circle"),
        "roster.student_status_changed": Verb(_("Student status changed"), "person-gear"),
        "roster.student_transferred": Verb(_("Student transferred"), "arrow-left-right"),
        "roster.transfer_requested": Verb(_("Transfer requested"), "send"),
        "roster.transfer_class_chosen": Verb(_("Class chosen for the transfer"), "easel"),
        "roster.transfer_accepted": Verb(_("Transfer accepted"), "check-circle"),
        "roster.transfer_rejected": Verb(_("Transfer rejected"), "x-circle"),
        "roster.transfer_cancelled": Verb(_("Transfer cancelled"), "slash-circle"),
        "roster.class_teacher_removed": Verb(_("Teacher removed from the class"), "person-dash"),
        "grade.created": Verb(_("Grade created"), "plus-circle"),
        "grade.updated": Verb(_("Grade renamed"), "pencil"),
        "class.created": Verb(_("Class created"), "plus-circle"),
        "class.updated": Verb(_("Class changed"), "pencil"),
        "staff.created": Verb(_("Staff member added"), "person-plus"),
        "staff.updated": Verb(_("Staff member changed"), "pencil"),
        "student.created": Verb(_("Student enrolled"), "person-plus"),
        "student.updated": Verb(_("Student record changed"), "pencil"),
        "guardian.updated": Verb(_("Parent's relation changed"), "people"),
    }
)

PRIVATE_FIELDS = {"id_card": _("ID-card number"), "phone": _("Mobile number")}


class PrivateField(Choice):
    """Which masked field was shown: the ID card, a phone, or a parent's phone."""

    def __init__(self) -> None:
        super().__init__(PRIVATE_FIELDS.items())

    def __call__(self, value, names, event):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and value.startswith("guardian_phone:"):
            return str(_("Parent's mobile number"))
        return super().__call__(value, names, event)


register_fields(
    "*",
    {
        "student": Field(_("Student"), Obj("roster.student")),
        "class": _("Class"),
        "school": _("School"),
        "school_year": _("School year"),
        "grade": _("Grade"),
        "post": _("Post"),
        "head_teacher": Field(_("Head teacher"), Person()),
        "gender": Field(_("Gender"), Choice(Gender)),
        "student_no": _("Student number"),
        "id_card": _("ID-card number"),
        "id_card_changed": _("ID-card number changed"),
        "birth_date": _("Birth date"),
        "boarding": _("Boarding"),
        "relation": _("Relation"),
        "parent": Field(_("Parent"), Person()),
        "guardian": Field(
            _("Parent"),
            Factors({"name": _("Name"), "phone": _("Mobile number"), "relation": _("Relation")}),
        ),
        "accounts": _("Accounts"),
        "rows": _("Rows"),
        "errors": _("Errors"),
        "format": _("Format"),
        "new_classes": _("New classes"),
        "new_grades": _("New grades"),
    },
)
register_fields("privacy.revealed", {"field": Field(_("Field"), PrivateField())})
register_fields(
    ["roster.import_checked", "roster.import_started"],
    {"kind": Field(_("The file contains"), Choice(ImportKind))},
)
register_fields("roster.student", {"status": Field(_("Status"), Choice(StudentStatus))})
register_fields(
    "roster.transferrequest",
    {
        "status": Field(_("Status"), Choice(TransferStatus)),
        "from_school": _("Sending school"),
        "to_school": _("Receiving school"),
        "target_class": _("Class at the receiving school"),
        "decision_note": _("Note on the decision"),
    },
)
register_fields(
    "roster.promoted",
    {
        "classes": _("Classes"),
        "promoted": _("Moved up a grade"),
        "graduated": _("Graduated"),
        "staying": _("Suspended (stay)"),
    },
)
register_fields("roster.grade", {"level": _("Grade level")})
