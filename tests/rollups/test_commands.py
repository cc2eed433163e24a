"""The command contract: `safecampus rollups list | reconcile [NAME…] | rebuild [NAME…] [--unit
CODE]`, through the CLI entry point, and its `manage` form."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from safecampus.cli import main

from .helpers import corrupt, report_hazard, unit, watch

pytestmark = pytest.mark.django_db


def test_list_prints_name_cell_table_and_counters(demo, capsys):
    assert main(["rollups", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "fire_devices\tfire_firecell\tdevices,failed,checks,checked,failures",
        "hazard_totals\thazards_hazardtotalcell\thazards,on_spot,due,on_time,closures",
        "hazards\thazards_hazardcell\thazards,on_spot,due,on_time,closures",
        "inspections\tchecks_inspectioncell\tdue,done,on_time,missed,failed_items,hazards_raised",
        "letters\tresponsibility_lettercell\trequired,signed",
        "notice_reach\tnotices_reachcell\tread,confirmed",
        "patrol_rounds\tpatrols_patrolcell\trounds,complete,incomplete,missed",
        "risks\trisks_riskcell\tpoints",
        "talks\ttalks_talkcell\tdue,done,on_day",
        "termplans\ttermplan_termplancell\tplans,published,items,done,summarised",
        "three100\tdefence_three100cell\tfacts,closed_management,alarm_networked,video_networked,guards_staffed,all_three",
        "training\tstats_statcell\tlearning_ms,participants,takings,completions,passes",
        "training_targets\tstats_targetcell\tpeople",
    ]


def test_reconcile_names_the_drifting_rollup_and_unit_and_rebuild_repairs_it(pupils, video, campaign, capsys):
    report_hazard("demo-c1-k1-s1")
    report_hazard("demo-c2-k1-s1")
    watch(pupils[0].user, video, 45)
    assert main(["rollups", "reconcile"]) == 0
    out = capsys.readouterr().out
    assert "hazards\tok" in out and "training\tok" in out and "training_targets\tok" in out

    corrupt("hazards", "demo-c1-k1-s1")
    corrupt("training", "demo-c1-k1")
    assert main(["rollups", "reconcile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    drifting = {line.split("\t")[0]: line.split("\t")[2] for line in lines if "\tDRIFT\t" in line}
    assert drifting == {"hazards": "demo-c1-k1-s1", "training": "demo-c1-k1"}
    assert main(["rollups", "reconcile", "training_targets"]) == 0

    assert main(["rollups", "rebuild", "hazards"]) == 0
    assert "hazards\trebuilt\tall units" in capsys.readouterr().out
    assert main(["rollups", "reconcile", "hazards"]) == 0
    assert main(["rollups", "reconcile"]) == 1  # training still drifts
    capsys.readouterr()
    assert main(["rollups", "rebuild"]) == 0
    assert main(["rollups", "reconcile"]) == 0


def test_rebuild_of_a_unit_touches_only_its_subtree(pupils, video, campaign, capsys):
    report_hazard("demo-c1-k1-s1")
    report_hazard("demo-c2-k1-s1")
    corrupt("hazards", "demo-c1-k1-s1")
    corrupt("hazards", "demo-c2-k1-s1")
    assert main(["rollups", "rebuild", "hazards", "--unit", "demo-c1-k1"]) == 0
    capsys.readouterr()
    assert main(["rollups", "reconcile", "hazards"]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "\tDRIFT\t" in x)
    assert line.split("\t")[2] == "demo-c2-k1-s1"  # the other county's cell was left alone
    assert main(["rollups", "rebuild", "hazards", "--unit", "demo-c2-k1-s1"]) == 0
    assert main(["rollups", "reconcile"]) == 0
    assert unit("demo-c2-k1-s1")


def test_unknown_names_and_units_are_usage_errors(demo, capsys):
    assert main(["rollups", "reconcile", "nope"]) == 2
    assert main(["rollups", "rebuild", "hazards", "--unit", "no-such-unit"]) == 2
    assert "no-such-unit" in capsys.readouterr().err


def test_manage_form_and_the_old_aliases(demo):
    report_hazard("demo-c1-k1-s1")
    call_command("rollups", "reconcile")
    call_command("hazard_stats_reconcile")
    call_command("stats_reconcile")
    corrupt("hazards", "demo-c1-k1-s1")
    with pytest.raises(CommandError) as err:
        call_command("rollups", "reconcile", "hazards")
    assert err.value.returncode == 1
    with pytest.raises(CommandError):
        call_command("hazard_stats_reconcile")
    call_command("rollups", "rebuild", "hazards")
    call_command("hazard_stats_reconcile")
