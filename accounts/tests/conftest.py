import re

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification


@pytest.fixture
def api():
    return APIClient()


def code_sent_to(recipient):
    """The one-time code in the newest message queued to this phone number or e-mail address."""
    message = Notification.objects.filter(recipient=recipient, template="verification_code").order_by("-id").first()
    assert message is not None, f"no verification code queued to {recipient}"
    return re.search(r"\b(\d{6})\b", message.body).group(1)
