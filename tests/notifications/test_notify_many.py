"""Telling many people about many events: once each, emails as each person chose, in a fixed number of queries."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, OutboxMessage
from notifications.services import Message, notify_many, set_email_choices
from partners.models import Role
from tests.factories import member


def _people(n, tag):
    return [member(role=Role.CASEWORKER, email=f"{tag}{i}@yos.example.org") for i in range(n)]


def _messages(people, keys):
    return [Message(people, key, f"Diversion case {key}: at risk", "See the portal.", f"/cases/{key}/") for key in keys]


@pytest.mark.django_db
def test_each_person_is_told_once_per_event_and_emailed_unless_they_opted_out():
    ann, bo = _people(2, "person")
    set_email_choices(bo, wanted=[])
    created = notify_many("at_risk", [*_messages([ann, bo, ann], ["1", "2"]), ([bo], "2", "Told again", "", "")])
    assert sorted((n.user_id, n.key) for n in created) == [(ann.pk, "1"), (ann.pk, "2"), (bo.pk, "1"), (bo.pk, "2")]
    assert Notification.objects.get(user=bo, key="2").subject == "Diversion case 2: at risk"  # the first telling stands
    emails = sorted(OutboxMessage.objects.values_list("to", "body"))
    assert [to for to, _ in emails] == [ann.email, ann.email]  # Bo turned emails of this kind off
    assert [body.split("\n\n")[0] for _, body in emails] == ["See the portal.", "See the portal."]
    assert sorted(body.rsplit("/", 2)[1] for _, body in emails) == ["1", "2"]  # each email links to its case

    again = notify_many("at_risk", _messages([ann, bo], ["1", "2", "3"]))
    assert sorted((n.user_id, n.key) for n in again) == [(ann.pk, "3"), (bo.pk, "3")]
    assert Notification.objects.count() == 6 and OutboxMessage.objects.count() == 3
    assert notify_many("at_risk", _messages([ann, bo], ["3"])) == []


@pytest.mark.django_db
def test_kinds_that_cannot_be_switched_off_are_emailed_to_everyone():
    (manager,) = _people(1, "manager")
    set_email_choices(manager, wanted=[])
    notify_many("breach_due", _messages([manager], ["9"]))
    assert OutboxMessage.objects.filter(to=manager.email).count() == 1


@pytest.mark.django_db
def test_telling_a_hundred_people_about_fifty_events_costs_what_telling_two_about_one_does():
    few, many = _people(2, "few"), _people(100, "many")
    with CaptureQueriesContext(connection) as small:
        assert len(notify_many("at_risk", _messages(few, ["a"]))) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(notify_many("at_risk", _messages(many, [str(k) for k in range(50)]))) == 5000
    assert len(large) == len(small) <= 6
    assert OutboxMessage.objects.count() == 5002


@pytest.mark.django_db(transaction=True)
def test_a_person_told_by_another_run_in_the_meantime_is_not_told_twice():
    ann, bo = _people(2, "race")
    ready = threading.Event()

    def other_run():
        # Another worker tells Ann about event 1 and commits a moment later, after our run has looked.
        try:
            with transaction.atomic():
                notify_many("at_risk", _messages([ann], ["1"]))
                ready.set()
                time.sleep(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    assert ready.wait(5)
    created = notify_many("at_risk", _messages([ann, bo], ["1"]))
    thread.join(5)
    assert [(n.user_id, n.key) for n in created] == [(bo.pk, "1")]
    assert Notification.objects.filter(key="1").count() == 2
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted([ann.email, bo.email])
