"""One audit chain per province (top-level unit) instead of one global chain.

Existing events get their `unit_path` (from the event's unit, else from its target where the
target has a unit) and the chain of that path's province ("platform" when there is none). The
old global chain is verified first — a broken chain stops the migration, naming the event, so
tampering from before the split is never sealed over — and then every chain is re-sealed in
id order with the new hashed fields. Reversible: going back re-seals one global chain.
"""

import datetime as dt
import hashlib
import json

import django.db.models.deletion
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

GENESIS = "0" * 64
PLATFORM = "platform"
STEPLEN = 4  # treebeard's materialized-path step (core.Unit.steplen)
BATCH = 2000
OLD_FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "unit_id",
    "verb",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "request_id",
    "address",
)
NEW_FIELDS = OLD_FIELDS + ("unit_path", "chain")


def _hash(prev: str, event, names) -> str:
    fields = {name: getattr(event, name) for name in names}
    fields["created_at"] = event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = json.dumps(fields, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{prev}|{payload}".encode()).hexdigest()


def _batches(Event):
    """Every event in id order, a page at a time (no open cursor while rows are rewritten)."""
    last = 0
    while True:
        page = list(Event.objects.filter(pk__gt=last).order_by("id")[:BATCH])
        if not page:
            return
        yield page
        last = page[-1].pk


def _verify(Event, chain_of, names, heads: dict) -> None:
    """Raise naming the first bad event; `heads` maps chain -> (count, last_hash)."""
    state: dict = {}
    for page in _batches(Event):
        for event in page:
            count, prev = state.get(chain_of(event), (0, GENESIS))
            if event.prev_hash != prev or _hash(prev, event, names) != event.hash:
                raise RuntimeError(
                    f"audit chain broken at event #{event.pk}: run `safecampus audit verify` on the "
                    "previous release and investigate before migrating (the chain is not re-sealed)"
                )
            state[chain_of(event)] = (count + 1, event.hash)
    for key in set(state) | {k for k, (count, _) in heads.items() if count}:
        if heads.get(key) != state.get(key):
            raise RuntimeError(f"audit chain {key!r}: events after the last good one were removed")


def _reseal(Event, assign, names) -> dict:
    """Re-chain every event in id order; `assign(event)` sets its chain fields. Returns the heads."""
    heads: dict = {}
    for page in _batches(Event):
        for event in page:
            key = assign(event)
            last_id, prev, count = heads.get(key, (0, GENESIS, 0))
            event.prev_hash = prev
            event.hash = _hash(prev, event, names)
            heads[key] = (event.pk, event.hash, count + 1)
        Event.objects.bulk_update(page, ["unit_path", "chain", "prev_hash", "hash"])
    return heads


def _path_finder(apps):
    Unit = apps.get_model("core", "Unit")
    unit_paths = dict(Unit.objects.values_list("id", "path"))
    models_by_type: dict = {}

    def target_model(label: str):
        if label not in models_by_type:
            try:
                model = apps.get_model(*label.split(".", 1)) if "." in label else None
            except LookupError:
                model = None
            names = {f.name for f in model._meta.get_fields()} if model is not None else set()
            models_by_type[label] = (model, names)
        return models_by_type[label]

    def path_of(event) -> str:
        if event.unit_id in unit_paths:
            return unit_paths[event.unit_id]
        if not event.target_id.isdigit():
            return ""
        if event.target_type == "core.unit":
            return unit_paths.get(int(event.target_id), "")
        model, names = target_model(event.target_type)
        if "unit_path" in names:
            row = model.objects.filter(pk=event.target_id).values_list("unit_path", flat=True).first()
        elif "unit" in names:
            row = model.objects.filter(pk=event.target_id).values_list("unit__path", flat=True).first()
        else:
            row = None
        return row or ""

    return path_of


def split_chain(apps, schema_editor):
    Event = apps.get_model("core", "AuditEvent")
    OldHead = apps.get_model("core", "AuditChainHead")
    Chain = apps.get_model("core", "AuditChain")
    Unit = apps.get_model("core", "Unit")
    old = OldHead.objects.filter(pk=1).first()
    _verify(Event, lambda e: "all", OLD_FIELDS, {"all": (old.count, old.last_hash)} if old else {})
    path_of = _path_finder(apps)

    def assign(event) -> str:
        event.unit_path = path_of(event)
        event.chain = event.unit_path[:STEPLEN] if event.unit_path else PLATFORM
        return event.chain

    for key, (last_id, last_hash, count) in _reseal(Event, assign, NEW_FIELDS).items():
        unit = Unit.objects.filter(path=key).first() if key != PLATFORM else None
        Chain.objects.create(key=key, unit=unit, last_event_id=last_id, last_hash=last_hash, count=count)


def join_chains(apps, schema_editor):
    Event = apps.get_model("core", "AuditEvent")
    OldHead = apps.get_model("core", "AuditChainHead")
    Chain = apps.get_model("core", "AuditChain")
    heads = {c.key: (c.count, c.last_hash) for c in Chain.objects.all()}
    _verify(Event, lambda e: e.chain, NEW_FIELDS, heads)
    resealed = _reseal(Event, lambda e: "all", OLD_FIELDS).get("all")
    if resealed:
        last_id, last_hash, count = resealed
        OldHead.objects.create(pk=1, last_event_id=last_id, last_hash=last_hash, count=count)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_alter_membership_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("key", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("last_event_id", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default=GENESIS, max_length=64)),
                ("count", models.BigIntegerField(default=0)),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.unit",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="platform", max_length=32),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="unit_path",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.RunPython(split_chain, join_chains),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["chain", "id"], name="core_audit_chain_id"),
        ),
    ]
