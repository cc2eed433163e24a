"""(c) of bench/stats.py, run in a fresh process so its peak memory is the export's own: stream
the "people" export of the smallest unit with at least N students through
`safecampus.training_stats.exports` into a file, then count the rows back with openpyxl.

Environment: DATABASE_URL, SAFECAMPUS_HOME and DJANGO_SETTINGS_MODULE as bench/stats.py sets them.
Prints one JSON object.
"""

from __future__ import annotations

import itertools
import json
import resource
import sys
import tempfile
import time


def main(rows_wanted: int) -> dict:
    import django

    django.setup()
    from django.db.models import Count
    from openpyxl import load_workbook

    from safecampus.core.models import Unit
    from safecampus.roster.models import Student
    from safecampus.training.models import Campaign
    from safecampus.training_stats.access import Place
    from safecampus.training_stats.exports import people_header, people_rows, xlsx_stream
    from safecampus.training_stats.figures import Scope
    from safecampus.training_stats.people import Window

    campaign = Campaign.objects.order_by("pk").first()
    unit = None
    for depth in (3, 2, 1):  # counties, then cities, then the province
        sizes = {}
        for path, n in Student.objects.values_list("unit_path").annotate(n=Count("id")):
            key = path[: depth * 4]
            sizes[key] = sizes.get(key, 0) + n
        fits = sorted((n, p) for p, n in sizes.items() if n >= rows_wanted)
        if fits:
            unit = Unit.objects.get(path=fits[0][1])
            break
    window = Window(Scope(campaign))
    t0 = time.perf_counter()
    rows = itertools.islice(people_rows(Place(unit), window), rows_wanted)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        size = 0
        for block in xlsx_stream("people", people_header(), rows):
            out.write(block)
            size += len(block)
        out.flush()
        seconds = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sheet = load_workbook(out.name, read_only=True).active
        values = sheet.iter_rows(values_only=True)
        data_rows = sum(1 for r in values if len(r) > 3 and isinstance(r[3], (int, float)))
    return {
        "unit": unit.code,
        "rows": data_rows,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb, 1),
        "bytes": size,
        "met": data_rows == rows_wanted and seconds <= 60 and peak_mb <= 500,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)))
