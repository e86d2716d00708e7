"""The managers' figures: volumes, timeliness, outcomes and disproportionality, and the population reference data.

An app of its own because it stands apart from the others: it reads across every app (referrals,
allocations, interventions, diversion cases, police outcomes) and owns no part of their workflows.
It writes nothing but its reference data (area population by ethnic group and age) and audit events
for downloads; no other app depends on it.
"""
