from django.contrib.auth import views as auth_views
from django.urls import path

from community import forms, two_factor_views, views

app_name = "community"

urlpatterns = [
    path(
        "login/",
        # Django's LoginView, with the two-factor code step after the password.
        two_factor_views.LoginView.as_view(
            template_name="community/login.html",
            authentication_form=forms.EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("login/link/", views.login_link_request, name="login_link_request"),
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("verify/resend/", views.verify_email_resend, name="verify_email_resend"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="community/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="community/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("email/", views.email_change, name="email_change"),
    path(
        "email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/my-data.json", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="delete"),
    # Two-factor sign-in (staff): the code step, and the app's set-up and removal.
    path("two-factor/", two_factor_views.manage, name="two_factor"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
]
