from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),  # the most requested address, tried first
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("articles/<slug:slug>/for/<str:audience>/", views.audience_switch, name="audience"),
    path("articles/<slug:slug>/report/", views.error_report, name="report"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
]
