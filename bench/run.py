"""SafeCampus benchmarks (`make bench`): central scoping on a large org tree, and the audit chain.

Runs against a throw-away SQLite database in a temporary SAFECAMPUS_HOME (never your data):

(a) scoping: a tree of 1 province, 16 cities, 160 counties and 16,000 schools is bulk-created
    with treebeard materialized paths (not through services, to keep set-up fast). Then
    `Unit.objects.visible_to(user).count()` for a county safety officer (and a province admin)
    is timed against the unscoped `Unit.objects.filter(path__startswith=...).count()` that
    returns the same rows, in the same run, and the ratio is printed.
(b) audit: 20,000 events are appended through `safecampus.core.audit.record`, each inside its
    own transaction (as a service would) with the operator as actor, then `verify_chain()` is
    timed.

Usage: .venv/bin/python bench/run.py [--cities 16 --counties 10 --schools 100 --events 20000
       --repeat 200 --json results.json --keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cities", type=int, default=16, help="cities under the province (16)")
    p.add_argument("--counties", type=int, default=10, help="counties per city (10)")
    p.add_argument("--schools", type=int, default=100, help="schools per county (100)")
    p.add_argument("--events", type=int, default=20_000, help="audit events to append (20000)")
    p.add_argument("--repeat", type=int, default=200, help="timed repetitions per query (200)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    p.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    return p.parse_args(argv)


def setup_django(home: Path) -> None:
    """Point settings at a throw-away home and SQLite database before Django starts."""
    (home / "var").mkdir(parents=True, exist_ok=True)  # the job queue's SQLite file lives there
    os.environ["SAFECAMPUS_HOME"] = str(home)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{home / 'bench.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safecampus.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median and mean wall time in milliseconds over `repeat` calls (after 3 warm-up calls)."""
    result = None
    for _ in range(3):
        result = fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), statistics.fmean(samples), result


# --------------------------------------------------------------------------- (a) scoping


def build_tree(cities: int, counties: int, schools: int) -> dict[str, int]:
    """Bulk-create the tree with treebeard paths; codes sort like the paths (node_order_by=code)."""
    from django.db import transaction

    from safecampus.core.models import SchoolType, Unit, UnitKind

    path = Unit._get_path
    school_types = [SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.SENIOR, SchoolType.KINDERGARTEN]
    rows: list[Unit] = []
    province_path = path(None, 1, 1)
    rows.append(
        Unit(
            path=province_path,
            depth=1,
            numchild=cities,
            code="bench",
            name="基准省教育厅",
            kind=UnitKind.PROVINCE,
        )
    )
    for c in range(1, cities + 1):
        city_path = path(province_path, 2, c)
        city_code = f"bench-c{c:02d}"
        rows.append(
            Unit(
                path=city_path,
                depth=2,
                numchild=counties,
                code=city_code,
                name=f"基准{c}市教育局",
                kind=UnitKind.CITY,
            )
        )
        for k in range(1, counties + 1):
            county_path = path(city_path, 3, k)
            county_code = f"{city_code}-k{k:02d}"
            rows.append(
                Unit(
                    path=county_path,
                    depth=3,
                    numchild=schools,
                    code=county_code,
                    name=f"基准{c}市{k}区教育局",
                    kind=UnitKind.COUNTY,
                )
            )
            for s in range(1, schools + 1):
                rows.append(
                    Unit(
                        path=path(county_path, 4, s),
                        depth=4,
                        numchild=0,
                        code=f"{county_code}-s{s:04d}",
                        name=f"基准{c}市{k}区第{s}学校",
                        kind=UnitKind.SCHOOL,
                        school_type=school_types[s % len(school_types)],
                        address=f"{k}区学府路{s}号",
                    )
                )
    with transaction.atomic():
        Unit.objects.bulk_create(rows, batch_size=2000)
    counts = {kind: 0 for kind in ("province", "city", "county", "school")}
    for row in rows:
        counts[row.kind] += 1
    return counts


def bench_scoping(args: argparse.Namespace) -> dict:
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership, Unit
    from safecampus.core.roles import Role

    t0 = time.perf_counter()
    kinds = build_tree(args.cities, args.counties, args.schools)
    build_s = time.perf_counter() - t0
    total = sum(kinds.values())
    assert Unit.objects.count() == total, "bulk creation lost rows"

    county = Unit.objects.get(code=f"bench-c{(args.cities + 1) // 2:02d}-k{(args.counties + 1) // 2:02d}")
    province = Unit.objects.get(code="bench")
    cases = []
    for label, unit, role in [
        ("county safety officer", county, Role.SAFETY_OFFICER),
        ("province bureau admin", province, Role.BUREAU_ADMIN),
    ]:
        user = User.objects.create_user(f"bench_{unit.code}", None, name=label)  # unusable password
        Membership.objects.create(user=user, unit=unit, role=role)

        def scoped(user: User = user) -> int:
            # Drop the per-user membership cache: a request starts with a fresh user object,
            # so the membership lookup is part of what a real request pays.
            user.__dict__.pop("_sc_memberships", None)
            return Unit.objects.visible_to(user).count()

        def scoped_cached(user: User = user) -> int:
            return Unit.objects.visible_to(user).count()

        def baseline(unit: Unit = unit) -> int:
            return Unit.objects.filter(path__startswith=unit.path).count()

        base_med, base_mean, base_n = timed(baseline, args.repeat)
        scoped_med, scoped_mean, scoped_n = timed(scoped, args.repeat)
        cached_med, _cached_mean, cached_n = timed(scoped_cached, args.repeat)
        if not (base_n == scoped_n == cached_n):
            raise SystemExit(
                f"scoping mismatch for {label}: baseline {base_n}, visible_to {scoped_n}/{cached_n}"
            )
        cases.append(
            {
                "user": label,
                "unit": unit.code,
                "rows": base_n,
                "baseline_ms": round(base_med, 3),
                "visible_to_ms": round(scoped_med, 3),
                "visible_to_cached_ms": round(cached_med, 3),
                "ratio": round(scoped_med / base_med, 2) if base_med else None,
                "ratio_cached": round(cached_med / base_med, 2) if base_med else None,
                "baseline_mean_ms": round(base_mean, 3),
                "visible_to_mean_ms": round(scoped_mean, 3),
            }
        )
    return {"units": total, "kinds": kinds, "build_seconds": round(build_s, 2), "cases": cases}


# --------------------------------------------------------------------------- (b) audit chain


def bench_audit(args: argparse.Namespace) -> dict:
    from django.db import transaction

    from safecampus.accounts.models import User
    from safecampus.core import audit
    from safecampus.core.models import AuditEvent, Unit, UnitKind

    operator = User.objects.create_superuser("bench_operator", None, name="基准运维")
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("path")[:500])
    if not schools:
        schools = list(Unit.objects.all()[:1])
    before_count = AuditEvent.objects.count()

    t0 = time.perf_counter()
    for i in range(args.events):
        school = schools[i % len(schools)]
        with transaction.atomic():
            audit.record(
                operator,
                "bench.unit_updated",
                school,
                before={"contact_phone": f"0531-{i:07d}", "is_active": True},
                after={"contact_phone": f"0531-{i + 1:07d}", "is_active": True, "note": "基准测试"},
            )
    append_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = audit.verify_chain()
    verify_s = time.perf_counter() - t0
    expected = before_count + args.events
    if not result.ok or result.checked != expected:
        raise SystemExit(
            f"verify_chain failed: ok={result.ok} checked={result.checked} expected={expected} "
            f"bad={result.bad_event_id} {result.reason}"
        )
    return {
        "events": args.events,
        "append_seconds": round(append_s, 2),
        "append_events_per_second": round(args.events / append_s) if append_s else None,
        "verify_seconds": round(verify_s, 2),
        "verify_events_per_second": round(result.checked / verify_s) if verify_s else None,
    }


# --------------------------------------------------------------------------- report


def report(results: dict) -> None:
    sc, au = results["scoping"], results["audit"]
    k = sc["kinds"]
    print()
    print(
        f"SafeCampus benchmarks · {results['database']} · Python {results['python']} · {results['cpus']} CPUs"
    )
    print(
        f"(a) org tree: {sc['units']:,} units ({k['province']} province, {k['city']} cities, "
        f"{k['county']} counties, {k['school']:,} schools), bulk-built in {sc['build_seconds']} s; "
        f"median of {results['repeat']} count queries"
    )
    header = (
        f"  {'user':<24}{'rows':>7}{'baseline ms':>13}{'visible_to ms':>15}{'ratio':>7}"
        f"{'cached ms':>11}{'ratio':>7}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for c in sc["cases"]:
        print(
            f"  {c['user']:<24}{c['rows']:>7,}{c['baseline_ms']:>13.3f}{c['visible_to_ms']:>15.3f}"
            f"{c['ratio']:>7.2f}{c['visible_to_cached_ms']:>11.3f}{c['ratio_cached']:>7.2f}"
        )
    print("  baseline = Unit.objects.filter(path__startswith=<unit path>).count(), unscoped;")
    print("  visible_to = Unit.objects.visible_to(user).count() with the membership lookup a request pays;")
    print("  cached = the same with the user's memberships already loaded (later queries in one request).")
    print(f"(b) audit chain: {au['events']:,} events")
    print(f"  {'step':<46}{'seconds':>9}{'events/s':>11}")
    print(
        f"  {'append: audit.record(), one transaction each':<46}{au['append_seconds']:>9.2f}"
        f"{au['append_events_per_second']:>11,}"
    )
    print(
        f"  {'verify: audit.verify_chain()':<46}{au['verify_seconds']:>9.2f}"
        f"{au['verify_events_per_second']:>11,}"
    )
    print(f"total {results['total_seconds']} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="safecampus-bench-"))
    started = time.perf_counter()
    try:
        setup_django(home)
        from django.db import connection

        results = {
            "database": f"{connection.vendor} {connection.Database.sqlite_version}"
            if connection.vendor == "sqlite"
            else connection.vendor,
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "repeat": args.repeat,
            "scoping": bench_scoping(args),
            "audit": bench_audit(args),
        }
        results["total_seconds"] = round(time.perf_counter() - started, 1)
        report(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
            print(f"results written to {args.json}")
    finally:
        if args.keep:
            print(f"kept the benchmark database in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
