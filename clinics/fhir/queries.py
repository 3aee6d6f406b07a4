"""What each FHIR resource type reads: its rows (of the current city, and for Appointment and Patient only what
the caller may see — clinics.actions.appointments_visible_to), its search parameters, and its rendering.

Every search is one COUNT and one bounded page query with the related rows joined (Schedule: plus one query
for the weekly hours of the page), so the cost does not grow with the page's rows.
"""

import re
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q

from accounts.models import User
from cities.models import current_city
from clinics.actions import appointments_visible_to
from clinics.fhir import patients, resources
from clinics.fhir.resources import APPOINTMENT_CODES, APPOINTMENT_STATUS, SLOT_CODES, last_bookable_date
from clinics.fhir.search import Param, any_of, date_condition, number, reference, token
from clinics.models import (
    Appointment,
    Clinic,
    Facility,
    FamilyMember,
    Practitioner,
    Session,
    SessionStatus,
    WeeklySchedule,
)

ID = Param("token", "Id resource.")
NAME = Param("string", "Nama memuat teks ini (tanpa membedakan huruf besar/kecil).")


class ResourceType:
    """Read and search for one FHIR type. Each type says which rows the caller may read (`rows(user)`), and how
    a page of them becomes resources (`render(objects, now)`); `condition` adds its search parameters."""

    name = ""
    interactions = ("read", "search-type")
    params = {}
    order = ("pk",)

    def condition(self, query, user, now):
        """Q of the search parameters (the names are already checked)."""
        return any_of(query, "_id", lambda value: Q(pk=number("_id", value)))

    def get(self, ident, user):
        if not ident.isdigit() or len(ident) > 18:
            return None
        return self.rows(user).filter(pk=int(ident)).first()

    def search(self, query, user, now, count, offset):
        """(total, page of rows)."""
        rows = self.rows(user).filter(self.condition(query, user, now))
        return rows.count(), list(rows.order_by(*self.order)[offset : offset + count])


def _name(query):
    return any_of(query, "name", lambda value: Q(name__icontains=value))


class PractitionerType(ResourceType):
    name = "Practitioner"
    params = {"_id": ID, "name": NAME}

    def rows(self, user):
        return Practitioner.objects.filter(facility__city=current_city())

    def condition(self, query, user, now):
        return super().condition(query, user, now) & _name(query)

    def render(self, objects, now):
        return [resources.practitioner(doctor) for doctor in objects]


class FacilityType(ResourceType):
    def rows(self, user):
        return Facility.objects.filter(city=current_city())

    def condition(self, query, user, now):
        return super().condition(query, user, now) & _name(query)


class OrganizationType(FacilityType):
    name = "Organization"
    params = {"_id": ID, "name": NAME}

    def render(self, objects, now):
        return [resources.organization(facility) for facility in objects]


class LocationType(FacilityType):
    name = "Location"
    params = {"_id": ID, "name": NAME, "organization": Param("reference", "Organization/<id> pengelola lokasi.")}

    def condition(self, query, user, now):
        return super().condition(query, user, now) & any_of(
            query, "organization", lambda value: Q(pk=_reference_number("organization", value, "Organization"))
        )

    def render(self, objects, now):
        return [resources.location(facility) for facility in objects]


def _reference_number(name, value, *kinds):
    return number(name, reference(name, value, kinds)[1])


class HealthcareServiceType(ResourceType):
    name = "HealthcareService"
    params = {
        "_id": ID,
        "name": NAME,
        "organization": Param("reference", "Organization/<id>: poli milik fasilitas ini."),
        "location": Param("reference", "Location/<id>: poli di lokasi ini."),
    }
    order = ("facility_id", "name", "pk")

    def rows(self, user):
        return Clinic.objects.filter(facility__city=current_city()).select_related("facility")

    def condition(self, query, user, now):
        return (
            super().condition(query, user, now)
            & _name(query)
            & any_of(
                query,
                "organization",
                lambda value: Q(facility_id=_reference_number("organization", value, "Organization")),
            )
            & any_of(query, "location", lambda value: Q(facility_id=_reference_number("location", value, "Location")))
        )

    def render(self, objects, now):
        return [resources.healthcare_service(clinic) for clinic in objects]


SCHEDULE_ID = re.compile(r"([0-9]{1,18})-([0-9]{1,18})")


def _schedule_pair(name, value):
    """(practitioner pk, clinic pk) of a Schedule id."""
    match = SCHEDULE_ID.fullmatch(value)
    if not match:
        raise resources.FhirError(400, "invalid", f"Id Schedule '{value}' pada {name} tidak valid (bentuk: 12-34).")
    return int(match[1]), int(match[2])


class ScheduleType(ResourceType):
    """A row of Practitioner.clinics (the doctor practises in the poli)."""

    name = "Schedule"
    params = {
        "_id": ID,
        "actor": Param("reference", "Practitioner/<id>, HealthcareService/<id> atau Location/<id>."),
    }
    order = ("practitioner_id", "clinic_id")

    def rows(self, user):
        return Practitioner.clinics.through.objects.filter(clinic__facility__city=current_city()).select_related(
            "practitioner", "clinic__facility"
        )

    def condition(self, query, user, now):
        return any_of(query, "_id", lambda value: self._pair(_schedule_pair("_id", value))) & any_of(
            query, "actor", self._actor
        )

    @staticmethod
    def _pair(pair):
        return Q(practitioner_id=pair[0], clinic_id=pair[1])

    @staticmethod
    def _actor(value):
        kind, ident = reference("actor", value, ("Practitioner", "HealthcareService", "Location"))
        field = {"Practitioner": "practitioner_id", "HealthcareService": "clinic_id", "Location": "clinic__facility_id"}
        return Q(**{field[kind]: number("actor", ident)})

    def get(self, ident, user):
        match = SCHEDULE_ID.fullmatch(ident)
        return self.rows(user).filter(self._pair((int(match[1]), int(match[2])))).first() if match else None

    def render(self, objects, now):
        weekly = defaultdict(list)
        if objects:
            for item in WeeklySchedule.objects.filter(
                active=True,
                practitioner_id__in={link.practitioner_id for link in objects},
                clinic_id__in={link.clinic_id for link in objects},
            ):
                weekly[item.practitioner_id, item.clinic_id].append(item)
        return [
            resources.schedule(link.practitioner, link.clinic, weekly[link.practitioner_id, link.clinic_id])
            for link in objects
        ]


class SlotType(ResourceType):
    """A Session; `status` mirrors resources.slot_status in SQL."""

    name = "Slot"
    params = {
        "_id": ID,
        "schedule": Param("reference", "Schedule/<id> (dokter × poli)."),
        "start": Param("date", "Mulai sesi; awalan eq, ne, gt, ge, lt, le, sa, eb; tanggal saja = hari itu."),
        "status": Param("token", "free (ada tempat), busy (penuh) atau busy-unavailable (tidak dibuka)."),
    }
    order = ("starts_at", "pk")

    def rows(self, user):
        city = current_city()
        return (
            Session.objects.filter(clinic__facility__city=city)
            .select_related("clinic__facility")
            # A holiday declared after the session was made: not bookable while the worker closes it.
            .annotate(on_holiday=Exists(city.holidays.filter(date=OuterRef("date"))))
        )

    def condition(self, query, user, now):
        return (
            super().condition(query, user, now)
            & any_of(query, "schedule", self._schedule)
            & any_of(query, "start", lambda value: date_condition("start", value, "starts_at", "date"))
            & any_of(query, "status", lambda value: self._status(token("status", value, SLOT_CODES), now))
        )

    @staticmethod
    def _schedule(value):
        practitioner_id, clinic_id = _schedule_pair("schedule", reference("schedule", value, ("Schedule",))[1])
        return Q(practitioner_id=practitioner_id, clinic_id=clinic_id)

    @staticmethod
    def _status(code, now):
        bookable = Q(
            status=SessionStatus.OPEN,
            starts_at__gt=now,
            date__lte=last_bookable_date(now),
            clinic__active=True,
            clinic__facility__active=True,
            on_holiday=False,
        )
        has_place = Q(booked_jkn__lt=F("quota_jkn")) | Q(booked_general__lt=F("quota_general"))
        if code == "free":
            return bookable & has_place
        if code == "busy":
            return bookable & ~has_place
        if code == "busy-unavailable":
            return ~bookable
        return Q(pk__in=[])

    def render(self, objects, now):
        return [resources.slot(session, now) for session in objects]


class AppointmentType(ResourceType):
    name = "Appointment"
    interactions = ("read", "search-type", "create")
    params = {
        "_id": ID,
        "patient": Param("reference", "Patient/<id>: pendaftaran pasien ini (id dari GET Patient)."),
        "date": Param("date", "Perkiraan waktu dilayani (Appointment.start); awalan seperti pada Slot.start."),
        "status": Param("token", "booked, arrived, fulfilled, cancelled, noshow (kode FHIR R4)."),
        "identifier": Param("token", "Kode booking (8 huruf/angka), boleh dengan sistemnya: <sistem>|<kode>."),
    }
    order = ("estimated_at", "pk")

    def rows(self, user):
        return appointments_visible_to(
            user, Appointment.objects.filter(clinic__facility__city=current_city())
        ).select_related("session__practitioner", "clinic__facility")

    def condition(self, query, user, now):
        return (
            super().condition(query, user, now)
            & any_of(query, "patient", self._patient)
            & any_of(query, "date", lambda value: date_condition("date", value, "estimated_at", "date"))
            & any_of(query, "status", lambda value: self._status(token("status", value, APPOINTMENT_CODES)))
            & any_of(query, "identifier", lambda value: Q(booking_code=value.rpartition("|")[2].upper()))
        )

    @staticmethod
    def _patient(value):
        found = patients.decode(reference("patient", value, ("Patient",))[1])
        if found is None:
            return Q(pk__in=[])
        kind, pk = found
        if kind == patients.FAMILY:
            return Q(family_member_id=pk)
        return Q(patient_id=pk, family_member=None)

    @staticmethod
    def _status(code):
        ours = [status for status, fhir in APPOINTMENT_STATUS.items() if fhir == code]
        return Q(status__in=ours) if ours else Q(pk__in=[])

    def render(self, objects, now):
        return [resources.appointment(booking, patients.of_appointment(booking)) for booking in objects]


class PatientType(ResourceType):
    """Read: the citizen, their family members, and the staff who may see one of the person's appointments.
    Search: the people the caller books for (a citizen: themself and their family members)."""

    name = "Patient"
    params = {"_id": ID}

    def get(self, ident, user):
        found = patients.decode(ident)
        if found is None or not user.is_authenticated:
            return None
        kind, pk = found
        if kind == patients.FAMILY:
            person = FamilyMember.objects.filter(pk=pk).first()
            mine = person is not None and person.owner_id == user.pk
            seen = Q(family_member_id=pk)
        else:
            person = User.objects.filter(pk=pk, kind=User.Kind.CITIZEN).first()
            mine = person is not None and person.pk == user.pk
            seen = Q(patient_id=pk, family_member=None)
        if person is None:
            return None
        if mine or appointments_visible_to(user).filter(seen).exists():
            # Under the current key: an id made under a fallback key answers with the person's new id.
            return patients.encode(kind, pk), person
        return None

    def search(self, query, user, now, count, offset):
        wanted = {value for group in query.getlist("_id") for value in group.split(",") if value.strip()}
        people = [(ident, person) for ident, person in patients.bookable_by(user) if not wanted or ident in wanted]
        return len(people), people[offset : offset + count]

    def render(self, objects, now):
        return [resources.patient(person, ident) for ident, person in objects]


# The supported types by name, in the order the CapabilityStatement lists them.
RESOURCE_TYPES = {
    kind.name: kind
    for kind in (
        PractitionerType(),
        OrganizationType(),
        LocationType(),
        HealthcareServiceType(),
        ScheduleType(),
        SlotType(),
        AppointmentType(),
        PatientType(),
    )
}
