"""What people are told about, and which of it they may choose not to receive by email.

In-portal notifications are always kept. Escalations go to a role that must act, so they cannot be
switched off.
"""

OPTIONAL = {
    "decision": "The VRU's decisions and questions on referrals you made",
    "allocation": "Referrals allocated to your organisation",
    "info_answered": "Referrers' answers to the VRU's questions",
    "digest": "The morning triage digest",
    "case_started": "New diversion cases your organisation leads",
    "at_risk": "Diversion cases put at risk by a missed condition",
    "breach_proposed": "Breaches proposed on diversion cases",
    "re_referral": "Cases returned to police",
    "closure": "Diversion cases ready to close",
    "case_closed": "Diversion cases closed",
    "deadline": "Return-to-police deadline warnings",
    "cohort_review": "Cohort reviews due or overdue",
}
ALWAYS = {
    "escalation": "Escalations of overdue or late work (always sent)",
    "breach_due": "Breaches the system proposes on cases at risk for 5 working days (always sent)",
    "token_expiry": "API tokens of your organisation that expire within 14 days (always sent)",
}
