"""What the sample-data generators' management commands share (generate_reports, generate_applications,
generate_appointments): their common options, the checks before they write, and how they report."""

from django.conf import settings
from django.core.management.base import CommandError

from cities.models import current_city, forget_current_city


def add_generator_arguments(parser, noun, batch_size):
    """--seed, --batch-size and --force; `noun` names what is made ("laporan")."""
    parser.add_argument("--seed", type=int, default=None, help="benih acak: benih sama, data sama")
    parser.add_argument("--batch-size", type=int, default=batch_size, help=f"{noun} per batch ({batch_size})")
    parser.add_argument("--force", action="store_true", help="jalankan juga bila DEBUG mati (bukan untuk produksi)")


def check_generator_options(noun, *, force, count, batch_size, **spans):
    """CommandError unless sample data may be written here (DEBUG, or --force) and the count, each span
    given ({"years": 3, "days": None}: None is not given) and the batch size are at least 1."""
    if not settings.DEBUG and not force:
        raise CommandError(
            f"DEBUG mati: data {noun} contoh tidak dibuat di server produksi. "
            "Pakai --force bila ini memang server uji atau benchmark."
        )
    if count < 1:
        raise CommandError(f"Jumlah {noun} harus paling sedikit 1.")
    for option, value in spans.items():
        if value is not None and value < 1:
            raise CommandError(f"--{option} harus paling sedikit 1.")
    if batch_size < 1:
        raise CommandError("--batch-size harus paling sedikit 1.")


def city_to_fill():
    """The current city, read afresh; CommandError if its profile is not loaded yet."""
    forget_current_city()
    city = current_city()
    if city is None:
        raise CommandError(
            f"Profil kota '{settings.CITY}' belum dimuat. Jalankan dulu: manage.py load_city {settings.CITY}"
        )
    return city


def run_generator(generate, city, count, **options):
    """`generate(city, count, **options)`; a ValueError it raises (the city not ready for it) as a CommandError."""
    try:
        return generate(city, count, **options)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def progress_printer(stdout, batch_size, count):
    """A progress(done, total) for a generator: writes "done / total" about every tenth of `count`."""
    step = max(count // 10, batch_size)

    def progress(done, total):
        if done == total or done % step < batch_size:
            stdout.write(dots(f"  {done:,} / {total:,}"))

    return progress


def status_summary(statuses, choices):
    """{status: number} as "label number, …", the most frequent first; `choices` is the status choices class."""
    ordered = sorted(statuses.items(), key=lambda item: -item[1])
    return ", ".join(f"{choices(status).label.lower()} {number}" for status, number in ordered)


def dots(text):
    """1,000 → 1.000, as Indonesian writes it."""
    return text.replace(",", ".")
