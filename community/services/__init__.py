"""Writes on users, by topic: accounts (creation), roles (roles, activity, the last
admin), signin (sign-up, verification, sign-in links, proving an address) and
profile (password, consent, profile, email change). Every public name is here too,
so `from community.services import user_set_role` keeps working."""

from community.services.accounts import (
    user_get_or_create_by_email,
    user_register,
)
from community.services.profile import (
    PROFILE_FIELDS,
    user_change_email,
    user_request_email_change,
    user_set_email_by_staff,
    user_set_marketing_consent,
    user_set_password,
    user_update_profile,
)
from community.services.roles import (
    user_ensure_admin_remains,
    user_set_active,
    user_set_role,
)
from community.services.signin import (
    VERIFY_RESEND_SECONDS,
    unverified_login_message,
    user_claim_address,
    user_confirm_signup,
    user_resend_verification,
    user_send_login_link,
    user_send_verification,
    user_signup,
    user_verify_email,
)

__all__ = [
    "PROFILE_FIELDS",
    "VERIFY_RESEND_SECONDS",
    "unverified_login_message",
    "user_change_email",
    "user_claim_address",
    "user_confirm_signup",
    "user_ensure_admin_remains",
    "user_get_or_create_by_email",
    "user_register",
    "user_request_email_change",
    "user_resend_verification",
    "user_send_login_link",
    "user_send_verification",
    "user_set_active",
    "user_set_email_by_staff",
    "user_set_marketing_consent",
    "user_set_password",
    "user_set_role",
    "user_signup",
    "user_update_profile",
    "user_verify_email",
]
