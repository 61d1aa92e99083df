import time

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import (
    TokenBlacklistSerializer,
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
from spanglish.api.deprecation import deprecated
from spanglish.api.fields import (
    DateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    trimmed_pattern,
)
from spanglish.api.serializers import (
    InputSerializer,
    QueryParamsSerializer,
    StrictInputMixin,
)

# What normalize_language accepts once DRF has trimmed the value: two or three
# ASCII letters.
LANGUAGE_CODE_PATTERN = trimmed_pattern("[A-Za-z]{2,3}")


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "role", "language"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "pattern": LANGUAGE_CODE_PATTERN,
        "description": "ISO 639 code: es, en, fr, … (stored in lower case).",
    }
)
class LanguageCodeField(StrictCharField):
    pass


class LanguageSkillSerializer(InputSerializer):
    """One language of a member. A language being learned needs its CEFR `level`
    (the schema says so with `oneOf`); a native one has none (ignored if sent).
    Each language once per list."""

    openapi_request_extra = {
        "oneOf": [
            {"properties": {"kind": {"enum": [LanguageKind.NATIVE.value]}}},
            {
                "properties": {
                    "kind": {"enum": [LanguageKind.LEARNING.value]},
                    "level": {"enum": list(LanguageLevel.values)},
                },
                "required": ["level"],
            },
        ]
    }

    language = LanguageCodeField()
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


class UserUpdateSerializer(InputSerializer):
    """PUT body; fields left out stay as they are. Only admins may send `role`.
    What a GET shows may be sent back (ignored)."""

    echo_of = UserProfileSerializer

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
    created_at = DateTimeField()


class HistoryTicketSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event = serializers.UUIDField(source="event.pk")
    event_id = deprecated(serializers.UUIDField(source="event.pk"), replacement="event")
    event_title = StrictCharField(source="event.title")
    event_starts_at = DateTimeField(source="event.starts_at")
    status = StrictCharField()
    payment_method = StrictCharField()
    attended = serializers.SerializerMethodField()
    checked_in_at = DateTimeField(source="checkin_at", allow_null=True)
    booked_at = DateTimeField(source="created_at")
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


class RegisterSerializer(InputSerializer):
    email = StrictEmailField()
    password = StrictCharField(write_only=True, style={"input_type": "password"})
    name = StrictCharField(max_length=150)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class RegisterResponseSerializer(serializers.Serializer):
    detail = StrictCharField()


class EmailUnverified(PermissionDenied):
    default_code = "email_unverified"


class LoginSerializer(StrictInputMixin, TokenObtainPairSerializer):
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


class RefreshSerializer(StrictInputMixin, TokenRefreshSerializer):
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


@extend_schema_serializer(component_name="TokenBlacklist")  # its name until 0.2
class LogoutSerializer(StrictInputMixin, TokenBlacklistSerializer):
    """simplejwt's sign-out body (`refresh`), refusing unknown fields."""


class AccountEmailSerializer(InputSerializer):
    """The address an account email (reset, confirmation, sign-in link) is for."""

    email = StrictEmailField()


class AccountEmailSentSerializer(serializers.Serializer):
    detail = StrictCharField(
        help_text="The same words whether or not the address has an account."
    )


class MeTokensSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class MeSerializer(UserProfileSerializer):
    """The signed-in user's answer to an edit: the profile, where a confirmation
    link went (`pending_email`) and, after a password change, new tokens."""

    pending_email = serializers.EmailField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="A new address waiting for its confirmation link to be opened "
        "(signed in on the website); null when none was asked for in this request.",
    )
    tokens = MeTokensSerializer(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="After a password change every other session and token ends; "
        "these replace the ones this request used. Null otherwise.",
    )

    class Meta(UserProfileSerializer.Meta):
        fields = [*UserProfileSerializer.Meta.fields, "pending_email", "tokens"]
        read_only_fields = fields


class MeUpdateSerializer(InputSerializer):
    """PUT/PATCH /api/auth/me: fields left out stay as they are; what a GET shows
    may be sent back (ignored). A new `email` or `password` needs
    `current_password`."""

    echo_of = MeSerializer
    name = StrictCharField(max_length=150, required=False, allow_blank=True)
    phone = StrictCharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    marketing_consent = StrictBooleanField(required=False)
    languages = LanguageSkillSerializer(
        many=True,
        required=False,
        help_text="Replaces all of your languages when given.",
    )
    email = StrictEmailField(
        required=False,
        help_text="A new address (your current one, as a GET shows it, changes "
        "nothing). A confirmation link goes there; the account moves once it is "
        "opened while signed in on the website. Needs `current_password`.",
    )
    password = StrictCharField(
        required=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="A new password (the password rules apply). Needs "
        "`current_password`; signs out every other session and token.",
    )
    current_password = StrictCharField(
        required=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="Your password now, to change `email` or `password`.",
    )


class UserFilterSerializer(QueryParamsSerializer):
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of email, name or phone",
    )
