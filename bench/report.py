"""The issue's targets beside each measurement, and the results as JSON and as a markdown table.

The targets are the large scale's (issue 7); a small run reports against them too, for the shape only.
"""

import json
import operator

# measurement: (the number compared, how, the target, what the target says)
TARGETS = {
    "triage_queue": ("p95_ms", "<", 150, "p95 < 150 ms"),
    "my_referrals": ("p95_ms", "<", 150, "p95 < 150 ms"),
    "triage_page": ("p95_ms", "<", 150, "p95 < 150 ms"),
    "api_referrals_partner": ("p95_ms", "<", 100, "p95 < 100 ms"),
    "api_vs_bare_drf": ("ratio_p95", "<=", 1.5, "≤ 1.5 times the bare DRF list"),
    "young_person_page": ("p95_ms", "<", 150, "p95 < 150 ms"),
    "caseload_yos_birmingham": ("p95_ms", "<", 150, "p95 < 150 ms"),
    "figures_year": ("p95_ms", "<", 500, "p95 < 500 ms"),
    "figures_all_api": (None, None, None, "none set"),
    "search_triager": ("p95_ms", "<", 100, "p95 < 100 ms"),
    "search_partner": ("p95_ms", "<", 100, "p95 < 100 ms"),
    "search_ilike_triager": (None, None, None, "a ratio, none set"),
    "search_ilike_partner": (None, None, None, "a ratio, none set"),
    "compliance_sweep": ("cases_per_second", ">=", 20000, "≥ 20,000 cases/s"),
    "compliance_sweep_catch_up": (None, None, None, "none set"),
    "deadline_job": (None, None, None, "none set"),
    "figures_rollup": (None, None, None, "none set"),
    "take_next": ("double_claims", "==", 0, "0 double claims"),
    "access_vs_guardian": ("ratio", ">=", 8, "≥ 8 times faster"),
    "load_api": ("p99_ms", "<", 500, "p99 < 500 ms, 0 errors"),
    "load_queue": ("p99_ms", "<", 1000, "p99 < 1 s, 0 errors"),
}
LABELS = {
    "triage_queue": "Triage queue (VRU triager)",
    "my_referrals": "My referrals (the school with most referrals)",
    "triage_page": "A referral's triage page",
    "api_referrals_partner": "API: referrals list for YOS Birmingham (token)",
    "api_vs_bare_drf": "API list against a bare DRF ListAPIView (no access policy) and its SQL alone",
    "young_person_page": "A young person's page",
    "caseload_yos_birmingham": "Caseload, YOS Birmingham",
    "figures_year": "Figures page, last 12 months",
    "figures_all_api": "Figures API, every section on its own, last 12 months",
    "search_triager": "Find a young person by name: search page, VRU triager",
    "search_partner": "Find a young person by name: search page, YOS Birmingham",
    "search_ilike_triager": "Search against ILIKE '%name%', same scope: VRU triager",
    "search_ilike_partner": "Search against ILIKE '%name%', same scope: YOS Birmingham",
    "compliance_sweep": "Daily compliance sweep, a working morning",
    "compliance_sweep_catch_up": "Compliance sweep, the first morning after the import (five years' catch-up)",
    "deadline_job": "Return-to-police deadline job",
    "figures_rollup": "Figures rollup job (before the pages are measured)",
    "take_next": "Take next: 8 threads at once",
    "access_vs_guardian": "Partner's referrals: access policy vs guardian generic",
    "load_api": "Load run: API referrals list (gunicorn, 2 workers)",
    "load_queue": "Load run: triage queue page (gunicorn, 2 workers)",
}
OPS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge, "==": operator.eq}


def judge(measurements):
    for key, (number, op, target, words) in TARGETS.items():
        result = measurements.get(key)
        if result is None:
            continue
        result["target"] = words
        if result.get("status", "").startswith("timed out"):
            result["met"] = False
            continue
        if op is None or result.get(number) is None:
            result["met"] = None
            continue
        met = OPS[op](result[number], target)
        if "queries_constant" in result:  # pages: the query count must not grow with the data either
            met = met and result["queries_constant"]
        if "errors" in result and number != "errors":  # a load run meets its latency target with no errors
            met = met and result["errors"] == 0
        result["met"] = met


def _ms(value):
    return "—" if value is None else f"{value:,.1f}"


def _result(key, r):
    if r.get("status"):
        return r["status"], "—"
    if "p95_ms" in r:
        queries = str(r["queries"]) if r["queries_constant"] else f"{r['queries_min']}–{r['queries']} (varies)"
        return f"p50 {_ms(r['p50_ms'])} · p95 {_ms(r['p95_ms'])} · max {_ms(r['max_ms'])} ms ({r['requests']} requests)", queries
    if key in ("compliance_sweep", "compliance_sweep_catch_up", "deadline_job"):
        text = f"{r['cases']:,} cases in {r['seconds']:.2f} s: {r['cases_per_second']:,} cases/s"
        if key != "deadline_job" and r.get("counts"):
            c = r["counts"]
            moved = c.get("at_risk", 0) + c.get("breach_proposed", 0) + c.get("closure_proposed", 0)
            text += f" ({moved:,} cases moved, {c.get('told', 0):,} people told{', ' + r['day'] if r.get('day') else ''})"
        return text, "—"
    if key == "figures_rollup":
        return f"{r['days']:,} days ({r['months']} months) counted in {r['seconds']:.1f} s: {r['rows']:,} rows", "—"
    if key == "take_next":
        return (f"{r['claims']:,} claims in {r['seconds']} s: {r['claims_per_second']:,} claims/s; "
                f"{r['double_claims']} double claims"), "—"
    if key == "access_vs_guardian":
        return (f"ours {_ms(r['ours_p50_ms'])} ms, guardian {_ms(r['guardian_p50_ms'])} ms: {r['ratio']} times "
                f"({r['visible_referrals']:,} referrals)"), f"{r['ours_queries']} / {r['guardian_queries']}"
    if key == "api_vs_bare_drf":
        o, b, f = r["ours"], r["bare_drf"], r["floor_sql"]
        return (f"ours p50 {_ms(o['p50_ms'])} · p95 {_ms(o['p95_ms'])} ms, bare DRF p50 {_ms(b['p50_ms'])} · "
                f"p95 {_ms(b['p95_ms'])} ms: {r['ratio_p50']} times at p50, {r['ratio_p95']} at p95; the SQL alone "
                f"p50 {_ms(f['p50_ms'])} ms ({r['rows']} rows a page)"), f"{r['ours_queries']} / {r['bare_queries']}"
    if key.startswith("search_ilike_"):
        return (f"ours p50 {_ms(r['ours_p50_ms'])} · p95 {_ms(r['ours_p95_ms'])} ms, ILIKE p50 {_ms(r['ilike_p50_ms'])} · "
                f"p95 {_ms(r['ilike_p95_ms'])} ms: {r['ratio']} times at p50, {r['ratio_p95']} at p95 "
                f"({r['searches']} searches; found {r['ours_found_per_search']} against {r['ilike_found_per_search']} "
                "a search)"), "—"
    if key.startswith("load_"):
        return (f"{r['rps']:,} requests/s ({r.get('rps_per_core', '—')} per core), p50 {_ms(r.get('p50_ms'))} · "
                f"p99 {_ms(r['p99_ms'])} ms, {r['errors']} errors "
                f"({r['connections']} connections, {r['seconds']} s, {r['tool']})"), "—"
    return json.dumps(r), "—"


def markdown(results):
    m = results["machine"]
    lines = [
        f"Scale **{results['scale']}**, {results['started_at'][:10]}: {m['cpus']} CPUs, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}. Load {results['load']['seconds']:.0f} s, whole run {results['total_seconds']:.0f} s.",
        "",
        "| Measurement | Result | Queries per request | Target | Met |",
        "|---|---|---|---|---|",
    ]
    for key in TARGETS:
        r = results["measurements"].get(key)
        if r is None:
            continue
        result, queries = _result(key, r)
        met = {True: "yes", False: "**no**", None: "—"}[r.get("met")]
        lines.append(f"| {LABELS[key]} | {result} | {queries} | {r.get('target', '—')} | {met} |")
    lines += ["", "| Loaded | Rows | Seconds |", "|---|---:|---:|"]
    lines += [f"| {t['table']} | {t['rows']:,} | {t['seconds']:.2f} |" for t in results["load"]["tables"]]
    return "\n".join(lines) + "\n"


def write(results, out_dir):
    judge(results["measurements"])
    out_dir.mkdir(parents=True, exist_ok=True)
    as_json = out_dir / "latest.json"
    as_markdown = out_dir / "latest.md"
    as_json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    as_markdown.write_text(markdown(results))
    return as_json, as_markdown
