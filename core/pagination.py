"""Keyset pagination: the next page starts after the last row seen, never at an OFFSET.

With an index on (created_at DESC, id DESC) the database jumps straight to
the cursor, so page 1,000 of a million rows costs what page 1 costs.
The cursor is opaque to clients: base64 of "<iso timestamp>|<id>".
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q


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
