from django.contrib.auth.backends import ModelBackend

from accounts.actions import LoginError, check_login


class LoginIdBackend(ModelBackend):
    """Authenticate by NIK or NIP, with the same lockout as the login page and the API."""

    def authenticate(self, request, username=None, password=None, login_id=None, **kwargs):
        login_id = login_id or username
        if login_id is None or password is None:
            # Called with other kinds of credentials: not ours to judge, and not a failed login.
            return None
        try:
            return check_login(login_id, password)
        except LoginError:
            return None
