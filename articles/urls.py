from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
