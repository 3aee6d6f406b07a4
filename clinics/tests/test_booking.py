from clinics.tests.conftest import NOW, at, book


def test_siti_books_poli_anak_for_her_daughter(siti, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)
    assert appointment.queue_number == 1
    assert appointment.estimated_at == at(NOW.date(), 8, 30)
