"""The JSON API, mounted at /api/: read-only articles and the OpenAPI schema.

No interactive docs page: drf-spectacular's Swagger UI loads its assets from a CDN, and the
product works offline; the schema at /api/schema/ feeds any OpenAPI viewer.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from articles import api

app_name = "api"

urlpatterns = [
    path("articles/", api.ArticleListView.as_view(), name="articles"),
    path("articles/<slug:slug>/", api.ArticleDetailView.as_view(), name="article"),
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="schema"),
]
