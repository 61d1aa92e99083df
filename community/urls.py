from django.contrib.auth import views as auth_views
from django.urls import path

from community import forms

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
]
