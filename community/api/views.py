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
    HistorySerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    UserDetailSerializer,
    UserFilterSerializer,
    UserProfileSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from community.contributors import member_history, member_standing
from community.languages import user_set_languages
from community.models import Role
from community.ratelimit import rate_limit_exceeded, rate_limit_message
from spanglish.api.exceptions import json_error_response
from spanglish.api.permissions import IsOrganizer, has_role
from spanglish.api.throttling import ScopedRateThrottle


class AuthThrottleMixin:
    throttle_classes = [ScopedRateThrottle]
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


@extend_schema(
    tags=["auth"], summary="The signed-in user", description="Authenticated users."
)
class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = UserSerializer

    def get(self, request):
        return Response(UserSerializer(request.user).data)


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
class UserHistoryView(APIView):
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
