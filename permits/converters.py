"""The shapes of e-Perizinan's URL parameters, registered once, here: nothing shaped like a NIK fits any."""

from django.urls import register_converter

from permits.catalogue import CODE

# A permit type's code: starts with a letter (PermitType.clean() holds every code to it).
PERMIT_CODE = "[a-z][a-z0-9-]{0,39}"


class RegistrationNumberConverter:
    """A registration number (REG-2026-000123, any case)."""

    regex = "[Rr][Ee][Gg]-[0-9]{4}-[0-9]{6,}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


class PermitCodeConverter:
    regex = PERMIT_CODE

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class RequirementCodeConverter(PermitCodeConverter):
    """A required document's code in a permit type (catalogue.CODE: it starts with a letter)."""

    regex = CODE.pattern


register_converter(RegistrationNumberConverter, "registration_number")
register_converter(RequirementCodeConverter, "requirement_code")
register_converter(PermitCodeConverter, "permit_code")
