"""The officers' work queue (permits.queries): whose steps, in which order, page by page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.pagination import ascending_page
from permits import actions
from permits.models import Application
from permits.queries import step_clocks, work_queue
from permits.tests.conftest import submitted

pytestmark = pytest.mark.usefixtures("media")


def numbers(queryset):
    return [application.registration_number for application in queryset]


@pytest.fixture
def three_siups(siti, andi, city):
    """Three SIUPs at the DPMPTSP front office, due in the order second, third, first."""
    first, second, third = (submitted(user, city, "siup") for user in (siti, andi, siti))
    base = timezone.now() + timedelta(hours=2)
    for application, hours in ((first, 3), (second, 1), (third, 2)):
        Application.objects.filter(pk=application.pk).update(due_at=base + timedelta(hours=hours))
        application.refresh_from_db()
    return first, second, third


def test_the_front_office_queue_puts_the_nearest_step_deadline_first(three_siups, fajar):
    first, second, third = three_siups
    assert numbers(work_queue(fajar)) == numbers([second, third, first])


def test_equal_deadlines_are_ordered_by_id(three_siups, fajar):
    first, second, third = three_siups
    Application.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(due_at=first.due_at)
    assert numbers(work_queue(fajar)) == numbers([first, second, third])


def test_only_the_officers_own_opd_and_role_are_in_the_queue(three_siups, fajar, rahmat, budi, dewi, hendra):
    first, _, _ = three_siups
    assert work_queue(fajar).count() == 3
    # The head signs at the last step: nothing at the front office is his to act on.
    assert not work_queue(rahmat).exists()
    assert not work_queue(budi).exists() and not work_queue(hendra).exists() and not work_queue(dewi).exists()

    actions.do_forward(fajar, first)
    assert numbers(work_queue(rahmat)) == [first.registration_number]
    assert first.registration_number not in numbers(work_queue(fajar))


def test_a_citizen_gets_an_empty_queue(three_siups, siti, andi):
    assert not work_queue(siti).exists() and not work_queue(andi).exists()


def test_the_inspektorat_and_the_command_center_read_every_step_in_the_city(three_siups, fajar, irma, bayu):
    first, second, third = three_siups
    actions.do_forward(fajar, first)
    expected = numbers([second, third, first])  # the head's step of `first` is due later than the others
    Application.objects.filter(pk=first.pk).update(due_at=third.due_at + timedelta(hours=1))
    assert numbers(work_queue(irma)) == expected
    assert numbers(work_queue(bayu)) == expected


def test_mine_and_unassigned_split_the_queue(three_siups, fajar, gilang):
    first, second, third = three_siups
    actions.do_claim(fajar, first)
    actions.do_claim(gilang, second)
    assert numbers(work_queue(fajar, mine=True)) == [first.registration_number]
    assert numbers(work_queue(gilang, mine=True)) == [second.registration_number]
    assert numbers(work_queue(fajar, unassigned=True)) == [third.registration_number]
    assert numbers(work_queue(fajar)) == numbers([second, third, first])


def test_mine_and_unassigned_at_once_is_refused(fajar):
    with pytest.raises(ValidationError) as error:
        work_queue(fajar, mine=True, unassigned=True)
    assert "filter" in error.value.message_dict


def test_an_application_waiting_on_the_applicant_leaves_the_queue_until_resubmitted(three_siups, fajar):
    first, second, third = three_siups
    actions.do_claim(fajar, first)
    actions.do_request_documents(fajar, first, "Pas foto buram.", ["pas_foto"])
    assert first.registration_number not in numbers(work_queue(fajar))
    assert first.registration_number not in numbers(work_queue(fajar, mine=True))


def test_ended_applications_are_in_no_queue(three_siups, fajar, rahmat, irma):
    first, second, third = three_siups
    actions.do_reject(fajar, second, "Bukan usaha perdagangan.")
    actions.do_forward(fajar, first)
    actions.do_approve_and_sign(rahmat, first)
    assert numbers(work_queue(fajar)) == [third.registration_number]
    assert numbers(work_queue(irma)) == [third.registration_number]


def test_the_queue_pages_by_keyset_without_skipping_or_repeating(siti, city, fajar):
    applications = [submitted(siti, city, "siup") for _ in range(5)]
    due = timezone.now() + timedelta(hours=4)
    # Two share a due moment, so the id breaks the tie across a page boundary.
    for application, offset in zip(applications, (3, 1, 1, 0, 2), strict=True):
        Application.objects.filter(pk=application.pk).update(due_at=due + timedelta(minutes=offset))
    seen, cursor, pages = [], None, 0
    while True:
        page = ascending_page(work_queue(fajar), cursor, size=2, field="due_at")
        seen += numbers(page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = [applications[i].registration_number for i in (3, 1, 2, 4, 0)]
    assert seen == expected and pages == 3


def test_an_application_without_a_due_moment_sorts_last_and_pages(siti, city, fajar):
    first, second = submitted(siti, city, "siup"), submitted(siti, city, "siup")
    Application.objects.filter(pk=first.pk).update(due_at=None)
    page = ascending_page(work_queue(fajar), size=1, field="due_at")
    assert numbers(page.items) == [second.registration_number]
    page = ascending_page(work_queue(fajar), page.next_cursor, size=1, field="due_at")
    assert numbers(page.items) == [first.registration_number] and page.next_cursor is None


def test_a_forged_cursor_is_a_validation_error(fajar):
    with pytest.raises(ValidationError) as error:
        ascending_page(work_queue(fajar), "bukan-kursor", size=10, field="due_at")
    assert "cursor" in error.value.message_dict


def test_step_clocks_give_the_current_steps_clock_with_its_flags(three_siups, fajar, rahmat):
    first, second, third = three_siups
    actions.do_forward(fajar, first)
    first.refresh_from_db()
    clocks = step_clocks([first, second])
    assert clocks[first.pk].kind == "permit.step.persetujuan"
    assert clocks[second.pk].kind == "permit.step.verifikasi"
    assert not clocks[second.pk].is_breached and not clocks[second.pk].is_near
    assert step_clocks([]) == {}
