from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.sitemaps import sitemap_index, sitemap_section
from editorial import views

# The admin is the product's editorial desk, named as such.
admin.site.site_header = "Imprimatur editorial desk"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Articles, reviews and publishing"

urlpatterns = [
    # The reader site first, its article page first of all: the URL resolver tries patterns in order, and
    # most requests are readers'. None of its patterns can match a staff, API or sitemap address.
    path("", include("articles.urls")),
    # Before the admin's own: the same redirect, staff only, with a 404 for an id the model cannot hold.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(views.admin_shortcut)),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("review/", include("reviews.urls")),
    path("api/desk/", include("reviews.api.urls")),
    path("api/", include("articles.api_urls")),
    path("editorial-policy/", views.editorial_policy, name="editorial_policy"),
    path("advertising-policy/", views.advertising_policy, name="advertising_policy"),
    path("reviewers/<int:pk>/", views.reviewer_detail, name="reviewer"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of sections, each in pages of at most 50,000 URLs (the sitemap protocol's limit).
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
]

handler500 = "editorial.middleware.server_error"
