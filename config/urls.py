"""Root URLs: accounts, the four apps, the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import config.admin  # noqa: F401  # the admin in Vietnamese: titles, hidden models, labels the catalogue cannot reach
from campaigns.org import oidc
from campaigns.org.forms import ResetPasswordForm
from planning.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", oidc.LoginView.as_view(), name="login"),
    # The province's identity service (OpenID Connect), 404 unless configured (campaigns/org/oidc.py).
    path("dang-nhap/dinh-danh/", oidc.StartView.as_view(), name="oidc_start"),
    path("dang-nhap/dinh-danh/ve/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # "Quên mật khẩu": Django's reset views, a link by e-mail (templates/registration/password_reset_*).
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetPasswordForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("quen-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("campaigns.urls")),
    path("", include("scoring.urls")),
    path("", include("awards.urls")),
    path("", include("planning.urls")),
    path("", include("api.urls")),
    path("quan-tri/", admin.site.urls),
]
