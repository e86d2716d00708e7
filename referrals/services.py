"""Every write to referrals: one function per business action, one transaction, one audit event.

Each function takes `acting` (who, for which organisation) and `now` (so tests never patch the
clock), checks access through partners.access, and raises ValidationError with a clear message
(field errors where a field is to blame) before writing anything.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q

from core import clock
from core.errors import HeldElsewhere
from notifications.services import Message, notify, notify_many
from partners import access, audit
from partners.idempotency import once
from partners.models import Membership, OrganisationKind, Role
from partners.selectors import staff_by_organisation, staff_of
from partners.workdays import is_working_day

from . import notices, rules, search, selectors
from .models import (
    QUEUE_ORDER,
    Allocation,
    Decision,
    DeclineReason,
    InfoRequest,
    PossibleMatch,
    ReferenceCounter,
    Referral,
    ReferralConcern,
    ReferralEvent,
    Status,
    YoungPerson,
)

A = audit.AuditAction
Kind = ReferralEvent.Kind

SUBJECT_FIELDS = (
    "given_name", "family_name", "preferred_name", "date_of_birth", "sex", "gender_identity",
    "ethnicity", "postcode", "area", "upn", "nhs_number",
)
CONCERN_FIELDS = ("account", "urgent", "urgency_reason", "lawful_basis", "informed", "not_informed_reason")
DRAFT_FIELDS = SUBJECT_FIELDS + CONCERN_FIELDS + ("source",)


class ClaimConflict(HeldElsewhere):
    """Someone else holds the item."""


def _event(referral, kind, acting, summary="", *, now, shared=False, detail=None, corrects=None):
    return ReferralEvent.objects.create(
        referral=referral, kind=kind, at=now, actor=getattr(acting, "user", None),
        organisation=getattr(acting, "organisation", None), summary=summary, detail=detail or {},
        shared_with_referrer=shared, corrects=corrects,
    )


def _transition(referral, action):
    try:
        referral.status = rules.next_status(referral.status, action)
    except rules.TransitionNotAllowed as exc:
        raise ValidationError(str(exc), code="transition") from None


def _locked(referral):
    """Re-read the referral under a row lock: two people acting at once are serialised."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


# --- Drafts and submission -----------------------------------------------------------


def _set_concerns(referral, concerns):
    if concerns is None:
        return
    concerns = list(dict.fromkeys(concerns))
    ReferralConcern.objects.filter(referral=referral).exclude(concern__in=concerns).delete()
    existing = set(ReferralConcern.objects.filter(referral=referral).values_list("concern", flat=True))
    ReferralConcern.objects.bulk_create(
        [ReferralConcern(referral=referral, concern=c) for c in concerns if c not in existing]
    )


@transaction.atomic
def save_draft(acting, data, *, referral=None, now, idempotency_key=None):
    """Create a draft or update one of our organisation's drafts with the fields given."""
    acting = access.require_capability(acting, "refer")
    if referral is None:
        if idempotency_key is not None:
            existing = access.visible(acting, Referral.objects.all()).filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        referral = Referral(
            referring_organisation=acting.organisation, created_by=acting.user, created_at=now,
            source=data.get("source") or _default_source(acting.organisation),
        )
        if idempotency_key is not None:
            referral.idempotency_key = idempotency_key
        created = True
    else:
        # Our own drafts only: the VRU sees every referral, but a VRU member who refers must not edit a school's.
        referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), "view", pk=referral.pk)
        access.require_to(acting, "referrals.act_as_referrer", referral, hide=True)
        if referral.status != Status.DRAFT:
            raise ValidationError("This referral has been submitted and can no longer be changed.", code="not_draft")
        created = False
    for name in DRAFT_FIELDS:
        if name in data and data[name] is not None:
            setattr(referral, name, _normalised(name, data[name]))
    referral.full_clean(exclude=["created_by", "referring_organisation"], validate_unique=False, validate_constraints=False)
    referral.save()
    _set_concerns(referral, data.get("concerns"))
    if created:
        _event(referral, Kind.CREATED, acting, now=now)
    audit.record(acting, A.CREATE if created else A.UPDATE, referral)
    return referral


@transaction.atomic
def delete_draft(acting, referral, *, now):
    """The author deletes a draft they will not send: its answers are blanked (nothing about the young person is
    kept) and it is hidden from everyone (access scope), but the row, its timeline and the audit trail stay."""
    acting = access.require_capability(acting, "refer")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), "view", pk=referral.pk)
    if referral.status != Status.DRAFT:
        raise ValidationError("This referral has been submitted and can no longer be deleted.", code="not_draft")
    access.require_to(acting, "referrals.delete_draft", referral)
    for name in DRAFT_FIELDS:
        if name != "source":
            setattr(referral, name, None if Referral._meta.get_field(name).null else "")
    referral.deleted_at = now
    referral.save()
    ReferralConcern.objects.filter(referral=referral).delete()
    _event(referral, Kind.DELETED, acting, now=now)
    audit.record(acting, A.DELETE, referral)
    return referral


def _normalised(name, value):
    """Store identifiers in one canonical form so matching compares like with like; leave bad input for validation."""
    normalisers = {"postcode": rules.normalise_postcode, "upn": rules.normalise_upn, "nhs_number": rules.normalise_nhs_number}
    if name in normalisers and value:
        try:
            return normalisers[name](value)
        except ValueError:
            return value.strip() if isinstance(value, str) else value
    return value


def _default_source(organisation):
    return {
        OrganisationKind.SCHOOL: "school", OrganisationKind.POLICE: "police", OrganisationKind.YOS: "yos",
        OrganisationKind.LOCAL_AUTHORITY: "local_authority", OrganisationKind.VOLUNTARY: "custody",
    }.get(organisation.kind, "school")


def submission_problems(referral, concerns, *, today):
    """Everything a referral needs before the VRU can triage it, as {field: message}."""
    problems = {}
    required = {
        "given_name": "Enter the young person's first name",
        "family_name": "Enter the young person's last name",
        "date_of_birth": "Enter the young person's date of birth",
        "sex": "Select the young person's sex",
        "area": "Select the local authority area where the young person lives",
        "account": "Describe the concern",
        "lawful_basis": "Select the lawful basis for sharing this information",
        "informed": "Say whether the young person or a parent has been told about this referral",
    }
    for name, message in required.items():
        if not getattr(referral, name):
            problems[name] = message
    if not concerns:
        problems["concerns"] = "Select at least one concern"
    if referral.account and len(referral.account) > rules.ACCOUNT_MAX_CHARS:
        problems["account"] = f"The account must be {rules.ACCOUNT_MAX_CHARS:,} characters or fewer"
    if referral.account and not referral.account.strip():
        problems["account"] = "Describe the concern"
    dob = referral.date_of_birth
    if dob and dob > today:
        problems["date_of_birth"] = "The date of birth must be in the past"
    elif dob and rules.age_on(dob, today) >= rules.MAX_AGE:
        problems["date_of_birth"] = (
            f"The young person must be under {rules.MAX_AGE} on the date of referral. "
            "The portal is for young people under 25."
        )
    if referral.informed == "not_told" and not referral.not_informed_reason.strip():
        problems["not_informed_reason"] = "Explain why telling them would put them at risk"
    if referral.urgent is None:
        problems["urgent"] = "Select yes if the young person is at immediate risk of harm"
    elif referral.urgent and not referral.urgency_reason.strip():
        problems["urgency_reason"] = "Explain the immediate risk of harm"
    return problems


def _next_reference(year):
    counter, _ = ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    counter.refresh_from_db()
    return f"VRU-{year}-{counter.last_number:06d}"


def _candidates(referral):
    conditions = Q(date_of_birth=referral.date_of_birth)
    if referral.upn:
        conditions |= Q(upn=referral.upn)
    if referral.nhs_number:
        conditions |= Q(nhs_number=referral.nhs_number)
    if referral.postcode:
        conditions |= Q(postcode=referral.postcode)
    return (
        YoungPerson.objects.filter(conditions, merged_into__isnull=True, anonymised_at__isnull=True)
        .exclude(pk=referral.young_person_id)
        .order_by("-pk")[:50]
    )


def _identity(obj):
    return {name: getattr(obj, name) for name in ("given_name", "family_name", "date_of_birth", "postcode", "upn", "nhs_number")}


def _record_matches(referral):
    matches = []
    for candidate in _candidates(referral):
        reasons = rules.match_reasons(_identity(referral), _identity(candidate))
        score = rules.match_score(reasons)
        if score >= rules.POSSIBLE_MATCH_THRESHOLD:
            matches.append(PossibleMatch(referral=referral, candidate=candidate, reasons=reasons, score=score))
    PossibleMatch.objects.bulk_create(matches)
    return matches


def _flag_re_referral(referral, young_person_ids, *, today):
    """A referral is a re-referral when an earlier one for the same young person closed in the last 12 months."""
    earlier = (
        Referral.objects.filter(young_person_id__in=young_person_ids, closed_at__isnull=False)
        .exclude(pk=referral.pk).order_by("-closed_at").first()
    )
    if earlier and rules.is_re_referral(earlier.closed_at.date(), today):
        referral.is_re_referral = True
        referral.previous_referral = earlier
        return True
    return False


@transaction.atomic
def submit_referral(acting, referral, *, now):
    acting = access.require_capability(acting, "refer")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), "view", pk=referral.pk)
    access.require_to(acting, "referrals.act_as_referrer", referral, hide=True)
    if referral.status != Status.DRAFT:
        return referral  # a double-clicked submit: the first one did it
    concerns = list(referral.concerns.values_list("concern", flat=True))
    problems = submission_problems(referral, concerns, today=clock.today(now))
    if problems:
        raise ValidationError(problems)
    _transition(referral, rules.SUBMIT)
    referral.reference = _next_reference(clock.today(now).year)
    referral.received_at = now
    referral.triage_deadline = rules.triage_deadline(now, referral.urgent)
    referral.young_person = YoungPerson.objects.create(
        **{name: getattr(referral, name) for name in SUBJECT_FIELDS if name not in ("area",)},
        area=referral.area,
        school=referral.referring_organisation if referral.referring_organisation.kind == OrganisationKind.SCHOOL else None,
        created_at=now,
    )
    search.index_names([referral.young_person])
    matches = _record_matches(referral)
    referral.has_open_match = bool(matches)
    # Identical UPN or NHS number: their history tells whether this is a re-referral even before confirmation.
    strong = [m.candidate_id for m in matches if m.score >= 100]
    _flag_re_referral(referral, strong, today=clock.today(now))
    referral.save()
    _event(referral, Kind.SUBMITTED, acting, f"Submitted as {referral.reference}", now=now, shared=True)
    audit.record(acting, A.UPDATE, referral, detail={"action": "submit"})
    return referral


# --- Claims ----------------------------------------------------------------------------


def _claim_is_live(referral, now):
    return referral.claimed_by_id is not None and not rules.claim_lapsed(referral.claim_activity_at, now)


def _take(referral, acting, now):
    if referral.status == Status.SUBMITTED:
        _transition(referral, rules.CLAIM)
    referral.claimed_by = acting.user
    referral.claim_activity_at = now
    referral.save(update_fields=["status", "claimed_by", "claim_activity_at", "updated_at"])
    _event(referral, Kind.CLAIMED, acting, now=now)
    audit.record(acting, A.UPDATE, referral, detail={"action": "claim"})


def _release_others(acting, keep_pk, now):
    """One triager works one item at a time: taking a new one lets go of the others."""
    held = Referral.objects.select_for_update().filter(claimed_by=acting.user).exclude(pk=keep_pk)
    for referral in held:
        referral.claimed_by = None
        referral.claim_activity_at = None
        referral.save(update_fields=["claimed_by", "claim_activity_at", "updated_at"])
        _event(referral, Kind.RELEASED, acting, now=now)


@transaction.atomic
def claim(acting, referral, *, now):
    acting = access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=referral.pk)
    if referral.status not in rules.QUEUE_STATUSES:
        raise ValidationError(f"This referral is {referral.get_status_display().lower()} and is not in the triage queue.")
    if _claim_is_live(referral, now) and referral.claimed_by_id != acting.user.pk:
        raise ClaimConflict(f"{referral.claimed_by} is working on this referral. Choose another one.", code="claimed")
    if _claim_is_live(referral, now):
        # "Keep working on it": the holder's claim runs 2 hours from now; not a new claim on the timeline.
        referral.claim_activity_at = now
        referral.save(update_fields=["claim_activity_at", "updated_at"])
        return referral
    _release_others(acting, referral.pk, now)
    _take(referral, acting, now)
    return referral


@transaction.atomic
def claim_next(acting, *, now, filters=None):
    """Claim the first free item in queue order (models.QUEUE_ORDER: urgent first), skipping rows another
    triager is locking right now."""
    acting = access.require_capability(acting, "triage")
    free = Q(claimed_by__isnull=True) | Q(claim_activity_at__lt=now - rules.CLAIM_LAPSE)
    queryset = access.visible(acting, Referral.objects.filter(status__in=rules.QUEUE_STATUSES)).filter(free)
    if filters:
        queryset = queryset.filter(**filters)
    lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    referral = (
        queryset.order_by(*QUEUE_ORDER)
        .select_for_update(of=("self",), **lock).first()
    )
    if referral is None:
        return None
    _release_others(acting, referral.pk, now)
    _take(referral, acting, now)
    return referral


@transaction.atomic
def release(acting, referral, *, now):
    acting = access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=referral.pk)
    if referral.claimed_by_id != acting.user.pk:
        raise ValidationError("You are not holding this referral.", code="not_holder")
    referral.claimed_by = None
    referral.claim_activity_at = None
    referral.save(update_fields=["claimed_by", "claim_activity_at", "updated_at"])
    _event(referral, Kind.RELEASED, acting, now=now)
    audit.record(acting, A.UPDATE, referral, detail={"action": "release"})
    return referral


def lapse_claims(*, now):
    """Set-based: end every claim idle for 2 hours. Returns the referrals whose claim lapsed."""
    with transaction.atomic():
        lapsed = list(
            Referral.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .filter(claimed_by__isnull=False, claim_activity_at__lte=now - rules.CLAIM_LAPSE)
            .values_list("pk", "claimed_by_id")
        )
        if not lapsed:
            return []
        ids = [pk for pk, _ in lapsed]
        Referral.objects.filter(pk__in=ids).update(claimed_by=None, claim_activity_at=None)
        ReferralEvent.objects.bulk_create(
            [ReferralEvent(referral_id=pk, kind=Kind.CLAIM_LAPSED, at=now, detail={"holder": uid}) for pk, uid in lapsed]
        )
    return ids


def _hold(acting, referral, now):
    """The triager acting must hold the claim (taking it if it is free)."""
    if _claim_is_live(referral, now) and referral.claimed_by_id != acting.user.pk:
        raise ClaimConflict(f"{referral.claimed_by} is working on this referral.", code="claimed")
    if referral.claimed_by_id != acting.user.pk:
        _release_others(acting, referral.pk, now)
        _take(referral, acting, now)
    referral.claim_activity_at = now


# --- Matching ---------------------------------------------------------------------------


@transaction.atomic
def resolve_match(acting, match, *, confirm, now, reason=""):
    acting = access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=match.referral_id)
    match = PossibleMatch.objects.select_for_update().get(pk=match.pk, referral=referral)
    if match.state != PossibleMatch.State.OPEN:
        raise ValidationError("This possible match has already been checked.", code="resolved")
    if confirm and referral.possible_matches.filter(state=PossibleMatch.State.CONFIRMED).exists():
        raise ValidationError("This referral is already linked to a known young person.", code="already_linked")
    _hold(acting, referral, now)
    match.state = PossibleMatch.State.CONFIRMED if confirm else PossibleMatch.State.REJECTED
    match.resolved_by = acting.user
    match.resolved_at = now
    match.save()
    if confirm:
        provisional = referral.young_person
        referral.young_person = match.candidate
        if provisional and provisional.pk != match.candidate_id:
            provisional.merged_into = match.candidate
            provisional.save(update_fields=["merged_into"])
        _flag_re_referral(referral, [match.candidate_id], today=clock.today(now))
        # Once linked, the other candidates are moot.
        referral.possible_matches.filter(state=PossibleMatch.State.OPEN).update(
            state=PossibleMatch.State.REJECTED, resolved_by=acting.user, resolved_at=now
        )
    referral.has_open_match = referral.possible_matches.filter(state=PossibleMatch.State.OPEN).exists()
    referral.save()
    _event(
        referral, Kind.MATCH_CONFIRMED if confirm else Kind.MATCH_REJECTED, acting,
        ("Linked to a known young person: " if confirm else "Not the same young person: ") + ", ".join(match.reasons),
        now=now, detail={"candidate": match.candidate_id, "reason": reason},
    )
    audit.record(acting, A.UPDATE, referral, detail={"action": "confirm_match" if confirm else "reject_match"})
    return match


# --- Decisions --------------------------------------------------------------------------


def _referrer_users(referral):
    return [referral.created_by]


def decision_problems(decision, *, rag, organisation, programme, signpost_to, decline_reason, reason, question):
    problems = {}
    if decision not in Decision.values:
        return {"decision": "Select a decision"}
    if decision != Decision.REQUEST_INFO and rag not in rules.RAGS:
        problems["rag"] = "Select a risk rating: red, amber or green"
    if decision == Decision.ALLOCATE:
        if organisation is None:
            problems["organisation"] = "Select the partner organisation to allocate to"
        elif organisation.kind not in selectors.ALLOCATABLE_KINDS or not organisation.active:
            problems["organisation"] = "Allocate to an active partner organisation (a YOS, voluntary sector or local authority)"
        if not (programme or "").strip():
            problems["programme"] = "Enter the programme"
    elif decision == Decision.SIGNPOST and not (signpost_to or "").strip():
        problems["signpost_to"] = "Enter where the young person is signposted to"
    elif decision == Decision.DECLINE:
        if decline_reason not in DeclineReason.values:
            problems["decline_reason"] = "Select a reason for declining"
        if not (reason or "").strip():
            problems["reason"] = "Explain the decision"
    elif decision == Decision.REQUEST_INFO and not (question or "").strip():
        problems["question"] = "Enter the question for the referrer"
    return problems


@transaction.atomic
def decide(acting, referral, *, decision, now, rag="", organisation=None, programme="", signpost_to="",
           decline_reason="", reason="", question=""):
    acting = access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=referral.pk)
    if referral.status not in rules.QUEUE_STATUSES:
        raise ValidationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be decided now.", code="transition"
        )
    if _claim_is_live(referral, now) and referral.claimed_by_id != acting.user.pk:
        raise ClaimConflict(f"{referral.claimed_by} is working on this referral.", code="claimed")
    # Only the claimant decides (claim first, then decide): the page shows the form to no one else.
    access.require_to(acting, "referrals.decide", referral)
    problems = decision_problems(decision, rag=rag, organisation=organisation, programme=programme,
                                 signpost_to=signpost_to, decline_reason=decline_reason, reason=reason, question=question)
    if problems:
        raise ValidationError(problems)
    action = {Decision.ALLOCATE: rules.ALLOCATE, Decision.SIGNPOST: rules.SIGNPOST,
              Decision.DECLINE: rules.DECLINE, Decision.REQUEST_INFO: rules.REQUEST_INFO}[decision]
    _hold(acting, referral, now)
    _transition(referral, action)
    if rag and rag != referral.rag:
        _event(referral, Kind.RAG_RATED, acting, f"Risk rated {rag}", now=now, detail={"rag": rag, "previous": referral.rag})
        referral.rag = rag
    referral.decision = decision
    referral.decided_at = now
    referral.first_decided_at = referral.first_decided_at or now
    referral.claimed_by = None
    referral.claim_activity_at = None
    if decision == Decision.ALLOCATE:
        allocation = Allocation.objects.create(
            referral=referral, organisation=organisation, programme=programme.strip(), allocated_by=acting.user,
            allocated_at=now, accept_due=rules.accept_due(now, rag),
        )
        _event(referral, Kind.ALLOCATED, acting, f"Allocated to {organisation.name}: {allocation.programme}", now=now,
               shared=True, detail={"organisation": organisation.pk, "allocation": allocation.pk, "reason": reason})
        notify(staff_of(organisation, (Role.CASEWORKER, Role.MANAGER)), kind="allocation", key=f"allocation:{allocation.pk}",
               organisations=[organisation.pk], **notices.allocated(allocation, referral.reference, organisation.name))
        told = notices.decided(referral, decision)
    elif decision == Decision.SIGNPOST:
        _event(referral, Kind.SIGNPOSTED, acting, f"Signposted to {signpost_to.strip()}", now=now, shared=True,
               detail={"to": signpost_to.strip(), "reason": reason})
        referral.closed_at = now
        told = notices.decided(referral, decision, signpost_to=signpost_to)
    elif decision == Decision.DECLINE:
        label = DeclineReason(decline_reason).label
        _event(referral, Kind.DECLINED, acting, f"Declined: {label}. {reason.strip()}", now=now, shared=True,
               detail={"reason_code": decline_reason, "reason": reason.strip()})
        referral.closed_at = now
        told = notices.decided(referral, decision, decline_label=label)
    else:
        InfoRequest.objects.create(referral=referral, question=question.strip(), asked_by=acting.user, asked_at=now)
        _event(referral, Kind.INFO_REQUESTED, acting, question.strip(), now=now, shared=True)
        told = notices.decided(referral, decision, asked_at=now)
    referral.save()
    notify(_referrer_users(referral), kind="decision", key=f"decision:{referral.pk}:{decision}:{now.isoformat()}",
           organisations=[referral.referring_organisation_id], **told)
    audit.record(acting, A.UPDATE, referral, detail={"action": "decide", "decision": decision})
    return referral


@transaction.atomic
def answer_info(acting, referral, answer, *, now, idempotency_key=None):
    """Sent twice with one key, the repeat returns the referral instead of "no open question"."""
    acting = access.require_capability(acting, "refer")
    return once(acting, idempotency_key, "answer_info", lambda: _answer_info(acting, referral, answer, now=now))


def _answer_info(acting, referral, answer, *, now):
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=referral.pk)
    access.require_to(acting, "referrals.act_as_referrer", referral)
    if not (answer or "").strip():
        raise ValidationError({"answer": "Enter your answer"})
    if len(answer) > rules.ACCOUNT_MAX_CHARS:
        raise ValidationError({"answer": f"The answer must be {rules.ACCOUNT_MAX_CHARS:,} characters or fewer"})
    request = referral.info_requests.filter(answered_at__isnull=True, expired_at__isnull=True).first()
    if referral.status != Status.INFO_REQUESTED or request is None:
        raise ValidationError("The VRU has no open question about this referral.", code="no_question")
    _transition(referral, rules.ANSWER_INFO)
    request.answer = answer.strip()
    request.answered_by = acting.user
    request.answered_at = now
    request.save()
    referral.returned_at = now
    referral.triage_deadline = rules.triage_deadline(now, referral.urgent)
    referral.save()
    _event(referral, Kind.INFO_ANSWERED, acting, answer.strip(), now=now, shared=True)
    notify([request.asked_by], kind="info_answered", key=f"info_answered:{request.pk}", **notices.info_answered(referral))
    audit.record(acting, A.UPDATE, referral, detail={"action": "answer_info"})
    return referral


def expire_info_requests(*, now):
    """Questions unanswered for 5 working days: the referral returns to the queue for a decision."""
    returned = []
    open_requests = InfoRequest.objects.filter(answered_at__isnull=True, expired_at__isnull=True,
                                               referral__status=Status.INFO_REQUESTED).select_related("referral")
    for request in open_requests:
        if not rules.info_request_expired(request.asked_at, now):
            continue
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=request.referral_id)
            if referral.status != Status.INFO_REQUESTED:
                continue
            InfoRequest.objects.filter(pk=request.pk, expired_at__isnull=True).update(expired_at=now)
            _transition(referral, rules.INFO_TIMEOUT)
            referral.returned_at = now
            referral.triage_deadline = rules.triage_deadline(now, referral.urgent)
            referral.save()
            _event(referral, Kind.INFO_EXPIRED, None, now=now)
            returned.append(referral.pk)
    return returned


# --- The partner's side -----------------------------------------------------------------


def _allocation_for(acting, allocation_id, *, lock=True):
    acting = access.require_capability(acting, "work_allocations")
    qs = Allocation.objects.select_related("referral", "organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    allocation = qs.filter(pk=allocation_id).first()
    if allocation is None:
        raise access.NotFound("No such allocation.")
    # Another organisation's allocation: as if there were none (its existence says where a referral went).
    return access.require_to(acting, "referrals.work_allocation", allocation, hide=True), allocation


@transaction.atomic
def accept_allocation(acting, allocation, *, now):
    acting, allocation = _allocation_for(acting, allocation.pk)
    if allocation.state != Allocation.State.PENDING:
        raise ValidationError(f"This allocation is already {allocation.get_state_display().lower()}.", code="state")
    allocation.state = Allocation.State.ACCEPTED
    allocation.accepted_at = now
    allocation.accepted_by = acting.user
    allocation.first_contact_due = rules.first_contact_due(now, allocation.referral.rag or rules.GREEN)
    allocation.save()
    _event(allocation.referral, Kind.ACCEPTED, acting, f"Accepted by {acting.organisation.name}", now=now, shared=True)
    audit.record(acting, A.UPDATE, allocation.referral, detail={"action": "accept_allocation", "allocation": allocation.pk})
    return allocation


@transaction.atomic
def hand_back(acting, allocation, reason, *, now):
    acting, allocation = _allocation_for(acting, allocation.pk)
    if allocation.state == Allocation.State.HANDED_BACK:
        raise ValidationError("This allocation has already been handed back.", code="state")
    # Closed work (the VRU closed the referral) is not sent back into the triage queue.
    access.require_to(acting, "referrals.hand_back", allocation)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why you are handing this referral back"})
    if allocation.interventions.exists():
        # Handing back would hide the young person from the organisation still working with them.
        raise ValidationError("Work has started on this allocation: end the work before handing it back.", code="started")
    referral = Referral.objects.select_for_update().get(pk=allocation.referral_id)
    _transition(referral, rules.HAND_BACK)
    allocation.state = Allocation.State.HANDED_BACK
    allocation.handed_back_at = now
    allocation.hand_back_reason = reason.strip()
    allocation.save()
    referral.decision = ""
    referral.returned_at = now
    referral.triage_deadline = rules.triage_deadline(now, referral.urgent)
    referral.save()
    _event(referral, Kind.HANDED_BACK, acting, reason.strip(), now=now, detail={"allocation": allocation.pk})
    audit.record(acting, A.UPDATE, referral, detail={"action": "hand_back", "allocation": allocation.pk})
    return allocation


@transaction.atomic
def record_first_contact(acting, allocation, on, *, now):
    acting, allocation = _allocation_for(acting, allocation.pk)
    if allocation.state != Allocation.State.ACCEPTED:
        raise ValidationError("Accept the allocation before recording first contact.", code="state")
    if allocation.first_contact_at:
        raise ValidationError("First contact has already been recorded.", code="recorded")
    if on > clock.today(now):
        raise ValidationError({"on": "The date of first contact must be today or in the past"})
    if on < clock.today(allocation.allocated_at):
        raise ValidationError({"on": "The date of first contact must be on or after the allocation"})
    allocation.first_contact_at = on
    allocation.save(update_fields=["first_contact_at"])
    _event(allocation.referral, Kind.FIRST_CONTACT, acting, f"First contact on {on:%d %B %Y}", now=now, shared=True)
    audit.record(acting, A.UPDATE, allocation.referral, detail={"action": "first_contact"})
    return allocation


# --- Corrections and closing ------------------------------------------------------------


@transaction.atomic
def correct(acting, event, *, summary, reason, now, idempotency_key=None):
    """Nothing recorded is edited: a correction is a new entry naming what it corrects and why."""
    acting = access.require_capability(acting, "triage")
    return once(acting, idempotency_key, "correct_event", lambda: _correct(
        acting, event, summary=summary, reason=reason, now=now))


def _correct(acting, event, *, summary, reason, now):
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=event.referral_id)
    access.require_to(acting, "referrals.correct_event", event)
    if not (summary or "").strip():
        raise ValidationError({"summary": "Enter the corrected entry"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why the entry is corrected"})
    correction = _event(referral, Kind.CORRECTION, acting, summary.strip(), now=now, corrects=event,
                        shared=event.shared_with_referrer, detail={"reason": reason.strip()})
    audit.record(acting, A.UPDATE, referral, detail={"action": "correct", "event": event.pk})
    return correction


@transaction.atomic
def close_referral(acting, referral, *, reason, now):
    acting = access.require_capability(acting, "triage")
    referral = access.get_visible_or_404(acting, Referral.objects.select_for_update(), pk=referral.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why the referral is closed"})
    _transition(referral, rules.CLOSE)
    referral.closed_at = referral.closed_at or now
    referral.save()
    _event(referral, Kind.CLOSED, acting, reason.strip(), now=now, shared=True)
    audit.record(acting, A.UPDATE, referral, detail={"action": "close"})
    return referral



# --- Scheduled: the morning digest and escalations ----------------------------------------------


def _vru_staff(roles):
    return [m.user for m in Membership.objects.filter(organisation__kind=OrganisationKind.VRU, organisation__active=True,
                                                      role__in=roles, active=True, user__is_active=True).select_related("user")]


def morning_digest(*, now):
    """Each working morning: today's queue by section to every triager; overdue items escalated to the triage lead.

    Idempotent by key: the digest is keyed by the day, each escalation by the referral and its deadline.
    """
    today = clock.today(now)
    if not is_working_day(today):
        return {"digest": 0, "escalated": 0}
    queue = Referral.objects.filter(status__in=rules.QUEUE_STATUSES).values_list("triage_deadline", "urgent", "returned_at")
    sections = {key: 0 for key in rules.SECTION_ORDER}
    for deadline, urgent, returned_at in queue:
        sections[rules.queue_section(now, deadline, urgent, returned_at is not None)] += 1
    since = now - timedelta(days=1)
    lapsed = ReferralEvent.objects.filter(kind=ReferralEvent.Kind.CLAIM_LAPSED, at__gte=since).count()
    returned = ReferralEvent.objects.filter(kind=ReferralEvent.Kind.INFO_EXPIRED, at__gte=since).count()
    told = notify(_vru_staff([Role.TRIAGER]), kind="digest", key=f"digest:{today.isoformat()}",
                  **notices.morning_digest(today, sections, lapsed, returned))
    leads = _vru_staff([Role.MANAGER])
    overdue = Referral.objects.filter(status__in=rules.QUEUE_STATUSES, triage_deadline__lt=now).only(
        "pk", "reference", "triage_deadline")
    escalated = notify_many("escalation", [
        Message(leads, f"overdue:{referral.pk}:{referral.triage_deadline:%Y%m%d%H%M}", **notices.overdue_for_triage(referral))
        for referral in overdue
    ])
    return {"digest": len(told), "escalated": len(escalated)}


def escalate_late_allocations(*, now):
    """Allocations not accepted in time, or with first contact late: escalated to the partner's managers, once each."""
    today = clock.today(now)
    late = Allocation.objects.filter(
        Q(state=Allocation.State.PENDING, accept_due__lt=now)
        | Q(state=Allocation.State.ACCEPTED, first_contact_at__isnull=True, first_contact_due__lt=today)
    ).select_related("referral")
    late = list(late)
    managers = staff_by_organisation({allocation.organisation_id for allocation in late}, (Role.MANAGER,))
    messages = []
    for allocation in late:
        what = "accept" if allocation.state == Allocation.State.PENDING else "first-contact"
        messages.append(Message(managers[allocation.organisation_id], f"allocation-late:{allocation.pk}:{what}",
                                organisations=(allocation.organisation_id,), **notices.allocation_late(allocation, what)))
    return {"late": len(late), "told": len(notify_many("escalation", messages))}
