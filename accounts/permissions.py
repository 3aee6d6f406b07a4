"""Who may see and act on a case: the helpers every domain app uses.

A case is any model with `owner_id` (the citizen it belongs to, or None) and
`opd_id` (the OPD that handles it now). Officers see and act on their own
OPD's cases only; the Inspektorat, BCC operators and the city admin see
everything; the Inspektorat never changes anything.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role

SEES_ALL = {Role.INSPEKTORAT, Role.BCC_OPERATOR, Role.CITY_ADMIN}
HANDLERS = (Role.OFFICER, Role.HEAD)


def may_see_case(user, case):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_citizen:
        return case.owner_id is not None and case.owner_id == user.pk
    if user.role in SEES_ALL:
        return True
    return user.opd_id is not None and user.opd_id == case.opd_id


def may_act_on_case(user, case, roles=HANDLERS):
    """An officer whose OPD holds the case and whose role is one of `roles`."""
    if not user.is_authenticated or not user.is_active or not user.is_officer:
        return False
    if user.role == Role.INSPEKTORAT:
        return False
    return user.role in roles and user.opd_id is not None and user.opd_id == case.opd_id


def access_case(user, case):
    """The case if the user may see it; otherwise 404, so its existence is not revealed."""
    if not may_see_case(user, case):
        raise Http404("Data tidak ditemukan.")
    return case


def check_may_act(user, case, roles=HANDLERS):
    access_case(user, case)
    if not may_act_on_case(user, case, roles):
        if user.role == Role.INSPEKTORAT:
            raise PermissionDenied("Inspektorat hanya dapat membaca, tidak mengubah.")
        raise PermissionDenied("Hanya petugas OPD yang menangani kasus ini yang dapat melakukan tindakan ini.")


def cases_visible_to(user, queryset, *, owner_field="owner", opd_field="opd"):
    """Filter a queryset of cases down to what the user may see."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_citizen:
        return queryset.filter(**{owner_field: user})
    if user.role in SEES_ALL:
        return queryset
    if user.opd_id is None:
        return queryset.none()
    return queryset.filter(**{opd_field: user.opd_id})
