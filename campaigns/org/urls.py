"""URLs of the officials, accounts and audit pages; included in campaigns/urls.py (namespace ``campaigns``)."""

from django.urls import path

from campaigns.org import import_views, views

urlpatterns = [
    path("can-bo/", views.person_list, name="person_list"),
    path("can-bo/them/", views.person_create, name="person_create"),
    path("can-bo/<int:pk>/", views.person_detail, name="person_detail"),
    path("can-bo/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("can-bo/<int:pk>/dieu-chuyen/", views.person_move, name="person_move"),
    path("can-bo/<int:pk>/nghi-cong-tac/", views.person_leave, name="person_leave"),
    path("can-bo/<int:pk>/tao-tai-khoan/", views.account_create, name="account_create"),
    path("tai-khoan/", views.account_list, name="account_list"),
    path("tai-khoan/<int:pk>/", views.account_detail, name="account_detail"),
    path("tai-khoan/<int:pk>/giao-vai-tro/", views.role_grant, name="role_grant"),
    path("tai-khoan/<int:pk>/khoa/", views.account_deactivate, name="account_deactivate"),
    path("tai-khoan/<int:pk>/mo-lai/", views.account_activate, name="account_activate"),
    path("tai-khoan/<int:pk>/cap-lai-mat-khau/", views.account_reset_password, name="account_reset_password"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    path("nhat-ky-to-chuc/", views.org_event_list, name="org_event_list"),
    path("to-chuc/sap-nhap/", views.unit_merge, name="unit_merge"),
]

urlpatterns += [
    path("to-chuc/nhap-excel/", import_views.org_import, name="org_import"),
    path("to-chuc/nhap-excel/ghi/", import_views.org_import_commit, name="org_import_commit"),
    path("to-chuc/mau-excel/", import_views.org_template, name="org_template"),
    path("to-chuc/xuat-excel/", import_views.org_export, name="org_export"),
]
