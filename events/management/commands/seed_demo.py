"""Idempotent demo data: a dozen events past and future in both languages, a few
members and one admin whose login is printed. Running it twice changes nothing."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from community.models import Role, User
from community.services import user_set_role
from events.models import Event, EventStatus

ADMIN_EMAIL = "admin@spanglish.local"
ADMIN_PASSWORD = "spanglish-admin"  # noqa: S105 - demo only, printed for the newcomer

MEMBERS = [
    ("lucia@example.com", "Lucía Fernández", Role.MEMBER, "es"),
    ("tom@example.com", "Tom Baker", Role.MEMBER, "en"),
    ("carmen@example.com", "Carmen Ruiz", Role.VOLUNTEER, "es"),
    ("olivia@example.com", "Olivia Smith", Role.ORGANIZER, "en"),
]

CATALOG = [
    # days, hour, hours, price, capacity, title_es, title_en, desc_es, desc_en, venue, address
    (
        -60,
        19,
        2,
        "0",
        40,
        "Intercambio de otoño",
        "Autumn language exchange",
        "Nuestro intercambio de cada semana, con mesas por nivel.",
        "Our weekly exchange, with tables by level.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
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
    (
        -14,
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
    (
        -7,
        19,
        2,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés.",
        "Half an hour in Spanish, half in English.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
        2,
        19,
        2,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés, y mesas que se mezclan cada ronda.",
        "Half an hour in Spanish, half an hour in English, and tables that mix every round.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
        5,
        11,
        2,
        "0",
        25,
        "Paseo por el Retiro",
        "Walk in the Retiro park",
        "Un paseo conversando en parejas por el parque.",
        "A walk in pairs through the park, talking.",
        "Puerta de Alcalá",
        "Plaza de la Independencia, Madrid",
    ),
    (
        9,
        19,
        2,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés.",
        "Half an hour in Spanish, half in English.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
        12,
        18,
        3,
        "15.00",
        16,
        "Taller: expresiones coloquiales",
        "Workshop: everyday slang",
        "Aprende las expresiones que no salen en los libros.",
        "Learn the expressions textbooks leave out.",
        "Biblioteca Norte",
        "Calle Fuencarral 45, Madrid",
    ),
    (
        16,
        19,
        2,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés.",
        "Half an hour in Spanish, half in English.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
    (
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
    (
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
    (
        34,
        19,
        2,
        "0",
        40,
        "Intercambio semanal",
        "Weekly language exchange",
        "Media hora en español, media hora en inglés.",
        "Half an hour in Spanish, half in English.",
        "Café Central",
        "Plaza Mayor 1, Madrid",
    ),
]


class Command(BaseCommand):
    help = "Create demo events, members and an admin (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        tz = ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        admin, _ = User.objects.get_or_create(
            email=ADMIN_EMAIL, defaults={"name": "Spanglish Admin", "role": Role.ADMIN}
        )
        if not admin.password or not admin.has_usable_password():
            admin.set_password(ADMIN_PASSWORD)
        # Demo addresses are ours: proven by construction, so passwords work.
        admin.email_verified_at = admin.email_verified_at or timezone.now()
        admin.save()
        user_set_role(user=admin, role=Role.ADMIN)  # superuser and staff flags too
        for email, name, role, language in MEMBERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"name": name, "language": language}
            )
            if created or not user.password:
                user.set_password("spanglish-demo")
            if user.email_verified_at is None:
                user.email_verified_at = timezone.now()
            user.save()
            user_set_role(user=user, role=role)

        made = 0
        for (
            days,
            hour,
            hours,
            price,
            capacity,
            t_es,
            t_en,
            d_es,
            d_en,
            venue,
            address,
        ) in CATALOG:
            day = today + timedelta(days=days)
            starts = datetime.combine(day, time(hour), tzinfo=tz)
            slug = f"{t_en.lower().replace(' ', '-').replace(':', '')}-{day:%Y-%m-%d}"
            _, created = Event.objects.update_or_create(
                slug=slug,
                defaults={
                    "title_es": t_es,
                    "title_en": t_en,
                    "description_es": d_es,
                    "description_en": d_en,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=hours),
                    "venue_name": venue,
                    "venue_address": address,
                    "map_url": "https://www.openstreetmap.org/search?query="
                    + address.replace(" ", "+"),
                    "price": Decimal(price),
                    "currency": settings.DEFAULT_CURRENCY,
                    "capacity": capacity,
                    "status": EventStatus.COMPLETED
                    if days < 0
                    else EventStatus.PUBLISHED,
                },
            )
            made += created
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Event.objects.count()} events ({made} new), "
                f"{User.objects.count()} users."
            )
        )
        self.stdout.write(
            f"Admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}  →  {settings.SITE_URL}/admin/"
        )
        if Role.ADMIN in settings.TWO_FACTOR_REQUIRED_ROLES:
            self.stdout.write(
                "At the first sign-in the admin sets up an authenticator app "
                "(two-factor sign-in; TWO_FACTOR_REQUIRED_ROLES)."
            )
