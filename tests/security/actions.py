"""The action matrix: every registered action (partners.access.ACTIONS) × every role × a record of the person's own
organisation or of another organisation of the same kind. This table is the specification; test_actions.py checks
access.may against it, and fails for an action without a row.

Roles, each acting for one organisation:
  referrer        a school's referrer          caseworker      a YOS caseworker
  triager         the VRU's triager            yos_manager     a YOS manager
  vru_manager     the VRU's manager            decision_maker  a police decision maker
  org_admin       a YOS's administrator

A cell is "own/other": Y may, - may not. "Own" means every organisation field of the record names the person's
organisation (the case's lead and police organisation, the allocation's, the referral's referrer, the plan
action's owner, the token's); "other" names another organisation of the same kind.

The records (test_actions.RECORDS): a case is active, except for confirm_breach, where a breach was proposed by
someone else; a token belongs to a colleague; make_token_for is for a colleague.
"""

ROLES = ("referrer", "triager", "vru_manager", "caseworker", "yos_manager", "decision_maker", "org_admin")

TABLE = """
action                         referrer triager vru_manager caseworker yos_manager decision_maker org_admin
outcomes.work_case             -/-      -/-     -/-         Y/-        Y/-         -/-            -/-
outcomes.record_missed_reason  -/-      -/-     -/-         Y/-        -/-         -/-            -/-
outcomes.decide_breach         -/-      -/-     -/-         -/-        Y/-         Y/-            -/-
outcomes.confirm_breach        -/-      -/-     -/-         -/-        Y/-         Y/-            -/-
outcomes.record_reoffence      -/-      -/-     -/-         Y/-        -/-         Y/-            -/-
outcomes.propose_closure       -/-      -/-     -/-         Y/-        Y/-         Y/-            -/-
outcomes.change_conditions     -/-      -/-     -/-         Y/-        Y/-         Y/-            -/-
outcomes.police_decide         -/-      -/-     -/-         -/-        -/-         Y/-            -/-
outcomes.record_work           -/-      -/-     -/-         Y/-        -/-         -/-            -/-
referrals.work_allocation      -/-      -/-     -/-         Y/-        Y/-         -/-            -/-
referrals.act_as_referrer      Y/-      -/-     -/-         -/-        -/-         -/-            -/-
referrals.see_rag              Y/-      Y/Y     Y/Y         Y/-        Y/-         Y/-            Y/-
cohorts.update_plan_action     -/-      Y/Y     Y/Y         Y/-        Y/-         Y/-            -/-
partners.revoke_token          -/-      -/-     -/-         -/-        -/-         -/-            Y/-
partners.make_token_for        -/-      -/-     -/-         -/-        -/-         -/-            Y/Y
partners.reset_factors         -/-      -/-     -/-         -/-        -/-         -/-            Y/Y
referrals.decide               -/-      Y/Y     Y/Y         -/-        -/-         -/-            -/-
referrals.hand_back            -/-      -/-     -/-         Y/-        Y/-         -/-            -/-
referrals.correct_event        -/-      Y/-     Y/-         -/-        -/-         -/-            -/-
referrals.delete_draft         Y/-      -/-     -/-         -/-        -/-         -/-            -/-
jobs.run_now                   -/-      -/-     -/-         -/-        -/-         -/-            -/-
documents.add                  Y/-      Y/Y     Y/Y         Y/-        Y/-         -/-            -/-
documents.amend                Y/-      Y/-     Y/-         Y/-        Y/-         -/-            -/-
"""
# run_now: the VRU's administrators only (no persona here; test_actions checks them), whatever the job.
# see_rag: any role of the organisation a referral is live with (the VRU always). make_token_for, other: the rule
# lets an administrator choose a person; the service then refuses one who is not of the organisation (400).
# decide: the VRU person holding the claim, whichever school referred ("other" is another school's referral).
# documents.add (a referral here; interventions, cases and cohort members in tests/documents): its referrer,
# the VRU's triage for any referral, the partner it is live with. amend: the note's own organisation only.
# reset_factors, other: the page finds the person among the administrator's own organisation's people, else 404.


def expected():
    """{action: {role: (own, other)}} from TABLE."""
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[1:]) == ROLES, header
    return {row[0]: {role: tuple(c == "Y" for c in cell.split("/")) for role, cell in zip(ROLES, row[1:], strict=True)}
            for row in rows}
