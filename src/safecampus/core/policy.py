"""Policy as data: versioned regional policy with the seed values as defaults.

The shipped `policies/default.yaml` is the base. A unit may carry partial overrides
(`PolicyVersion` rows); `policy_for(unit)` merges base ← province ← city ← county ← school,
each level taking its newest version effective on the given date.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import Invalid
from .models import PolicyVersion, Unit
from .roles import Perm
from .scoping import require

DEFAULT_FILE = Path(__file__).resolve().parent / "policies" / "default.yaml"
META_KEYS = {"version", "effective_from"}


class Policy(dict):
    """A merged policy; nested values read as attributes: `policy.training.annual_hours`."""

    def __getattr__(self, name: str) -> Any:
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
        return Policy(value) if isinstance(value, dict) else value


@lru_cache(maxsize=1)
def _shipped_default() -> dict[str, Any]:
    with DEFAULT_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def default_values() -> dict[str, Any]:
    return {k: v for k, v in copy.deepcopy(_shipped_default()).items() if k not in META_KEYS}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def validate_override(override: Any, base: dict[str, Any] | None = None, where: str = "") -> None:
    """An override may only set keys the default knows, with values of the same shape."""
    base = default_values() if base is None else base
    if not isinstance(override, dict):
        raise Invalid(_("The policy must be a mapping of names to values."))
    for key, value in override.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in base:
            raise Invalid(_("Unknown policy value “%(path)s”.") % {"path": path})
        expected = base[key]
        if isinstance(expected, dict):
            validate_override(value, expected, path)
        elif isinstance(expected, bool) or not isinstance(expected, int | float | list | str):
            if type(value) is not type(expected):
                raise Invalid(_("Policy value “%(path)s” has the wrong type.") % {"path": path})
        elif isinstance(expected, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise Invalid(_("Policy value “%(path)s” must be a non-negative number.") % {"path": path})
        elif not isinstance(value, type(expected)):
            raise Invalid(_("Policy value “%(path)s” has the wrong type.") % {"path": path})


def _effective(unit: Unit | None, on: dt.date) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(unit=unit, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def versions_in_force(unit: Unit | None, on: dt.date | None = None) -> list[PolicyVersion]:
    """The versions merged at `unit` on `on`: the base (if stored), then the newest of each
    level from the root down."""
    on = on or timezone.localdate()
    base_row = _effective(None, on)
    out = [base_row] if base_row else []
    if unit is not None:
        chain = [*unit.ancestor_paths(), unit.path]
        rows = {
            p.unit.path: p
            for p in PolicyVersion.objects.filter(unit__path__in=chain, effective_from__lte=on)
            .select_related("unit")
            .order_by("unit__path", "effective_from", "id")
        }
        out += [rows[path] for path in chain if path in rows]  # root first; deeper levels win
    return out


def policy_for(unit: Unit | None, on: dt.date | None = None) -> Policy:
    """The policy in force at `unit` on `on` (today by default)."""
    versions = versions_in_force(unit, on)
    merged = default_values()
    if versions and versions[0].unit_id is None:  # the stored base; keys shipped since fill in
        merged = deep_merge(merged, versions[0].data)
    for row in versions:
        if row.unit_id is not None:
            merged = deep_merge(merged, row.data)
    return Policy(merged)


_CACHE: dict[tuple[int, dt.date], tuple[float, Policy]] = {}
CACHE_SECONDS = 60.0


def cached_policy_for(unit_id: int) -> Policy:
    """`policy_for` of a unit by id, kept in this process for a minute: for hot paths (heartbeats)
    that read a few numbers per request. Versions take effect by date, so a minute's lag is
    harmless; a policy loaded in this process clears the cache at once."""
    key = (unit_id, timezone.localdate())
    hit = _CACHE.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    policy = policy_for(Unit.objects.filter(pk=unit_id).first())
    if len(_CACHE) > 10_000:
        _CACHE.clear()
    _CACHE[key] = (now + CACHE_SECONDS, policy)
    return policy


@receiver(post_save, sender=PolicyVersion)
@receiver(post_delete, sender=PolicyVersion)
def forget_cached_policies(**kwargs: Any) -> None:
    _CACHE.clear()


def sync_default_policy() -> PolicyVersion:
    """Store the shipped default as a version (idempotent)."""
    data = _shipped_default()
    row = PolicyVersion.objects.filter(unit=None, version=str(data["version"])).first()
    if row:
        return row
    with transaction.atomic():
        row = PolicyVersion.objects.create(
            unit=None,
            version=str(data["version"]),
            effective_from=data["effective_from"],
            data=default_values(),
            source=DEFAULT_FILE.name,
        )
        audit.record(None, "policy.loaded", row, after={"version": row.version, "unit": None})
    return row


@transaction.atomic
def load_policy(
    unit: Unit,
    override: dict[str, Any],
    *,
    actor: Any,
    version: str,
    effective_from: dt.date,
    source: str = "",
) -> PolicyVersion:
    """Store a (partial) policy for a unit's subtree as a new version."""
    require(actor, Perm.MANAGE_POLICY, unit)
    version = str(version or "").strip()
    if not version or len(version) > 32:
        raise Invalid(_("A policy needs a version of at most 32 characters."))
    if PolicyVersion.objects.filter(unit=unit, version=version).exists():
        raise Invalid(_("Version %(version)s already exists for this unit.") % {"version": version})
    validate_override(override)
    row = PolicyVersion.objects.create(
        unit=unit, version=version, effective_from=effective_from, data=override, source=source[:255]
    )
    audit.record(
        actor,
        "policy.loaded",
        row,
        unit=unit,
        after={"version": version, "effective_from": effective_from, "values": override},
    )
    return row


def parse_policy_file(text: str) -> tuple[dict[str, Any], str | None, dt.date | None]:
    """Read a policy YAML document: (values, version, effective_from)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Invalid(_("The policy file is not valid YAML: %(error)s") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise Invalid(_("The policy must be a mapping of names to values."))
    version = data.get("version")
    eff = data.get("effective_from")
    if eff is not None and not isinstance(eff, dt.date):
        raise Invalid(_("effective_from must be a date (YYYY-MM-DD)."))
    values = {k: v for k, v in data.items() if k not in META_KEYS}
    return values, (str(version) if version is not None else None), eff
