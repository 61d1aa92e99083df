from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from community import forms, views

app_name = "community"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="community/login.html",
            authentication_form=forms.EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
        auth_views.PasswordResetConfirmView.as_view(
            template_name="community/password_reset_confirm.html",
            success_url=reverse_lazy("community:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="community/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("tickets/", views.my_tickets, name="tickets"),
    path("email/", views.email_change, name="email_change"),
    path(
        "email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/my-data.json", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="delete"),
]
