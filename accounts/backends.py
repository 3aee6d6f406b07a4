from django.contrib.auth.backends import ModelBackend

from accounts.actions import LoginError, check_login


class LoginIdBackend(ModelBackend):
    """Authenticate by NIK or NIP, with the same lockout as the login page and the API."""

    def authenticate(self, request, username=None, password=None, login_id=None, **kwargs):
        try:
            return check_login(login_id or username, password)
        except LoginError:
            return None
