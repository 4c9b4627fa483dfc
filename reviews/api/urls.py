"""The write API, mounted at /api/desk/ (token-authenticated; the read-only API stays at /api/)."""

from django.urls import path

from reviews.api import actions, views

app_name = "desk-api"

urlpatterns = [
    path("articles/", views.ArticleCreateView.as_view(), name="articles"),
    path("articles/<int:pk>/", views.ArticleView.as_view(), name="article"),
    path("articles/<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("articles/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("articles/<int:pk>/assignments/", actions.AssignView.as_view(), name="assign"),
    path("articles/<int:pk>/publish/", actions.PublishView.as_view(), name="publish"),
    path("articles/<int:pk>/unpublish/", actions.UnpublishView.as_view(), name="unpublish"),
    path("articles/<int:pk>/schedule/", actions.ScheduleView.as_view(), name="schedule"),
]
