"""Root URLs: accounts, the four apps, the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.org.forms import ResetPasswordForm
from planning.views.home import home

admin.site.site_header = "Thi đua — Quản trị"
admin.site.site_title = "Thi đua"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
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
