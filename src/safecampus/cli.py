"""The `safecampus` command: serve, demo, audit verify, policy, rollups, manage."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecampus.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _ensure_var() -> None:
    from django.conf import settings

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    _ensure_var()
    _manage("migrate", "--noinput", "-v", "0")
    from safecampus.demo import load_demo
    from safecampus.demo.region import DEMO_PASSWORD, account_lines

    load_demo()
    print("Demo region loaded (idempotent). Accounts, password " + DEMO_PASSWORD + ":")
    print("\n".join(account_lines()))
    return 0


def _refuse_insecure(host: str) -> bool:
    """Refuse (True) in production mode while a development secret, DEBUG or a demo account with
    the published password is left; on loopback only warn (False)."""
    from safecampus.core.deploy import insecure_settings, production_reasons
    from safecampus.demo.region import published_password_accounts

    problems = insecure_settings(demo_accounts=published_password_accounts())
    if not problems:
        return False
    lines = "\n".join(f"  - {p}" for p in problems)
    reasons = production_reasons(host)
    if reasons:
        print(
            f"safecampus serve: refusing to start in production mode ({'; '.join(reasons)}) with"
            f" insecure settings:\n{lines}\nSee docs/deployment.md, section Production.",
            file=sys.stderr,
        )
        return True
    print(
        f"warning: insecure settings, fine on this loopback address only (refused in production):\n{lines}",
        file=sys.stderr,
    )
    return False


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    if _refuse_insecure(args.host):
        return 2
    _ensure_var()
    from django.conf import settings

    _manage("migrate", "--noinput", "-v", "0")
    if not settings.DEBUG:
        _manage("collectstatic", "--noinput", "-v", "0")
    from safecampus.accounts.models import User
    from safecampus.demo.region import DEMO_PASSWORD, account_lines

    if User.objects.filter(username__startswith="demo_").exists():
        print(f"Demo accounts (password {DEMO_PASSWORD}):")
        print("\n".join(account_lines()))
    return _run_servers(args)


def _run_servers(args: argparse.Namespace) -> int:
    """The job consumer and gunicorn side by side, stopped together."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "safecampus.settings"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "safecampus.cli", "manage", "run_huey"], env=env),
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "safecampus.wsgi:application",
                "--bind",
                f"{args.host}:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--timeout",
                "120",
            ],
            env=env,
        ),
    ]
    print(f"SafeCampus serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)

    def stop(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return (
        max((p.returncode or 0) for p in procs if p.returncode and p.returncode > 0)
        if any(p.returncode and p.returncode > 0 and p.returncode != -signal.SIGTERM for p in procs)
        else 0
    )


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from safecampus.core.audit import verify_chains

    results = verify_chains()
    for r in results:
        if r.ok:
            print(f"audit chain {r.label}: ok, {r.checked} events")
        else:
            print(
                f"audit chain {r.label}: BROKEN at event #{r.bad_event_id}: {r.reason}"
                f" ({r.checked} events read)",
                file=sys.stderr,
            )
    if all(r.ok for r in results):
        total = sum(r.checked for r in results)
        print(f"audit chains ok: {total} events verified in {len(results)} chains")
        return 0
    return 1


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    _setup()
    from safecampus.core.key_rotation import rotate_all

    counts = rotate_all(size=args.batch_size)
    for count in counts:
        print(count.line())
    rotated = sum(c.rotated for c in counts)
    unreadable = sum(c.unreadable for c in counts)
    print(f"re-encrypted {rotated} values with the first key of FIELD_ENCRYPTION_KEY")
    if unreadable:
        print(f"error: {unreadable} values cannot be decrypted with any listed key", file=sys.stderr)
        return 1
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    _setup()
    from safecampus.core.errors import DomainError
    from safecampus.core.models import Unit
    from safecampus.core.policy import load_policy, parse_policy_file, policy_for, sync_default_policy

    unit = None
    if args.unit:
        unit = Unit.objects.filter(code=args.unit).first()
        if unit is None:
            print(f"error: no unit with code {args.unit!r}", file=sys.stderr)
            return 2
    if args.action == "show":
        print(json.dumps(policy_for(unit), ensure_ascii=False, indent=2, default=str))
        return 0
    if unit is None or not args.file:
        print("error: policy load needs --unit CODE and FILE", file=sys.stderr)
        return 2
    from safecampus.accounts.models import User

    sync_default_policy()
    operator = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        values, version, effective = parse_policy_file(text)
        if not version or not effective:
            print("error: the file needs version and effective_from", file=sys.stderr)
            return 1
        row = load_policy(
            unit,
            values,
            actor=operator,
            version=version,
            effective_from=effective,
            source=Path(args.file).name,
        )
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"policy {row.version} for {unit.code} effective {row.effective_from}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    _setup()
    from safecampus.roster.cli import run_import

    result, code = run_import(args.school, Path(args.file), kind=args.kind, dry_run=args.dry_run)
    print(json.dumps(result, ensure_ascii=False))
    return code


def cmd_bench_data(args: argparse.Namespace) -> int:
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    _setup()
    _ensure_var()
    options = ["--schools", str(args.schools), "--students-per-school", str(args.students_per_school),
               "--share", str(args.share), "--accounts-per-school", str(args.accounts_per_school),
               "--seed", str(args.seed), "--hazards-per-school", str(args.hazards_per_school),
               "--risk-points-per-school", str(args.risk_points_per_school),
               "--letters-per-county", str(args.letters_per_county)]  # fmt: skip
    _manage("bench_data", *options, *(["--json"] if args.json else []))
    return 0


def cmd_rollups(args: argparse.Namespace) -> int:
    _setup()
    from safecampus.core.rollups.commands import run

    return run(args.action, args.names, unit=args.unit)


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safecampus manage", *args.rest])
    return 0


def cmd_webhook_receiver(args: argparse.Namespace) -> int:
    from safecampus.webhooks.receiver import serve

    serve(args.port, args.secret)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safecampus", description="SafeCampus school safety platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then run the job worker and the web server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("demo", help="load the demo region (idempotent)").set_defaults(func=cmd_demo)
    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="verify every hash chain (one per province)")
    verify.set_defaults(func=cmd_audit_verify)
    rotate = sub.add_parser(
        "rotate-keys", help="re-encrypt personal data with the first key of FIELD_ENCRYPTION_KEY"
    )
    rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
    rotate.set_defaults(func=cmd_rotate_keys)
    policy = sub.add_parser("policy", help="show or load regional policy")
    policy.add_argument("action", choices=["show", "load"])
    policy.add_argument("file", nargs="?")
    policy.add_argument("--unit", help="unit code")
    policy.set_defaults(func=cmd_policy)
    roster = sub.add_parser("roster", help="roster tools")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    imp = roster_sub.add_parser("import", help="import students with parents, or staff, into a school")
    imp.add_argument("--school", required=True, help="school code")
    imp.add_argument("file", help=".xlsx or .csv file")
    imp.add_argument("--kind", choices=["students", "staff"], default="students")
    imp.add_argument("--dry-run", action="store_true", help="check the file only; write nothing")
    imp.set_defaults(func=cmd_roster_import)
    bench = sub.add_parser(
        "bench-data",
        help="generate a synthetic province for benchmarks (--schools N --students-per-school M)",
    )
    bench.add_argument("--database-url", help="database to fill (default: DATABASE_URL)")
    bench.add_argument("--schools", type=int, default=100, help="number of schools (100)")
    bench.add_argument("--students-per-school", type=int, default=1000, help="students per school (1000)")
    bench.add_argument("--share", type=float, default=0.7, help="share of students who learnt (0.7)")
    bench.add_argument("--accounts-per-school", type=int, default=5, help="sign-in students per school (5)")
    bench.add_argument("--seed", type=int, default=2026)
    bench.add_argument("--hazards-per-school", type=int, default=0,
                       help="also hazards, risk points and letters (0: none; 6 is realistic)")  # fmt: skip
    bench.add_argument("--risk-points-per-school", type=int, default=12, help="with --hazards-per-school")
    bench.add_argument("--letters-per-county", type=int, default=10, help="with --hazards-per-school")
    bench.add_argument("--json", action="store_true", help="print the summary as JSON")
    bench.set_defaults(func=cmd_bench_data)
    rollups = sub.add_parser("rollups", help="statistics roll-ups: list, reconcile, rebuild")
    rollups.add_argument("action", choices=["list", "reconcile", "rebuild"])
    rollups.add_argument("names", nargs="*", help="roll-ups (default: every one)")
    rollups.add_argument("--unit", help="rebuild only this unit's subtree (unit code)")
    rollups.set_defaults(func=cmd_rollups)
    receiver = sub.add_parser("webhook-receiver", help="a local receiver that verifies and prints webhooks")
    receiver.add_argument("--port", type=int, default=8765)
    receiver.add_argument("--secret", required=True, help="the endpoint's whsec_… secret")
    receiver.set_defaults(func=cmd_webhook_receiver)
    manage = sub.add_parser("manage", help="any Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
