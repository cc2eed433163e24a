"""`safecampus manage load_training_package FILE --unit CODE [--campaign ID] [--check]`.

Loads a content package (docs/training-packages.md) as the operator (the first active
superuser): a new campaign of the unit, or into an existing campaign. Prints one JSON object
(`ok`, `campaign`, `errors` as [path, message] pairs); exits 1 when the package is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.training.models import Campaign
from safecampus.training.packages import PackageError, check_package, load_package


class Command(BaseCommand):
    help = "Check and load a training content package (zip with manifest.yaml)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the package (.zip)")
        parser.add_argument("--unit", help="code of the unit that owns a new campaign")
        parser.add_argument("--campaign", type=int, help="id of an existing campaign to load into")
        parser.add_argument("--check", action="store_true", help="check the package only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        operator = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if operator is None:
            raise CommandError("no operator account: create one with `safecampus manage createsuperuser`")
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).select_related("unit").first()
            if campaign is None:
                raise CommandError(f"no campaign {options['campaign']}")
        unit = campaign.unit if campaign else Unit.objects.filter(code=options["unit"] or "").first()
        if unit is None:
            raise CommandError("give --unit CODE (a new campaign) or --campaign ID")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"cannot read {path}")
        with path.open("rb") as fh:
            if options["check"]:
                _archive, _plan, errors = check_package(fh, unit=unit, campaign=campaign)
                result = {"ok": not errors, "campaign": campaign.pk if campaign else None, "errors": errors}
            else:
                try:
                    loaded = load_package(fh, actor=operator, unit=unit, campaign=campaign)
                    result = {"ok": True, "campaign": loaded.pk, "errors": []}
                except PackageError as exc:
                    result = {
                        "ok": False,
                        "campaign": campaign.pk if campaign else None,
                        "errors": exc.errors,
                    }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            raise SystemExit(1)
