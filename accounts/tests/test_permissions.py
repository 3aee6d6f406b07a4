"""Who may see and act on a case, told with the whole cast.

The object-level helpers take any object with owner_id and opd_id (a light
stand-in here); cases_visible_to is shown on deadlines.Deadline, the one model
so far with an OPD and a person (holder) attached.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role, User
from accounts.permissions import access_case, cases_visible_to, check_may_act, may_act_on_case, may_see_case
from conftest import opd
from deadlines.models import Deadline


@pytest.fixture
def pupr(city):
    return opd(city, "dinas-pupr")


@pytest.fixture
def dlh(city):
    return opd(city, "dlh")


@pytest.fixture
def sitis_pupr_case(siti, pupr):
    return SimpleNamespace(owner_id=siti.pk, opd_id=pupr.pk)


@pytest.fixture
def cast(siti, andi, budi, hendra, dewi, irma):
    return {"siti": siti, "andi": andi, "budi": budi, "hendra": hendra, "dewi": dewi, "irma": irma}


def test_who_sees_sitis_pupr_case(cast, sitis_pupr_case):
    seen = {name for name, user in cast.items() if may_see_case(user, sitis_pupr_case)}
    assert seen == {"siti", "budi", "hendra", "irma"}
    assert not may_see_case(AnonymousUser(), sitis_pupr_case)


def test_who_acts_on_sitis_pupr_case(cast, sitis_pupr_case):
    acting = {name for name, user in cast.items() if may_act_on_case(user, sitis_pupr_case)}
    assert acting == {"budi", "hendra"}
    assert not may_act_on_case(AnonymousUser(), sitis_pupr_case)


def test_a_case_without_an_owner_is_seen_by_no_citizen(siti, pupr):
    case = SimpleNamespace(owner_id=None, opd_id=pupr.pk)
    assert not may_see_case(siti, case)


def test_the_handling_opd_follows_the_case(cast, siti, dlh):
    moved_to_dlh = SimpleNamespace(owner_id=siti.pk, opd_id=dlh.pk)
    acting = {name for name, user in cast.items() if may_act_on_case(user, moved_to_dlh)}
    assert acting == {"dewi"}


def test_access_case_hides_what_the_user_may_not_see(andi, dewi, irma, sitis_pupr_case):
    for outsider in (andi, dewi, AnonymousUser()):
        with pytest.raises(Http404):
            access_case(outsider, sitis_pupr_case)
    assert access_case(irma, sitis_pupr_case) is sitis_pupr_case


def test_budi_and_hendra_may_act(budi, hendra, sitis_pupr_case):
    check_may_act(budi, sitis_pupr_case)
    check_may_act(hendra, sitis_pupr_case)


def test_dewi_of_another_opd_does_not_even_learn_the_case_exists(dewi, sitis_pupr_case):
    with pytest.raises(Http404):
        check_may_act(dewi, sitis_pupr_case)


def test_irma_sees_everything_and_changes_nothing(irma, sitis_pupr_case):
    with pytest.raises(PermissionDenied, match="Inspektorat hanya dapat membaca, tidak mengubah."):
        check_may_act(irma, sitis_pupr_case)
    with pytest.raises(PermissionDenied):
        check_may_act(irma, sitis_pupr_case, roles=(Role.INSPEKTORAT,))


def test_siti_may_see_her_case_but_not_act_as_an_officer(siti, sitis_pupr_case):
    with pytest.raises(PermissionDenied, match="Hanya petugas OPD yang menangani kasus ini"):
        check_may_act(siti, sitis_pupr_case)


def test_a_step_only_the_head_may_take(budi, hendra, sitis_pupr_case):
    check_may_act(hendra, sitis_pupr_case, roles=(Role.HEAD,))
    with pytest.raises(PermissionDenied):
        check_may_act(budi, sitis_pupr_case, roles=(Role.HEAD,))


def test_a_deactivated_officer_loses_access(budi, sitis_pupr_case):
    budi.is_active = False
    assert not may_see_case(budi, sitis_pupr_case)
    assert not may_act_on_case(budi, sitis_pupr_case)


@pytest.fixture
def deadlines(siti, andi, pupr, dlh):
    """Three clocks: Siti's case at PUPR, Andi's at DLH, and a PUPR one nobody owns."""
    content_type = ContentType.objects.get_for_model(User)

    def clock(object_id, opd, holder):
        return Deadline.objects.create(
            content_type=content_type,
            object_id=object_id,
            kind="test.step",
            title=f"Kasus {object_id}",
            opd=opd,
            holder=holder,
            allowed_seconds=3600,
        )

    return {"siti_pupr": clock("1", pupr, siti), "andi_dlh": clock("2", dlh, andi), "pupr": clock("3", pupr, None)}


def visible(user, deadlines):
    queryset = cases_visible_to(user, Deadline.objects.all(), owner_field="holder", opd_field="opd")
    return {name for name, deadline in deadlines.items() if queryset.filter(pk=deadline.pk).exists()}


def test_cases_visible_to_filters_a_queryset_for_each_of_the_cast(cast, deadlines):
    assert visible(cast["siti"], deadlines) == {"siti_pupr"}
    assert visible(cast["andi"], deadlines) == {"andi_dlh"}
    assert visible(cast["budi"], deadlines) == {"siti_pupr", "pupr"}
    assert visible(cast["hendra"], deadlines) == {"siti_pupr", "pupr"}
    assert visible(cast["dewi"], deadlines) == {"andi_dlh"}
    assert visible(cast["irma"], deadlines) == {"siti_pupr", "andi_dlh", "pupr"}
    assert visible(AnonymousUser(), deadlines) == set()


def test_an_officer_without_an_opd_sees_no_cases(city, deadlines):
    admin = User.objects.create_superuser("199001012015031001", "Kata-sandi-uji-2026")
    assert visible(admin, deadlines) == set()
