"""Idempotent demo data around today: one-off events past and future (free socials,
paid workshops), two series of regular meetups with their upcoming sessions,
generated banner images stored through the media app (so their variants exist), and
one account per role, whose logins are printed with the site's links.

Running it again adds nothing twice: the one-off events keep their slugs and are
moved to the same distance from the new today, series only grow to their horizon,
and images are drawn once. Links use SITE_URL, which `make run` sets from HOST and
PORT.
"""

import io
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from community.models import Role, User
from community.services import user_set_role
from events.models import Event, EventSeries, EventStatus, SeriesFrequency
from events.services import series_create, series_generate_sessions
from events.services.events import event_update
from events.services.images import event_image_create
from media.imaging import image_sanitise
from media.models import MediaRole

ADMIN_EMAIL = "admin@spanglish.local"
ADMIN_PASSWORD = "spanglish-admin"  # noqa: S105 - demo only, printed for the newcomer
DEMO_PASSWORD = "spanglish-demo"  # noqa: S105 - demo only, printed for the newcomer

MEMBERS = [
    ("olivia@example.com", "Olivia Smith", Role.ORGANIZER, "en"),
    ("carmen@example.com", "Carmen Ruiz", Role.VOLUNTEER, "es"),
    ("lucia@example.com", "Lucía Fernández", Role.MEMBER, "es"),
    ("tom@example.com", "Tom Baker", Role.MEMBER, "en"),
]
ROLE_LABELS = {
    Role.ADMIN: "admin",
    Role.ORGANIZER: "organizer",
    Role.VOLUNTEER: "volunteer",
    Role.MEMBER: "member",
}

BANNER_SIZE = (1600, 840)
# Background gradients (top-left → bottom-right) and an accent, one per banner.
PALETTES = [
    ((201, 42, 42), (245, 159, 0), (255, 236, 153)),
    ((12, 74, 110), (34, 139, 230), (165, 216, 255)),
    ((43, 138, 62), (148, 216, 45), (216, 245, 162)),
    ((95, 61, 196), (230, 73, 128), (255, 222, 235)),
    ((8, 127, 140), (21, 170, 191), (153, 233, 242)),
    ((232, 89, 12), (250, 82, 82), (255, 216, 168)),
]
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


@dataclass(frozen=True)
class Demo:
    """One demo event, `days` from today (negative: in the past)."""

    slug: str
    days: int
    hour: int
    hours: int
    price: str
    capacity: int
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    venue: str
    address: str


CATALOG = [
    Demo(
        "pronunciation-workshop",
        -30,
        18,
        3,
        "12.00",
        20,
        "Taller de pronunciación",
        "Pronunciation workshop",
        "Practica los sonidos más difíciles del inglés con una profesora nativa.",
        "Practise the trickiest Spanish sounds with a native teacher.",
        "Biblioteca Norte",
        "Calle Fuencarral 45, Madrid",
    ),
    Demo(
        "autumn-tapas-night",
        -12,
        20,
        3,
        "0",
        60,
        "Noche de tapas de otoño",
        "Autumn tapas night",
        "Conversación informal con tapas. ¡Trae a un amigo!",
        "Casual conversation over tapas. Bring a friend!",
        "Bar La Latina",
        "Calle Toledo 80, Madrid",
    ),
    Demo(
        "walk-in-the-retiro",
        5,
        11,
        2,
        "0",
        25,
        "Paseo por el Retiro",
        "Walk in the Retiro park",
        "Un paseo conversando en parejas por el parque. Gratis: solo trae ganas "
        "de hablar.",
        "A walk in pairs through the park, talking. Free: just bring your voice.",
        "Puerta de Alcalá",
        "Plaza de la Independencia, Madrid",
    ),
    Demo(
        "everyday-slang-workshop",
        8,
        18,
        3,
        "15.00",
        16,
        "Taller: expresiones coloquiales",
        "Workshop: everyday slang",
        "Aprende las expresiones que no salen en los libros, con ejemplos de series "
        "y canciones. Paga con tarjeta o en la puerta.",
        "Learn the expressions textbooks leave out, with examples from TV and songs. "
        "Pay by card or at the door.",
        "Biblioteca Norte",
        "Calle Fuencarral 45, Madrid",
    ),
    Demo(
        "tapas-night",
        13,
        20,
        3,
        "0",
        60,
        "Noche de tapas",
        "Tapas night",
        "Conversación informal con tapas. ¡Trae a un amigo!",
        "Casual conversation over tapas. Bring a friend!",
        "Bar La Latina",
        "Calle Toledo 80, Madrid",
    ),
    Demo(
        "spanglish-party",
        20,
        20,
        3,
        "8.00",
        80,
        "Fiesta Spanglish",
        "Spanglish party",
        "Música, juegos y conversación en los dos idiomas.",
        "Music, games and talk in both languages.",
        "Sala Clamores",
        "Calle Alburquerque 14, Madrid",
    ),
    Demo(
        "bilingual-cooking-class",
        27,
        12,
        4,
        "25.00",
        12,
        "Taller de cocina bilingüe",
        "Bilingual cooking class",
        "Cocinamos una paella mientras practicamos vocabulario.",
        "We cook a paella while practising vocabulary.",
        "Escuela de Cocina Sol",
        "Calle Mayor 12, Madrid",
    ),
]

# Regular meetups: (slug, frequency, first date from today, hour, price, capacity,
# title_es, title_en, description_es, description_en, venue, address).
SERIES = [
    (
        "weekly-exchange",
        SeriesFrequency.WEEKLY,
        -21,
        19,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés, y mesas que se mezclan cada "
        "ronda.",
        "Half an hour in Spanish, half an hour in English, and tables that mix "
        "every round.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
        "conversation-club",
        SeriesFrequency.BIWEEKLY,
        -10,
        11,
        "3.00",
        16,
        "Club de conversación (nivel intermedio)",
        "Conversation club (intermediate)",
        "Un tema cada vez, grupos pequeños y un café incluido.",
        "One topic each time, small groups and a coffee included.",
        "Librería Desnivel",
        "Plaza Matute 6, Madrid",
    ),
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)  # Pillow's own font, everywhere


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def banner_png(*, title: str, subtitle: str, seed: str, palette: int) -> bytes:
    """A banner drawn from scratch: a diagonal gradient, soft circles, the titles.
    The same seed draws the same picture."""
    rng = random.Random(seed)  # noqa: S311 - shapes, not secrets
    start, end, accent = PALETTES[palette % len(PALETTES)]
    width, height = BANNER_SIZE
    # A diagonal gradient: the mean of a left-to-right and a top-to-bottom ramp.
    down = Image.linear_gradient("L").resize(BANNER_SIZE)
    across = (
        Image.linear_gradient("L").rotate(90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    )
    ramp = Image.blend(across.resize(BANNER_SIZE), down, 0.5)
    image = Image.composite(
        Image.new("RGB", BANNER_SIZE, end), Image.new("RGB", BANNER_SIZE, start), ramp
    )
    shapes = Image.new("RGBA", BANNER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(7):
        r = rng.randint(90, 320)
        x, y = rng.randint(-100, width + 100), rng.randint(-100, height + 100)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*accent, rng.randint(40, 90)))
    for _ in range(3):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(40, 120)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), outline=(255, 255, 255, 110), width=10
        )
    shapes = shapes.filter(ImageFilter.GaussianBlur(3))
    image = Image.alpha_composite(image.convert("RGBA"), shapes)

    # Shade fading in towards the bottom keeps the text readable on any gradient.
    shade = down.point(lambda v: max(0, v - 80) * 180 // 175)
    image = Image.alpha_composite(
        image, Image.merge("RGBA", (*Image.new("RGB", BANNER_SIZE).split(), shade))
    )
    draw = ImageDraw.Draw(image)
    big, small, tag = _font(96), _font(54), _font(40)
    lines = _wrap(draw, title, big, width - 200)[:2]
    y = height - 120 - 110 * len(lines) - 70
    for line in lines:
        draw.text((100, y), line, font=big, fill="white")
        y += 110
    draw.text((100, y + 10), subtitle, font=small, fill=(*accent, 255))
    draw.text((100, 70), "SPANGLISH", font=tag, fill="white")
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG")
    return out.getvalue()


def _add_banner(event: Event, *, palette: int, sessions=()) -> bool:
    """Draw and store a banner for `event` (and the same one for `sessions`), through
    the media app so its variants are made. False when it already has one."""
    if event.banner_id:
        return False
    data = banner_png(
        title=event.title_es, subtitle=event.title_en, seed=event.slug, palette=palette
    )
    image = image_sanitise(
        data,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_pixels=settings.MEDIA_MAX_PIXELS,
    )
    media = event_image_create(
        image=image,
        event=event,
        role=MediaRole.BANNER,
        alt_es=f"Cartel: {event.title_es}",
        alt_en=f"Banner: {event.title_en}",
    )
    for session in sessions:
        if not session.banner_id:
            event_update(event=session, banner=media)
    return True


class Command(BaseCommand):
    help = (
        "Create demo events, regular meetups, banners and one account per role "
        "(idempotent); print the logins and links."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        accounts = self._accounts()
        made = self._events()
        sessions = self._series()
        drawn = self._banners()
        self._print(accounts, made=made, sessions=sessions, drawn=drawn)

    def _accounts(self) -> list[tuple[str, str, str]]:
        admin, _ = User.objects.get_or_create(
            email=ADMIN_EMAIL, defaults={"name": "Spanglish Admin", "role": Role.ADMIN}
        )
        if not admin.password or not admin.has_usable_password():
            admin.set_password(ADMIN_PASSWORD)
        # Demo addresses are ours: proven by construction, so passwords work.
        admin.email_verified_at = admin.email_verified_at or timezone.now()
        admin.save()
        user_set_role(user=admin, role=Role.ADMIN)  # superuser and staff flags too
        accounts = [(Role.ADMIN, ADMIN_EMAIL, ADMIN_PASSWORD)]
        for email, name, role, language in MEMBERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"name": name, "language": language}
            )
            if created or not user.password:
                user.set_password(DEMO_PASSWORD)
            if user.email_verified_at is None:
                user.email_verified_at = timezone.now()
            user.save()
            user_set_role(user=user, role=role)
            accounts.append((role, email, DEMO_PASSWORD))
        return accounts

    def _events(self) -> int:
        """The one-off events, at the same distance from today on every run."""
        tz = ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        made = 0
        for demo in CATALOG:
            starts = datetime.combine(
                today + timedelta(days=demo.days), time(demo.hour), tzinfo=tz
            )
            event, created = Event.objects.update_or_create(
                slug=demo.slug,
                defaults={
                    "title_es": demo.title_es,
                    "title_en": demo.title_en,
                    "description_es": demo.description_es,
                    "description_en": demo.description_en,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=demo.hours),
                    "venue_name": demo.venue,
                    "venue_address": demo.address,
                    "map_url": "https://www.openstreetmap.org/search?query="
                    + demo.address.replace(" ", "+"),
                    "price": Decimal(demo.price),
                    "currency": settings.DEFAULT_CURRENCY,
                    "capacity": demo.capacity,
                    "status": EventStatus.COMPLETED
                    if demo.days < 0
                    else EventStatus.PUBLISHED,
                },
            )
            made += created
        return made

    def _series(self) -> int:
        """Create each series once (its first date fixed then), then extend it to
        its horizon: a run days later adds the sessions that came into reach."""
        today = timezone.localdate()
        generated = 0
        for (
            slug,
            frequency,
            first_day,
            hour,
            price,
            capacity,
            t_es,
            t_en,
            d_es,
            d_en,
            venue,
            address,
        ) in SERIES:
            series = EventSeries.objects.filter(slug=slug).first()
            if series is None:
                before = 0
                series = series_create(
                    slug=slug,
                    frequency=frequency,
                    start_date=today + timedelta(days=first_day),
                    start_time=time(hour),
                    duration=timedelta(hours=2),
                    title_es=t_es,
                    title_en=t_en,
                    description_es=d_es,
                    description_en=d_en,
                    venue_name=venue,
                    venue_address=address,
                    price=Decimal(price),
                    currency=settings.DEFAULT_CURRENCY,
                    capacity=capacity,
                )
            else:
                before = series.sessions.count()
                series_generate_sessions(series=series)
            generated += series.sessions.count() - before
        return generated

    def _banners(self) -> int:
        drawn = 0
        for index, demo in enumerate(CATALOG):
            event = Event.objects.get(slug=demo.slug)
            drawn += _add_banner(event, palette=index)
        for index, row in enumerate(SERIES, start=len(CATALOG)):
            sessions = list(
                Event.objects.filter(series__slug=row[0]).order_by("starts_at")
            )
            if not sessions:
                continue
            # One picture for the whole series: every session shows the same one.
            shared = next((s for s in sessions if s.banner_id), None)
            if shared is None:
                drawn += _add_banner(sessions[0], palette=index, sessions=sessions[1:])
            else:
                for session in sessions:
                    if not session.banner_id:
                        event_update(event=session, banner=shared.banner)
        return drawn

    def _print(self, accounts, *, made: int, sessions: int, drawn: int):
        site = settings.SITE_URL
        with translation.override(settings.LANGUAGE_CODE):
            door = site + reverse("door:landing")
            login = site + reverse("community:login")
            home = site + reverse("events:home")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Event.objects.count()} events ({made} new), "
                f"{EventSeries.objects.count()} regular meetups ({sessions} new "
                f"sessions), {drawn} new banners, {User.objects.count()} users."
            )
        )
        self.stdout.write(f"Site:       {home}")
        self.stdout.write(f"Admin:      {site}/admin/")
        self.stdout.write(f"Door:       {door}  (sign in as the volunteer)")
        self.stdout.write(f"API docs:   {site}/api/docs/")
        self.stdout.write(f"Sign in at {login} with:")
        width = max(len(email) for _, email, _ in accounts)
        for role, email, password in accounts:
            where = {
                Role.ADMIN: f"{site}/admin/",
                Role.ORGANIZER: f"{site}/admin/",
                Role.VOLUNTEER: door,
            }.get(role, home)
            self.stdout.write(
                f"  {ROLE_LABELS[role]:<10} {email:<{width}}  {password:<16} → {where}"
            )
        if Role.ADMIN in settings.TWO_FACTOR_REQUIRED_ROLES:
            self.stdout.write(
                "At the first sign-in the admin sets up an authenticator app "
                "(two-factor sign-in; TWO_FACTOR_REQUIRED_ROLES)."
            )
        if not (settings.STRIPE_SECRET_KEY or settings.MERCADOPAGO_ACCESS_TOKEN):
            self.stdout.write(
                "Paid events offer paying at the door; set STRIPE_SECRET_KEY (a test "
                "key) in .env to offer card payment too."
            )
