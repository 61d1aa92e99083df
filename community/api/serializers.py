import time

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from community.api.two_factor import api_login_second_factor
from community.models import LanguageKind, LanguageLevel, Role, User
from community.ratelimit import rate_limit_exceeded
from community.services import unverified_login_message, user_resend_verification
from community.sessions import (
    AUTH_TIME_CLAIM,
    EPOCH_CLAIM,
    token_epoch_is_current,
)
from spanglish.api.fields import StrictBooleanField, StrictCharField, StrictEmailField
from spanglish.api.serializers import QueryParamsSerializer


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "role", "language"]
        read_only_fields = fields


class LanguageSkillSerializer(serializers.Serializer):
    language = StrictCharField(max_length=3, help_text="ISO 639 code: es, en, fr, …")
    kind = serializers.ChoiceField(choices=LanguageKind.choices)
    level = serializers.ChoiceField(
        choices=LanguageLevel.choices,
        required=False,
        allow_blank=True,
        help_text="CEFR level, required for a language being learned.",
    )


class UserDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "phone",
            "role",
            "language",
            "is_active",
            "email_verified_at",
            "marketing_consent",
            "marketing_consent_at",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields


class UserProfileSerializer(UserDetailSerializer):
    """One user with their languages (not on the list: one query more per user)."""

    languages = LanguageSkillSerializer(
        many=True, source="language_skills.all", read_only=True
    )

    class Meta(UserDetailSerializer.Meta):
        fields = [*UserDetailSerializer.Meta.fields, "languages"]
        read_only_fields = fields


class UserUpdateSerializer(serializers.Serializer):
    """PUT body; fields left out stay as they are. Only admins may send `role`."""

    name = StrictCharField(max_length=150, required=False, allow_blank=True)
    phone = StrictCharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    marketing_consent = StrictBooleanField(required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    languages = LanguageSkillSerializer(
        many=True,
        required=False,
        help_text="Replaces all of the user's languages when given.",
    )


class HistoryPaymentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    provider = StrictCharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = StrictCharField()
    status = StrictCharField()
    refunded_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    created_at = serializers.DateTimeField()


class HistoryTicketSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event_id = serializers.UUIDField(source="event.pk")
    event_title = StrictCharField(source="event.title")
    event_starts_at = serializers.DateTimeField(source="event.starts_at")
    status = StrictCharField()
    payment_method = StrictCharField()
    attended = serializers.SerializerMethodField()
    checked_in_at = serializers.DateTimeField(source="checkin_at", allow_null=True)
    booked_at = serializers.DateTimeField(source="created_at")
    payments = HistoryPaymentSerializer(many=True, source="history_payments")

    no_show = serializers.BooleanField(source="is_no_show")

    def get_attended(self, ticket) -> bool:
        return ticket.checkin_at is not None


class HistorySerializer(serializers.Serializer):
    user = UserSerializer()
    attendance = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="tickets, attended, no_shows (all time) and no_shows_counted "
        "(within NO_SHOW_WINDOW_DAYS, what the pay-ahead rule uses).",
    )
    must_pay_ahead = serializers.BooleanField(
        help_text="True when the no-show rule applies: paying at the door is refused."
    )
    tickets = HistoryTicketSerializer(many=True)


class RegisterSerializer(serializers.Serializer):
    email = StrictEmailField()
    password = StrictCharField(write_only=True, style={"input_type": "password"})
    name = StrictCharField(max_length=150)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class RegisterResponseSerializer(serializers.Serializer):
    detail = StrictCharField()


class EmailUnverified(PermissionDenied):
    default_code = "email_unverified"


class LoginSerializer(TokenObtainPairSerializer):
    """simplejwt's login, with django-axes seeing the real HttpRequest, refusing
    accounts whose address is not proven yet, and tokens that carry the sign-in
    generation and time (see community.sessions).

    Axes marks a locked-out request on the object it is given; its middleware reads
    the Django request, not DRF's wrapper, so hand it the underlying one.
    """

    otp = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=32,
        write_only=True,
        help_text="Staff with two-factor sign-in: the 6-digit code their "
        "authenticator app shows, or one of their recovery codes.",
    )

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None and hasattr(request, "_request"):
            self.context["request"] = request._request
        # Only checks the password and sets self.user; tokens come after the rules.
        data = TokenObtainSerializer.validate(self, attrs)
        self.confirm_login_allowed(self.user)
        # Staff with an authenticator app: no token without its code.
        api_login_second_factor(user=self.user, otp=attrs.get("otp"))
        refresh = self.get_token(self.user)
        data["refresh"] = str(refresh)
        data["access"] = str(refresh.access_token)
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, self.user)
        return data

    def confirm_login_allowed(self, user: User) -> None:
        """Rules once the password is right (a wrong one never gets here, so the
        answer says nothing about accounts to someone who does not know it).

        Until its address is proven an account is not usable by password: anyone
        could have registered someone else's address (pre-hijacking).
        """
        if user.email_verified_at is None:
            request = self.context.get("request")
            if not rate_limit_exceeded(request=request, scope="verify"):
                user_resend_verification(user=user, language=translation.get_language())
            raise EmailUnverified(unverified_login_message())

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token[EPOCH_CLAIM] = user.auth_epoch
        # Carried unchanged through every rotation: the absolute lifetime.
        token[AUTH_TIME_CLAIM] = int(time.time())
        return token


class RefreshSerializer(TokenRefreshSerializer):
    """Rotation as in simplejwt, refused once the user was signed out everywhere
    or JWT_REFRESH_ABSOLUTE_DAYS after the sign-in the token descends from."""

    def validate(self, attrs):
        try:
            refresh = self.token_class(attrs["refresh"])
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        user = User.objects.filter(
            pk=refresh.get(jwt_settings.USER_ID_CLAIM), is_active=True
        ).first()
        signed_in_at = refresh.get(AUTH_TIME_CLAIM)
        max_age = settings.JWT_REFRESH_ABSOLUTE_DAYS * 24 * 60 * 60
        if (
            user is None
            or not token_epoch_is_current(token=refresh, user=user)
            or not isinstance(signed_in_at, int)
            or time.time() > signed_in_at + max_age
        ):
            raise InvalidToken(_("Your session has ended. Please sign in again."))
        return super().validate(attrs)


class UserFilterSerializer(QueryParamsSerializer):
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of email, name or phone",
    )
