"""Student numbers are personal data (a national student number is often "G" + the ID-card
number): kept encrypted with a keyed hash for exact lookup, like the ID card. Existing numbers
are encrypted in place; the plain column goes."""

from django.db import migrations, models

CHUNK = 2000


def encrypt_student_numbers(apps, schema_editor):
    from safecampus.core import crypto
    from safecampus.core.validators import normalise

    Student = apps.get_model("roster", "Student")
    rows = []
    for s in Student.objects.exclude(student_no="").only("pk", "student_no").order_by("pk").iterator(CHUNK):
        value = normalise(s.student_no).upper()
        s.student_no_enc, s.student_no_hash = crypto.encrypt(value), crypto.lookup_hash(value)
        rows.append(s)
        if len(rows) == CHUNK:
            Student.objects.bulk_update(rows, ["student_no_enc", "student_no_hash"])
            rows = []
    Student.objects.bulk_update(rows, ["student_no_enc", "student_no_hash"])


def decrypt_student_numbers(apps, schema_editor):
    from safecampus.core import crypto

    Student = apps.get_model("roster", "Student")
    rows = []
    for s in (
        Student.objects.exclude(student_no_enc="").only("pk", "student_no_enc").order_by("pk").iterator(CHUNK)
    ):
        s.student_no = crypto.decrypt(s.student_no_enc)
        rows.append(s)
        if len(rows) == CHUNK:
            Student.objects.bulk_update(rows, ["student_no"])
            rows = []
    Student.objects.bulk_update(rows, ["student_no"])


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0002_school_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="student_no_enc",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="student",
            name="student_no_hash",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_student_numbers, decrypt_student_numbers, elidable=False),
        migrations.RemoveConstraint(model_name="student", name="uniq_student_no"),
        migrations.RemoveField(model_name="student", name="student_no"),
        migrations.AddConstraint(
            model_name="student",
            constraint=models.UniqueConstraint(
                condition=models.Q(("student_no_hash", ""), _negated=True),
                fields=("student_no_hash",),
                name="uniq_student_no_hash",
            ),
        ),
    ]
