"""Visitor pages: booking, the ticket page, cancelling, the waiting list, and a
member's own tickets (mounted at /<lang>/account/tickets/ as tickets:mine)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.services import user_get_or_create_by_email
from events.models import Event
from payments.selectors import online_providers
from tickets import services
from tickets.access import (
    booked_by_email_message,
    may_access_ticket,
    remember_emailed,
    remember_ticket,
    session_holds,
)
from tickets.forms import BookingForm, WaitlistForm
from tickets.links import entry_id_from_token, ticket_id_from_token
from tickets.models import PaymentMethod, Ticket, TicketStatus, WaitingListEntry
from tickets.qr import ticket_qr_svg
from tickets.ratelimit import booking_rate_limit_message, booking_rate_limited
from tickets.selectors import pays_ahead
from tickets.ticket_state import ticket_state


def _person(request, form):
    """The account a booking is for: the signed-in user, or one matched or created
    by the email typed. A visitor is never signed in to a matched account."""
    if request.user.is_authenticated:
        return request.user, "", ""
    user, _created = user_get_or_create_by_email(
        email=form.cleaned_data["email"],
        name=form.cleaned_data["name"],
        language=getattr(request, "LANGUAGE_CODE", ""),
    )
    return user, form.cleaned_data["name"], form.cleaned_data["email"]


def _after_booking(request, ticket: Ticket, provider: str):
    remember_ticket(request, ticket)
    if ticket.status == TicketStatus.PENDING_PAYMENT and provider:
        try:
            url = reverse("payments:start", kwargs={"ticket_id": ticket.pk})
        except NoReverseMatch:
            return redirect(ticket)
        return redirect(f"{url}?provider={provider}")
    messages.success(request, _("Your ticket is booked. We have emailed it to you."))
    return redirect(ticket)


def _emailed(request, event: Event, ticket: Ticket | None, email: str):
    """Anyone may type anyone's email, so the browser is not given the ticket: the
    link goes to the address, whose owner opens it (ticket_manage). `ticket` is
    None when nothing was booked (a deactivated account): the same answer."""
    if ticket is not None and session_holds(request, ticket):  # opened its link
        messages.info(request, _("You already have a ticket for this event."))
        return redirect(ticket)
    messages.success(request, booked_by_email_message(email))
    return redirect(event)


@require_POST
def book(request, event_id):
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    form = BookingForm(request.POST, event=event, user=request.user)
    if not form.is_valid():
        return render(
            request, "tickets/book.html", {"event": event, "form": form}, status=400
        )
    signed_in = request.user.is_authenticated
    if not signed_in and booking_rate_limited(
        request=request, event=event, email=form.cleaned_data["email"]
    ):
        form.add_error(None, booking_rate_limit_message())
        return render(
            request, "tickets/book.html", {"event": event, "form": form}, status=429
        )
    user, name, email = _person(request, form)
    # An unpaid hold that ran out is over even before the minute job marks it:
    # booking again gives a fresh ticket, not the stale one back.
    services.tickets_expire_stale(event=event, user=user)
    try:
        ticket, created = services.ticket_book(
            event=event,
            user=user,
            payment_method=form.payment_method,
            attendee_name=name,
            attendee_email=email,
            side=form.chosen_side,
            by_email_only=not signed_in,
        )
    except services.SoldOut as exc:
        messages.error(request, exc.message)
        return redirect(event)
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(
            request, "tickets/book.html", {"event": event, "form": form}, status=400
        )
    if not signed_in:
        remember_emailed(request, event=event, email=email)
        return _emailed(request, event, ticket, email)
    if not created:
        messages.info(request, _("You already have a ticket for this event."))
        return redirect(ticket)
    return _after_booking(request, ticket, form.provider)


def _holder_ticket_or_404(request, pk) -> Ticket:
    ticket = get_object_or_404(
        Ticket.objects.select_related("event", "event__banner"), pk=pk
    )
    # Anyone but the holder gets a 404, not a hint that the ticket exists.
    if not may_access_ticket(request, ticket):
        raise Http404
    return ticket


def _payment_links(ticket: Ticket) -> list[tuple[str, str]]:
    """(provider label, link) for each online provider. Visitors who booked by
    email pay from the ticket page (the link in the email), so each provider gets
    its own link: payments:start needs to know which."""
    try:
        start = reverse("payments:start", kwargs={"ticket_id": ticket.pk})
    except NoReverseMatch:
        return []
    return [(label, f"{start}?provider={code}") for code, label in online_providers()]


def _rebook(event: Event) -> str:
    """After a hold ran out: "book" again, "waitlist" when full, "" when closed."""
    if not event.is_bookable:
        return ""
    return "waitlist" if event.is_sold_out else "book"


@never_cache
@require_GET
def ticket_detail(request, pk):
    ticket = _holder_ticket_or_404(request, pk)
    event = ticket.event
    state = ticket_state(ticket)
    context = {
        "ticket": ticket,
        "event": event,
        "state": state,
        # The QR only on a ticket that gets its holder in: never on an unpaid one.
        "qr_svg": ticket_qr_svg(ticket) if state.admits else "",
        "may_cancel": services.ticket_holder_may_cancel(ticket),
        "paid_online": ticket.payment_method == PaymentMethod.ONLINE
        and ticket.status == TicketStatus.CONFIRMED,
        "payment_links": _payment_links(ticket) if state.pending else [],
        # A door booking made by email for someone who must pay ahead was held for
        # online payment instead (services.ticket_book): say why, to the holder only.
        "must_pay_ahead": state.pending
        and ticket.user is not None
        and pays_ahead(ticket.user),
        "rebook": _rebook(event) if state.hold_expired else "",
        # Booked by someone who only typed the address: the holder says it is theirs.
        "ask_holder_confirm": ticket.holder_confirmed_at is None
        and ticket.status == TicketStatus.CONFIRMED
        and not event.is_past,
    }
    return render(request, "tickets/ticket_detail.html", context)


@never_cache
@require_GET
def ticket_manage(request, token):
    """The link from the email: remember the ticket in this browser, then show it.
    Opening it changes nothing else: mail scanners open links too. The holder takes
    the ticket up (so it may count as a no-show) with the page's button."""
    ticket_id = ticket_id_from_token(token)
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    if ticket is None:
        raise Http404
    remember_ticket(request, ticket)
    return redirect(ticket)


@require_POST
def ticket_holder_confirm(request, pk):
    """The holder takes the ticket up ("Yes, I'm coming"), from a browser that
    opened the emailed link or as its signed-in owner; anyone else gets a 404."""
    ticket = get_object_or_404(Ticket, pk=pk)
    if not may_access_ticket(request, ticket):
        raise Http404
    services.ticket_holder_confirm(ticket=ticket)
    messages.success(request, _("Thank you: see you there!"))
    return redirect(ticket)


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_cancel(request, pk):
    """GET asks "are you sure?" (and changes nothing: mail scanners open links);
    the page's POST (CSRF-protected) cancels. Holders only; others get a 404."""
    ticket = _holder_ticket_or_404(request, pk)
    if request.method == "GET":
        return render(
            request,
            "tickets/ticket_cancel.html",
            {
                "ticket": ticket,
                "event": ticket.event,
                "state": ticket_state(ticket),
                "may_cancel": services.ticket_holder_may_cancel(ticket),
            },
        )
    try:
        services.ticket_cancel_by_holder(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your ticket is cancelled and the seat is free."))
    return redirect(ticket)


@require_POST
def waitlist_join(request, event_id):
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    form = WaitlistForm(request.POST, event=event, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "tickets/waitlist_join.html",
            {"event": event, "form": form},
            status=400,
        )
    signed_in = request.user.is_authenticated
    # The booking form's limits: each anonymous join may create an account.
    if not signed_in and booking_rate_limited(
        request=request, event=event, email=form.cleaned_data["email"]
    ):
        form.add_error(None, booking_rate_limit_message())
        return render(
            request,
            "tickets/waitlist_join.html",
            {"event": event, "form": form},
            status=429,
        )
    user, name, email = _person(request, form)
    try:
        services.waitlist_join(
            event=event,
            user=user,
            name=name,
            email=email,
            side=form.chosen_side,
            by_email_only=not signed_in,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(event)
    if not signed_in:
        # One answer whatever the address holds (see services.waitlist_join).
        messages.success(request, _waitlisted_by_email_message(email))
        return redirect(event)
    messages.success(
        request,
        _(
            "You are on the waiting list. If a seat frees up we will email you a "
            "link to book it."
        ),
    )
    return redirect(event)


def _waitlisted_by_email_message(email: str) -> str:
    return _(
        "Check your email. If a seat frees up, we will send a link to book it to "
        "%(email)s. If that address already has a ticket for this event, we have "
        "emailed it again."
    ) % {"email": email}


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_offer(request, token):
    """The link from the offer email: book the seat kept for this person."""
    entry_id = entry_id_from_token(token)
    entry = (
        WaitingListEntry.objects.select_related("event", "user")
        .filter(pk=entry_id)
        .first()
        if entry_id
        else None
    )
    if entry is None:
        raise Http404
    event = entry.event
    if entry.ticket_id and request.method == "GET":
        remember_ticket(request, entry.ticket)
        return redirect(entry.ticket)
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        event=event,
        user=entry.user,
        ask_side=not entry.side,
    )
    if request.method == "POST" and entry.offer_is_open and form.is_valid():
        try:
            ticket, _created = services.ticket_book(
                event=event,
                user=entry.user,
                payment_method=form.payment_method,
                attendee_name=entry.name,
                attendee_email=entry.email,
                waitlist_entry=entry,
                side=form.chosen_side,
            )
        except services.SoldOut as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_booking(request, ticket, form.provider)
    return render(
        request,
        "tickets/waitlist_offer.html",
        {"entry": entry, "event": event, "form": form, "booker_name": entry.name},
    )


@login_required
def my_tickets(request):
    now = timezone.now()
    tickets = list(
        Ticket.objects.filter(user=request.user)
        .select_related("event")
        .order_by("event__starts_at")
    )
    upcoming = [t for t in tickets if t.event.ends_at >= now]
    past = [t for t in reversed(tickets) if t.event.ends_at < now]
    return render(
        request, "tickets/my_tickets.html", {"upcoming": upcoming, "past": past}
    )
