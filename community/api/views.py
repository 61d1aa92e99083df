from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from community import selectors, services
from community.api.serializers import (
    AccountEmailSentSerializer,
    AccountEmailSerializer,
    HistorySerializer,
    LoginSerializer,
    LogoutSerializer,
    MeSerializer,
    MeUpdateSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    UserDetailSerializer,
    UserFilterSerializer,
    UserProfileSerializer,
    UserUpdateSerializer,
)
from community.contributors import member_history, member_standing
from community.forms import AccountPasswordResetForm
from community.languages import user_set_languages
from community.models import Role, User
from community.ratelimit import rate_limit_exceeded, rate_limit_message
from community.services.accounts import password_validate_new
from community.views import recently_signed_in_by_link
from spanglish.api.deprecation import DeprecationHeadersMixin
from spanglish.api.exceptions import json_error_response
from spanglish.api.permissions import IsOrganizer, has_role
from spanglish.api.throttling import APIRateThrottle, ScopedRateThrottle


class AuthThrottleMixin:
    throttle_classes = [APIRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth"


@extend_schema(
    tags=["auth"],
    summary="Sign in with email and password",
    description="Public. Returns an `access` token (minutes) and a `refresh` token. "
    "Repeated failures lock the account and IP out (429). Staff with two-factor "
    "sign-in also send `otp` (the app's 6-digit code or a recovery code): without "
    "it 401 `otp_required`, wrong 401 `otp_invalid`, too many wrong 429 "
    "`otp_throttled`. Admins who have not set up an app get 403 "
    "`two_factor_setup_required` (set it up on the website). An account whose "
    "address is not confirmed yet gets 403 `email_unverified` (only with the right "
    "password) and a new confirmation link by email.",
)
class LoginView(AuthThrottleMixin, jwt_views.TokenObtainPairView):
    permission_classes = [permissions.AllowAny]


@extend_schema(
    tags=["auth"],
    summary="Exchange a refresh token for new tokens",
    description="Public. Refresh tokens rotate: the one sent is blacklisted and stops "
    "working. Refused (401) after a password, email or role change, and "
    "JWT_REFRESH_ABSOLUTE_DAYS after the sign-in the token descends from.",
)
class RefreshView(AuthThrottleMixin, jwt_views.TokenRefreshView):
    permission_classes = [permissions.AllowAny]


@extend_schema(
    tags=["auth"],
    summary="Sign out",
    description="Public (the refresh token is the credential). Blacklists it.",
    responses={200: OpenApiResponse(description="Signed out")},
)
class LogoutView(AuthThrottleMixin, jwt_views.TokenBlacklistView):
    permission_classes = [permissions.AllowAny]
    serializer_class = LogoutSerializer


@extend_schema(
    tags=["auth"],
    summary="Create a member account",
    description="Public, rate-limited per IP. Password validators apply. The answer "
    "is the same whether or not the address already has an account (no account "
    "enumeration): a new account gets a confirmation email, an existing one a "
    "sign-in link; a weak password is refused alike either way. The password signs "
    "in with `POST /api/auth/login` once the address is confirmed.",
    request=RegisterSerializer,
    responses={202: RegisterResponseSerializer},
)
class RegisterView(AuthThrottleMixin, APIView):
    permission_classes = [permissions.AllowAny]

    def post(self, request):
        if rate_limit_exceeded(request=request, scope="signup"):
            return json_error_response(429, "throttled", rate_limit_message())
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.user_signup(
            email=data["email"],
            password=data["password"],
            name=data["name"],
            language=data.get("language") or translation.get_language(),
        )
        return Response(
            {"detail": _("Check your email to continue.")},
            status=status.HTTP_202_ACCEPTED,
        )


def _account_email_sent():
    return Response(
        {"detail": _("If this address has an account, an email is on its way to it.")},
        status=status.HTTP_202_ACCEPTED,
    )


ACCOUNT_EMAIL_RULES = (
    "Public. The answer is the same 202 whether or not the address has an account. "
    "Limited per client IP like the website's form (ACCOUNT_RATE_LIMIT_PER_HOUR an "
    "hour, shared with it: 429 `throttled`) and by the sign-in limit "
    "(THROTTLE_AUTH)."
)


class AccountEmailView(AuthThrottleMixin, APIView):
    """Base of the account-email requests: validate, count, answer alike."""

    permission_classes = [permissions.AllowAny]
    scope = ""

    def send(self, request, email: str) -> None:
        raise NotImplementedError

    def post(self, request):
        if rate_limit_exceeded(request=request, scope=self.scope):
            return json_error_response(429, "throttled", rate_limit_message())
        serializer = AccountEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.send(request, serializer.validated_data["email"])
        return _account_email_sent()


@extend_schema(
    tags=["auth"],
    summary="Ask for a password reset link",
    description="Emails a link to the website's page that sets a new password, "
    "if an active account has this address (also one without a password yet). "
    + ACCOUNT_EMAIL_RULES,
    request=AccountEmailSerializer,
    responses={202: AccountEmailSentSerializer},
)
class PasswordResetView(AccountEmailView):
    scope = "password_reset"

    def send(self, request, email: str) -> None:
        form = AccountPasswordResetForm(data={"email": email})
        if form.is_valid():
            form.save(request=request._request, use_https=request.is_secure())


@extend_schema(
    tags=["auth"],
    summary="Ask for a new confirmation link",
    description="Emails a new link that confirms the address, if an account "
    "waiting for confirmation has it (at most one every few minutes per account). "
    "Signing in with the password before confirming answers 403 `email_unverified` "
    "and sends one too. " + ACCOUNT_EMAIL_RULES,
    request=AccountEmailSerializer,
    responses={202: AccountEmailSentSerializer},
)
class VerificationResendView(AccountEmailView):
    scope = "verify"

    def send(self, request, email: str) -> None:
        user = User.objects.filter(
            email__iexact=email.strip(), is_active=True, email_verified_at=None
        ).first()
        if user is not None:
            services.user_resend_verification(
                user=user, language=translation.get_language()
            )


@extend_schema(
    tags=["auth"],
    summary="Ask for a sign-in link",
    description="Emails a single-use link that signs in on the website (valid "
    "SIGN_IN_LINK_MINUTES), if an active account has this address. "
    + ACCOUNT_EMAIL_RULES,
    request=AccountEmailSerializer,
    responses={202: AccountEmailSentSerializer},
)
class LoginLinkView(AccountEmailView):
    scope = "login_link"

    def send(self, request, email: str) -> None:
        services.user_send_login_link(email=email, language=translation.get_language())


ME_UPDATE_RULES = (
    "Fields left out stay as they are; what a GET shows may be sent back and is "
    "ignored (unknown fields: 400). News consent and languages as on "
    "`PUT /api/users/{id}`. A new `email` or `password` needs `current_password`: "
    "without it 403 `reauthentication_required`, wrong 403 `password_incorrect` "
    "(members without a password sign in by emailed link on the website and have "
    "FRESH_SIGN_IN_MINUTES instead); such changes are limited like the website's "
    "forms (429). A new `email` is not applied here: a confirmation link goes to it "
    "(`pending_email` in the answer) and the account moves once it is opened while "
    "signed in on the website, as on the pages. A new `password` (password rules: "
    "400) signs out every other session and token; the answer's `tokens` replace "
    "the ones of this request."
)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = UserProfileSerializer
    partial_put = True  # PUT changes only the fields sent (see AutoSchema)

    @extend_schema(
        tags=["auth"],
        summary="The signed-in user",
        description="Authenticated users: your profile, with your languages.",
        responses={200: UserProfileSerializer},
    )
    def get(self, request):
        return Response(UserProfileSerializer(request.user).data)

    @extend_schema(
        tags=["auth"],
        summary="Change your profile",
        description="Authenticated users, for themselves. " + ME_UPDATE_RULES,
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
    )
    def put(self, request):
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = request.user
        new_email = data.pop("email", None)
        password = data.pop("password", None)
        current = data.pop("current_password", None)
        languages = data.pop("languages", None)
        if new_email is not None and new_email.strip().lower() == user.email.lower():
            new_email = None  # the address as a GET shows it: no change
        if new_email is not None or password is not None:
            scope = "password_change" if password is not None else "email_change"
            if rate_limit_exceeded(request=request, scope=scope):
                return json_error_response(429, "throttled", rate_limit_message())
            _reauthenticate(request, current)
            if password is not None:
                password_validate_new(
                    password=password, email=user.email, name=user.name
                )
        with transaction.atomic():
            user = services.user_update_profile(user=user, actor=user, **data)
            if languages is not None:
                user_set_languages(user=user, skills=languages, actor=user)
            if password is not None:
                user = services.user_set_password(user=user, password=password)
        tokens = None
        if password is not None:
            refresh = LoginSerializer.get_token(user)
            tokens = {"refresh": str(refresh), "access": str(refresh.access_token)}
        if new_email is not None:
            services.user_request_email_change(
                user=user, new_email=new_email, language=translation.get_language()
            )
        user = User.objects.get(pk=user.pk)
        body = MeSerializer(user).data
        body["pending_email"] = new_email
        body["tokens"] = tokens
        return Response(body)

    @extend_schema(
        tags=["auth"],
        summary="Change part of your profile",
        description="Authenticated users, for themselves. Same as PUT. "
        + ME_UPDATE_RULES,
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
    )
    def patch(self, request):
        return self.put(request)


def _reauthenticate(request, current: str | None) -> None:
    """The website's rule before a new address or password: the current password,
    or for a member without one, a recent sign-in by emailed link. Refused with
    403 (a credential, not a malformed field), counted by the caller's limit."""
    user = request.user
    if not user.has_usable_password():
        if recently_signed_in_by_link(request):
            return
        raise PermissionDenied(
            _(
                "Sign in with a link by email on the website first, then change "
                "this within %(minutes)s minutes."
            )
            % {"minutes": settings.FRESH_SIGN_IN_MINUTES},
            code="reauthentication_required",
        )
    if not current:
        raise PermissionDenied(
            _("Give your current password to change your email or password."),
            code="reauthentication_required",
        )
    if not user.check_password(current):
        raise PermissionDenied(
            _("That is not your current password."), code="password_incorrect"
        )


def _visible_user(request, pk):
    """Signed-in users reach these views; which user they may see is decided by
    the queryset (staff: everyone; others: themselves, anyone else is a 404)."""
    return get_object_or_404(selectors.user_visible_to(viewer=request.user), pk=pk)


@extend_schema(
    tags=["users"],
    summary="List users",
    description="Organizers and admins. `?search=` matches email, name or phone. "
    "Deleted (anonymised) accounts are left out.",
    parameters=[UserFilterSerializer],
)
class UserListView(generics.ListAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = UserDetailSerializer

    def get_queryset(self):
        filters = UserFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.user_search(query=filters.validated_data.get("search", ""))


@extend_schema(tags=["users"])
class UserDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]  # self or staff: _visible_user

    @extend_schema(
        summary="A user",
        description="The user themselves, organizers and admins. Anyone else gets 404.",
        responses={200: UserProfileSerializer},
    )
    def get(self, request, pk):
        return Response(UserProfileSerializer(_visible_user(request, pk)).data)

    @extend_schema(
        summary="Update a user",
        description="The user themselves, organizers and admins may change name, "
        "phone and language. News consent is the member's to give: staff may only "
        "withdraw it (`marketing_consent: true` for someone else is a 403). Only "
        "admins may change `role` (403 otherwise); nobody changes their own role "
        "and the last active admin stays one (409). Anyone else gets 404. Fields "
        "left out stay as they are; `languages`, when given, replaces the user's "
        "languages.",
        request=UserUpdateSerializer,
        responses={200: UserProfileSerializer},
    )
    def put(self, request, pk):
        user = _visible_user(request, pk)
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        role = data.pop("role", None)
        languages = data.pop("languages", None)
        if (
            role is not None
            and role != user.role
            and not has_role(request.user, Role.ADMIN)
        ):
            raise PermissionDenied(_("Only admins may change roles."))
        with transaction.atomic():
            # The role first: it locks the admins' rows before the user's, the order
            # every role change takes, so two admins editing each other cannot
            # deadlock.
            if role is not None:
                user = services.user_set_role(user=user, role=role, actor=request.user)
            user = services.user_update_profile(user=user, actor=request.user, **data)
            if languages is not None:
                user_set_languages(user=user, skills=languages, actor=request.user)
        return Response(UserProfileSerializer(user).data)


@extend_schema(
    tags=["users"],
    summary="A user's history",
    description="The user themselves, organizers and admins; anyone else gets 404. "
    "Tickets (newest event first) with their payments, and attendance totals.",
    responses={200: HistorySerializer},
)
class UserHistoryView(DeprecationHeadersMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]  # self or staff: _visible_user

    def get(self, request, pk):
        user = _visible_user(request, pk)
        # The tickets' app contributes the items and the no-show rule
        # (community.contributors); the JSON is the same as when it lived here.
        tickets = member_history(user=user).get("tickets", [])
        attended = sum(1 for t in tickets if t.checkin_at is not None)
        no_shows = sum(1 for t in tickets if t.is_no_show)
        standing = member_standing()
        counted = standing.no_shows_counted_in(tickets)
        data = {
            "user": user,
            "attendance": {
                "tickets": len(tickets),
                "attended": attended,
                "no_shows": no_shows,
                "no_shows_counted": counted,
            },
            "must_pay_ahead": standing.pays_ahead(user, no_shows=counted),
            "tickets": tickets,
        }
        return Response(HistorySerializer(data).data)
