"""Working-time arithmetic on a city's calendar.

Plain Python with no database access: a `WorkingCalendar` is built from the
city profile (`City.calendar()`) and answers "when is N working hours/days
after this moment" in the city's own time zone.
"""

from datetime import datetime, timedelta

# A calendar with a working day somewhere in the next year is sane; beyond
# that the profile is broken and we refuse rather than loop for ever.
_MAX_DAYS_SCANNED = 366


class WorkingCalendar:
    def __init__(self, *, zone, hours, holidays=()):
        """zone: a tzinfo; hours: {weekday (Mon=0): (opens, closes)}; holidays: dates."""
        self.zone = zone
        self.hours = dict(hours)
        self.holidays = frozenset(holidays)

    def is_working_day(self, day):
        return day.weekday() in self.hours and day not in self.holidays

    def window(self, day):
        """(opening, closing) of a working day as aware datetimes, or None."""
        if not self.is_working_day(day):
            return None
        opens, closes = self.hours[day.weekday()]
        return (
            datetime.combine(day, opens, tzinfo=self.zone),
            datetime.combine(day, closes, tzinfo=self.zone),
        )

    def next_working_day(self, day):
        for _ in range(_MAX_DAYS_SCANNED):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("Kalender kerja tidak memiliki hari kerja dalam setahun.")

    def next_working_moment(self, moment):
        """The moment itself if within working hours, else the next opening."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            # astimezone() would read a naive moment in the server's zone, not the city's.
            raise ValueError("moment must be timezone-aware")
        local = moment.astimezone(self.zone)
        window = self.window(local.date())
        if window:
            opens, closes = window
            if local < opens:
                return opens
            if local < closes:
                return local
        return self.window(self.next_working_day(local.date()))[0]

    def add_working_seconds(self, start, seconds):
        """The moment `seconds` of working time after `start`."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        moment = self.next_working_moment(start)
        remaining = timedelta(seconds=seconds)
        while True:
            closes = self.window(moment.date())[1]
            available = closes - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
            moment = self.window(self.next_working_day(moment.date()))[0]

    def add_working_hours(self, start, hours):
        return self.add_working_seconds(start, hours * 3600)

    def add_working_days(self, start, days):
        """Same time of day, `days` working days later ("3 working days from Friday 15:00" is Wednesday 15:00).

        A start outside working hours counts from the next opening. If the
        target day closes earlier than the start's time of day, the deadline
        is that day's closing.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        moment = self.next_working_moment(start)
        day = moment.date()
        for _ in range(days):
            day = self.next_working_day(day)
        opens, closes = self.window(day)
        target = datetime.combine(day, moment.time(), tzinfo=self.zone)
        return min(max(target, opens), closes)

    def working_seconds_between(self, start, end):
        """Working seconds from start to end (0 if end is not after start)."""
        if end <= start:
            return 0
        total = timedelta()
        moment = self.next_working_moment(start)
        while moment < end:
            closes = self.window(moment.date())[1]
            total += min(closes, end) - moment
            moment = self.window(self.next_working_day(moment.date()))[0]
        return int(total.total_seconds())
