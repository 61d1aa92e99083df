"""What the "admin reads as one language" tests share: one object of every model
the admin shows, the admin's pages to open, and the English words to look for.

Used by spanglish/tests/test_admin_spanish.py (every page through the test client,
its HTML text and visible attributes) and e2e/test_admin_spanish.py (the same pages
in a browser, with what scripts write).
"""

import re
from datetime import time, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def _words(text: str) -> frozenset:
    return frozenset(text.split())


# English words that are not Spanish words, matched case-insensitively as whole
# words in the text a person sees. Left out on purpose: words Spanish shares with
# English ("no", "total", "error", "general", "real") or borrows as they are
# ("email", "banner", "staff", "token", "click", "series", "online").
ENGLISH_WORDS = _words(
    """
    about access account action actions active add added address after agent all
    already also amount and another any are attempt attempted attempts attendee
    attendees audit available back backend been before being blacklisted body booked
    both but button by can cancel cancelled cannot capacity cash change changed
    changes check checked choose chosen clean clear close code confirm confirmed
    could count counted created currency current data database date dates day days
    delete deleted description details device disabled display done draft duration
    each edit edited either empty enabled end ends enqueued enter event events every
    exception expected expiration expired expires export failed failure failures
    false field fields file filter finished first for form free from full group
    groups have help here hide history home how if image images in into is it item
    items its job jobs just language languages last leave left less locked logins
    logout logs lost made main many method money month more must name names new next
    none not notes now number object objects of offer offered on only open option
    optional or other our out outstanding paid pass passes password past path
    payload payment payments pending permission permissions please preview previous
    price priority provider queue queued reason record refund refunded refunds
    remaining remove required result results role run running save search seat seats
    select selected sent session sessions settings should show since size skip
    skipped some sort start started starts status subject succeeded success task
    tasks technical text than that the their them there these this those ticket
    tickets time title to today traceback true type unknown until up updated upload
    user users value venue view waiting was week welcome were what when where which
    who why will with without worker would year yes yesterday yet you your
    """
)
# Spanish words that are not English words, for the English pages. Left out: words
# English has too ("con", "sin", "son", "plaza", "vista", "todo", "hay").
SPANISH_WORDS = _words(
    """
    el la los las del que para por una unos unas al se su sus tu tus está están
    más también todos toda todas ningún ninguno ninguna sí este esta estos estas
    añadir guardar eliminar borrar buscar filtrar filtro fecha fechas hoy ayer mes
    año semana días día hora cambiar modificar ver historial acción acciones
    seleccionar seleccionado seleccionados inicio cerrar sesión sesiones contraseña
    usuario usuarios grupo grupos permisos nombre correo precio plazas entrada
    entradas evento eventos pago pagos bono bonos reembolso reembolsos estado
    pendiente confirmada cancelada cancelado enviado enviados fallido idioma idiomas
    capacidad lugar dirección descripción título imagen imágenes previa detalles
    técnicos cuando donde desde hasta antes después nuevo nueva otro otra página
    resultados ejecutar opción atrás siguiente anterior mostrar ocultar verdadero
    falso desconocido cualquier último últimos próximos pasados
    """
)
# Phrases that give Django's own untranslated strings away at once.
ENGLISH_PHRASES = (
    "Select an option",
    "Filter by",
    "Search ",
    "Past 7 days",
    "This month",
    "This year",
    "Access attempts",
    "Log out",
)
# Names that read the same in both languages.
PROPER_NOUNS = _words(
    """
    Spanglish Stripe MercadoPago Google Outlook Excel Django WebP JPEG PNG GIF IANA
    Madrid Europe Europa
    """
)
# Names of several words, as Django's own Spanish writes them.
NAMES_WITH_SPACES = ("Single Sign-On", "Google Calendar", "Google Authenticator")
# Visible attributes: what a screen reader says or a pointer shows.
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Not interface: scripts and styles, what was typed into a text area, and machine
# text (<pre> JSON payloads and tracebacks, <code> identifiers) in technical details.
SKIPPED_ELEMENTS = {"script", "style", "template", "textarea", "pre", "code"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _TextParser(HTMLParser):
    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Content marked as another language (an email preview) is not interface.
        other_language = attrs.get("lang") not in (None, "", self.language)
        skipped = self._skipping() or tag in SKIPPED_ELEMENTS or other_language
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, skipped))
        if skipped:
            return
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, language: str = "es") -> str:
    """The page's words as a person reading `language` meets them: text, option
    labels, button values and the title/alt/placeholder/aria-label attributes; no
    scripts, styles, what was typed into a text area, or parts marked with another
    `lang` (an email previewed in the other language)."""
    parser = _TextParser(language)
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _tokens(text: str):
    """Words, leaving out what is not prose: addresses, paths, dotted codes
    (audit actions such as ticket.booked), snake_case ids, acronyms, and letters
    mixed with digits (a UUID's "3add9f…" is not the word "add")."""
    for raw in text.split():
        chunk = raw.strip("()[]{}«»“”\"'.,;:!?¿¡…·|/")
        # "<unknown>": a placeholder a library stored as data, not interface.
        if not chunk or any(c in chunk for c in "@/._=:#<>") or chunk.isupper():
            continue
        if any(c.isdigit() for c in chunk) and any(c.isalpha() for c in chunk):
            continue
        yield from _WORD.findall(chunk)


def _hits(text: str, words: frozenset, phrases=()) -> list[str]:
    for name in NAMES_WITH_SPACES:
        text = text.replace(name, "")
    hits = [phrase for phrase in phrases if phrase in text]
    for word in _tokens(text):
        if word in PROPER_NOUNS:
            continue
        for part in word.replace("’", "'").split("-"):
            if part.lower() in words and part not in hits:
                hits.append(part)
    return hits


def english_hits(text: str) -> list[str]:
    """English words and Django's telltale phrases in `text`, each once."""
    return _hits(text, ENGLISH_WORDS, ENGLISH_PHRASES)


def spanish_hits(text: str) -> list[str]:
    """Spanish words in `text` (an English page), each once."""
    return _hits(text, SPANISH_WORDS)


# --- One object of every model the admin shows --------------------------------


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def build_admin_objects(admin_user):
    """One row of each registered model, with Spanish-looking data (the test looks
    for English in the interface, not in what staff typed). Returns the objects by
    model label."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult
    from rest_framework_simplejwt.tokens import RefreshToken

    from calendars.models import Click, EventWidgetSettings, WidgetSettings
    from calendars.services import feed_token_get_or_create
    from community.audit import audit_record
    from community.models import AuditLog, LanguageSkill
    from community.tests.factories import UserFactory
    from door.models import CashCount, CashUp, OfflineCheckin
    from emails.models import BulkEmail, EmailLog, EmailStatus
    from events import services as event_services
    from events.models import EventStatus
    from events.tests.factories import EventFactory
    from operations.models import ScheduledJob
    from passes.tests.factories import PassFactory, PassProductFactory
    from payments.models import (
        Payment,
        PaymentNotification,
        PaymentStatus,
        Provider,
        Refund,
        RefundStatus,
    )
    from tickets.models import PaymentMethod, WaitingListEntry
    from tickets.tests.factories import TicketFactory

    now = timezone.now()
    # Faker's names could hold a word of either list ("Al", "Del"): fixed ones.
    admin_user.name = "Ada Lovelace"
    admin_user.save(update_fields=["name"])
    member = UserFactory(name="Lucía Pérez", email="lucia@ejemplo.es", language="es")
    LanguageSkill.objects.create(user=member, language="es", kind="native")
    series = event_services.series_create(
        actor=admin_user,
        slug="intercambio-martes",
        title_es="Intercambio de los martes",
        title_en="Tuesday exchange",
        start_date=(now + timedelta(days=2)).date(),
        start_time=time(19, 0),
        count=2,
        venue_name="Café Central",
        price=Decimal("5.00"),
        currency="EUR",
    )
    event = EventFactory(
        slug="noche-de-juegos",
        title_es="Noche de juegos",
        title_en="Board games night",
        description_es="Juegos de mesa.",
        description_en="Board games.",
        price=Decimal("15.00"),
        seats_es_native=8,
        seats_en_native=8,
    )
    past = EventFactory(
        slug="cena-pasada",
        title_es="Cena pasada",
        title_en="Last dinner",
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=10, hours=-2),
        status=EventStatus.COMPLETED,
    )
    ticket = TicketFactory(
        event=event, user=member, payment_method=PaymentMethod.ONLINE
    )
    WaitingListEntry.objects.create(
        event=event, user=member, name="Lucía Pérez", email=member.email
    )
    payment = Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        event=event,
        provider=Provider.STRIPE,
        amount=Decimal("15.00"),
        currency="EUR",
        status=PaymentStatus.PARTIALLY_REFUNDED,
        refunded_amount=Decimal("5.00"),
        provider_reference="cs_prueba_1",
        provider_payment_id="pi_prueba_1",
        raw={"id": "pi_prueba_1", "amount": 1500},
        checkout_url="https://checkout.stripe.test/c/1",
    )
    Refund.objects.create(
        payment=payment,
        amount=Decimal("5.00"),
        status=RefundStatus.SUCCEEDED,
        provider_refund_id="re_prueba_1",
        idempotency_key="refund-1",
        actor=admin_user,
    )
    PaymentNotification.objects.create(
        provider=Provider.STRIPE,
        event_id="evt_prueba_1",
        event_type="checkout.session.completed",
        payment=payment,
        payload={"id": "evt_prueba_1"},
        result="ok",
    )
    product = PassProductFactory(
        name_es="Bono de cinco", name_en="Five sessions", series=series
    )
    PassFactory(product=product, user=member)
    WidgetSettings.objects.create()
    EventWidgetSettings.objects.create(event=event)
    Click.objects.create(event=event, type="google", visitor="abc123")
    feed_token_get_or_create(user=member)
    ScheduledJob.objects.create(
        name="tickets.tasks.expire_holds",
        schedule="* * * * *",
        last_started_at=now,
        last_succeeded_at=now,
        last_duration=timedelta(seconds=1),
        runs=3,
    )
    bulk = BulkEmail.objects.create(
        audience="event_attendees",
        audience_params={"event": str(event.pk)},
        subject_es="Spanglish Madrid",
        body_es="Nos vemos el martes.",
        subject_en="Spanglish Madrid",
        body_en="See you on Tuesday.",
        created_by=admin_user,
    )
    EmailLog.objects.create(
        user=member,
        to_email=member.email,
        template="tickets/confirmation",
        language="es",
        subject="Spanglish Madrid",
        body_text="Hola Lucía",
        body_html="<p>Hola Lucía</p>",
        headers={"X-Spanglish": "1"},
        status=EmailStatus.SENT,
        attempts=1,
        sent_at=now,
    )
    del bulk
    CashCount.objects.create(event=past, volunteer=admin_user, counted=Decimal("20"))
    CashUp.objects.create(
        event=past,
        currency="EUR",
        expected=Decimal("20.00"),
        counted=Decimal("20.00"),
        difference=Decimal("0.00"),
        online_total=Decimal("0.00"),
        closed_by=admin_user,
        closed_at=now,
    )
    OfflineCheckin.objects.create(
        client_id="movil-1",
        device_id="movil",
        event=event,
        ticket=ticket,
        code=ticket.code,
        checked_in_at=now,
        actor=admin_user,
        outcome="ok",
    )
    event_services.event_image_upload(
        file=SimpleUploadedFile("foto.jpg", _jpeg(), "image/jpeg"),
        event=event,
        uploaded_by=admin_user,
    )
    audit_record(action="event.updated", actor=admin_user, target=event)
    Group.objects.get_or_create(name="Organizers")
    refresh = RefreshToken.for_user(member)
    refresh.blacklist()
    DBTaskResult.objects.create(
        task_path="emails.tasks.send_email",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )
    AccessAttempt.objects.create(
        username="lucia@ejemplo.es",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="username=lucia@ejemplo.es",
        failures_since_start=2,
    )
    AccessLog.objects.create(
        username="lucia@ejemplo.es",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
    )
    AccessFailureLog.objects.create(
        username="lucia@ejemplo.es",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        locked_out=False,
    )
    assert AuditLog.objects.exists()
    return {"event": event, "series": series, "payment": payment, "member": member}


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def admin_pages(request, objects) -> list[str]:
    """Every admin page a person may open for the objects built above: the index,
    each app's page, every changelist with its filters' first choice, add pages
    where the admin allows adding, every change, history and delete page, the
    password forms and the custom views (previews, action forms)."""
    site = admin.site
    pages = ["/admin/", "/admin/password_change/"]
    missing = []
    for model, model_admin in site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue  # an organizer's admin leaves it out
        pages.append(reverse("admin:app_list", args=[opts.app_label]))
        pages.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{prefix}_add"))
        obj = model_admin.get_queryset(request).first()
        if obj is None:
            missing.append(opts.label)
            continue
        pages.append(reverse(f"{prefix}_change", args=[obj.pk]))
        pages.append(reverse(f"{prefix}_history", args=[obj.pk]))
        if model_admin.has_delete_permission(request, obj):
            pages.append(reverse(f"{prefix}_delete", args=[obj.pk]))
    assert not missing, f"build_admin_objects makes no row of: {missing}"
    member = objects["member"]
    event = objects["event"]
    if request.user.is_superuser:
        pages.append(reverse("admin:auth_user_password_change", args=[member.pk]))
    pages += [
        f"{reverse('admin:events_event_changelist')}?q=juegos",
        f"{reverse('admin:events_event_changelist')}?status__exact=draft",
        f"{reverse('admin:tickets_ticket_changelist')}?event__id__exact={event.pk}",
        f"{reverse('admin:payments_payment_changelist')}?flagged__exact=1",
    ]
    pages.append(reverse("admin:events_event_duplicate", args=[event.pk]))
    # The back office's own admin pages (the index is its dashboard).
    pages.append(_url("backoffice:reports"))
    pages.append(f"{reverse('admin:events_event_changelist')}?when=past")
    pages.append(f"{reverse('admin:events_event_changelist')}?when=all")
    bulk_id = __import__("emails.models").models.BulkEmail.objects.get().pk
    for language in ("es", "en"):
        pages.append(
            reverse("admin:emails_bulkemail_preview", args=[bulk_id, language])
        )
    return [page for page in dict.fromkeys(pages) if page]


# Action forms: (changelist url name, action, model to pick the first row of).
ACTION_PAGES = [
    ("admin:events_eventseries_changelist", "skip_date", "events.EventSeries"),
    (
        "admin:events_eventseries_changelist",
        "apply_to_future_sessions",
        "events.EventSeries",
    ),
    ("admin:payments_payment_changelist", "refund_action", "payments.Payment"),
    ("admin:passes_passproduct_changelist", "sell_cash_action", "passes.PassProduct"),
]
