"""Heartbeats carry their region key (`unit_path`), and progress keeps what pruning folds in.

Existing beats get the path their lesson's progress counts under, else the path of the
learner's oldest active membership.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_region_key(apps, schema_editor):
    Heartbeat = apps.get_model("training", "Heartbeat")
    LessonProgress = apps.get_model("training", "LessonProgress")
    Membership = apps.get_model("core", "Membership")
    progress = LessonProgress.objects.filter(
        learner_id=OuterRef("learner_id"), lesson_id=OuterRef("lesson_id")
    ).values("unit_path")[:1]
    membership = (
        Membership.objects.filter(user_id=OuterRef("learner_id"), is_active=True)
        .order_by("id")
        .values("unit__path")[:1]
    )
    Heartbeat.objects.filter(unit_path="").update(
        unit_path=Coalesce(Subquery(progress), Subquery(membership), Value(""))
    )


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0003_heartbeat_pending'),
        ("core", "0002_alter_membership_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='heartbeat',
            name='unit_path',
            field=models.CharField(blank=True, db_index=True, default='', max_length=255),
        ),
        migrations.AddField(
            model_name='learnerclock',
            name='pruned_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lessonprogress',
            name='pruned_furthest_s',
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name='lessonprogress',
            name='pruned_s',
            field=models.FloatField(default=0),
        ),
        migrations.RunPython(fill_region_key, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='heartbeat',
            index=models.Index(fields=['at'], name='heartbeat_at'),
        ),
    ]
