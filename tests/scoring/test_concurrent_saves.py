"""Issue 15: saves of different participants run side by side (the period row is shared, never taken alone by a
save), and a close still sees one consistent period: every save lands before it or is refused after it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from campaigns.models import Period
from planning.services.closing import close_period
from scoring.models import Reading, Score
from scoring.services.readings import save_reading
from tests.concurrency import run_at_once
from tests.factories import PersonFactory, individual
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_savers_and_a_close_at_once_give_a_consistent_closed_period(org):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite has one writer at a time")
    world = entry_world(org)
    people = [individual(world.plan, PersonFactory(unit=org.section_a, full_name=f"Cán bộ {i:02d}")) for i in range(16)]

    def save(participant, numerator):
        def call():
            period = Period.objects.get(pk=world.period.pk)  # each clerk's request reads the period itself
            return save_reading(
                user=org.staff_a,
                participant=participant,
                indicator=world.on_time,
                period=period,
                window_start=world.current.start,
                numerator=numerator,
                denominator=100,
            )

        return call

    outcomes = run_at_once(
        *[save(person, 60 + i) for i, person in enumerate(people)],
        lambda: close_period(period=Period.objects.get(pk=world.period.pk)),
    )
    unexpected = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, PermissionDenied)]
    assert not unexpected  # no deadlock, no serialisation failure, no lost save
    assert Period.objects.get(pk=world.period.pk).status == Period.Status.CLOSED
    saved = [person for person, outcome in zip(people, outcomes, strict=False) if isinstance(outcome, Reading)]
    refused = [
        person for person, outcome in zip(people, outcomes, strict=False) if isinstance(outcome, PermissionDenied)
    ]
    assert len(saved) + len(refused) == 16
    # The close scored exactly the readings that were saved before it, and no reading came after it.
    for person in people:
        reading = Reading.objects.filter(participant=person, indicator=world.on_time).first()
        score = Score.objects.get(period=world.period, participant=person, criterion__indicator=world.on_time)
        if person in saved:
            assert score.value == Decimal(reading.numerator)
        else:
            assert reading is None and score.value is None
