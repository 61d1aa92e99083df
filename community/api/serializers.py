from django.conf import settings
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from community.models import LanguageKind, LanguageLevel, Role, User
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
    payments = HistoryPaymentSerializer(many=True, source="payments.all")

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


class LogoutSerializer(serializers.Serializer):
    refresh = StrictCharField()


class LoginSerializer(TokenObtainPairSerializer):
    """simplejwt's login, with django-axes seeing the real HttpRequest.

    Axes marks a locked-out request on the object it is given; its middleware reads
    the Django request, not DRF's wrapper, so hand it the underlying one.
    """

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None and hasattr(request, "_request"):
            self.context["request"] = request._request
        return super().validate(attrs)


class UserFilterSerializer(QueryParamsSerializer):
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of email, name or phone",
    )
