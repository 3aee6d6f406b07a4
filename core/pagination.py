"""Keyset pagination: the next page starts after the last row seen, never at an OFFSET.

With an index on (created_at DESC, id DESC) the database jumps straight to
the cursor, so page 1,000 of a million rows costs what page 1 costs.
The cursor is opaque to clients: base64 of "<iso timestamp>|<id>".
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

# In an ascending cursor, "after the last row seen" for a row without a value: such rows sort last.
NO_VALUE = datetime.max.replace(tzinfo=UTC)


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(moment, pk):
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": ["Kursor halaman tidak valid."]}) from None


def keyset_page(queryset, cursor=None, *, size, field="created_at"):
    """One page of `queryset`, newest first by (field, id); `cursor` comes from the previous page."""
    ordered = queryset.order_by(f"-{field}", "-id")
    if cursor:
        moment, pk = decode_cursor(cursor)
        # The first condition is implied by the second; it is there so that the database starts the
        # index scan at the cursor instead of reading (and discarding) every row before it.
        ordered = ordered.filter(
            Q(**{f"{field}__lte": moment}), Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": pk})
        )
    items = list(ordered[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    next_cursor = encode_cursor(getattr(items[-1], field), items[-1].pk) if has_more else None
    return Page(items=items, next_cursor=next_cursor)


def ascending_page(queryset, cursor=None, *, size, field):
    """One page of `queryset` in (field, id) ascending order (soonest deadline first), rows without a value last.

    Rows with a value and rows without are read as two ranges, each starting at the cursor. Each range reads
    the page's ids first, without the queryset's joins, so the database walks its index in order and stops
    after `size` rows whatever it estimates; the rows themselves (with their select_related) come by id.
    """
    with_value = queryset.filter(**{f"{field}__isnull": False}).order_by(field, "id")
    without_value = queryset.filter(**{f"{field}__isnull": True}).order_by("id")
    if cursor:
        moment, pk = decode_cursor(cursor)
        if moment == NO_VALUE:
            with_value = with_value.none()
            without_value = without_value.filter(id__gt=pk)
        else:
            # The first condition is implied by the second; it lets the index scan start at the cursor.
            with_value = with_value.filter(
                Q(**{f"{field}__gte": moment}), Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "id__gt": pk})
            )
    ids = list(with_value.values_list("id", flat=True)[: size + 1])
    if len(ids) <= size:
        ids += list(without_value.values_list("id", flat=True)[: size + 1 - len(ids)])
    rows = queryset.order_by().in_bulk(ids[:size])
    items = [rows[pk] for pk in ids[:size]]
    next_cursor = None
    if len(ids) > size:
        next_cursor = encode_cursor(getattr(items[-1], field) or NO_VALUE, items[-1].pk)
    return Page(items=items, next_cursor=next_cursor)
