"""The benchmark must not rot: the small scale runs end to end and reports every measurement with numbers.

No timing is asserted (the machine running the tests is not the one the targets are for); what is asserted is
what must hold at any speed: every page answered, no referral was claimed twice, the load run had no errors.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse

from bench import report

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["triage_queue", "my_referrals", "triage_page", "api_referrals_partner", "young_person_page",
         "caseload_yos_birmingham", "figures_year", "search_triager", "search_partner"]


def _figures_built():
    try:
        reverse("figures")
    except NoReverseMatch:
        return False
    return True


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def test_small_scale_runs_end_to_end_and_reports_every_measurement(tmp_path):
    # A database of its own, named after this run's, so parallel test runs do not share one.
    own = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") or "vrp"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "small", "--database", f"{own}_bench", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((tmp_path / "latest.json").read_text())

    assert results["scale"] == "small"
    assert results["counts"]["referrals_referral"] == 5_000
    assert all(t["rows"] > 0 for t in results["load"]["tables"] if t["table"].startswith(("referrals_", "outcomes_")))
    m = results["measurements"]
    assert set(report.TARGETS) <= set(m), set(report.TARGETS) - set(m)

    for key in PAGES:
        if key == "figures_year" and not _figures_built():
            assert m[key]["status"] == "not built"
            continue
        page = m[key]
        assert page["requests"] >= 3, (key, page)
        assert all(_number(page[k]) for k in ("p50_ms", "p95_ms", "max_ms", "queries")), (key, page)
        assert page["met"] in (True, False) and page["target"], (key, page)

    every = m["figures_all_api"]
    assert every["requests"] >= 3 and _number(every["p95_ms"]) and every["queries_constant"], every
    peers = m["api_vs_bare_drf"]
    # The bare DRF list and our list read a full page of the same referrals' fields; the bare SQL is the floor.
    assert peers["rows"] == peers["bare_rows"] > 0 and peers["floor_statements"] > 0, peers
    assert peers["ours_queries"] >= peers["floor_statements"] and peers["bare_queries"] > 0, peers
    assert all(_number(peers[k]) for k in ("ratio_p50", "ratio_p95", "floor_ratio_p50")), peers
    assert peers["met"] in (True, False), peers
    rolled = m["figures_rollup"]
    assert rolled["days"] > 0 and rolled["rows"] > 0 and _number(rolled["seconds"]), rolled

    for key in ("compliance_sweep", "compliance_sweep_catch_up", "deadline_job"):
        assert m[key]["cases"] > 0 and _number(m[key]["cases_per_second"]), m[key]
    # The catch-up moved cases and told people; the next working morning after it has less to do.
    catch_up, morning = m["compliance_sweep_catch_up"]["counts"], m["compliance_sweep"]["counts"]
    assert catch_up["told"] > 0 and morning["told"] < catch_up["told"], (catch_up, morning)
    assert m["take_next"]["claims"] > 0 and m["take_next"]["double_claims"] == 0, m["take_next"]
    assert m["take_next"]["claim_events"] == m["take_next"]["claims"]
    assert m["access_vs_guardian"]["visible_referrals"] > 0 and _number(m["access_vs_guardian"]["ratio"])
    for key in ("search_ilike_triager", "search_ilike_partner"):
        # Both sides searched the same names in the same scope; ours found the misspelt too, ILIKE could not.
        assert all(_number(m[key][k]) for k in ("ours_p95_ms", "ilike_p95_ms", "ratio")), m[key]
        assert m[key]["ours_found_per_search"] > m[key]["ilike_found_per_search"] > 0, m[key]
    for key in ("load_api", "load_queue"):
        assert m[key]["requests"] > 0 and _number(m[key]["rps"]) and _number(m[key]["p99_ms"]), m[key]
        assert _number(m[key]["rps_per_core"]) and m[key]["cores"] > 0, m[key]
        assert m[key]["errors"] == 0, m[key]

    table = (tmp_path / "latest.md").read_text()
    assert all(report.LABELS[key] in table for key in report.TARGETS)
