from django.urls import path

from reviews import views
from reviews.assignments.views import invitation_open
from reviews.comments import views as comments
from reviews.ledger.views import claims_mark

app_name = "reviews"

urlpatterns = [
    path("", views.my_assignments, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/accept/", views.assignment_accept, name="accept"),
    path("assignments/<int:pk>/decline/", views.assignment_decline, name="decline"),
    path("assignments/<int:pk>/decision/", views.review_submit, name="decide"),
    path("assignments/<int:pk>/comments/", comments.reviewer_comment_start, name="comment-start"),
    *(
        path(
            f"assignments/<int:pk>/comments/<int:thread>/{step}/",
            comments.reviewer_comment_act,
            {"step": step},
            name=f"comment-{step}",
        )
        for step in comments.STEPS
    ),
    path("articles/<int:pk>/comments/", comments.desk_comment_start, name="article-comment-start"),
    *(
        path(
            f"articles/<int:pk>/comments/<int:thread>/{step}/",
            comments.desk_comment_act,
            {"step": step},
            name=f"article-comment-{step}",
        )
        for step in comments.STEPS
    ),
    path("assignments/<int:pk>/claims/", claims_mark, name="claims"),
    path("invitation/<str:token>/", invitation_open, name="invitation"),
    path("credit/", views.credit_consent, name="credit"),
    path("articles/<int:pk>/decisions/", views.article_decisions, name="decisions"),
    path("desk/", views.desk, name="desk"),
    path("desk/articles/<int:pk>/assign/", views.desk_assign, name="desk-assign"),
    path("desk/assignments/<int:pk>/withdraw/", views.desk_withdraw, name="desk-withdraw"),
    path("desk/assignments/<int:pk>/reassign/", views.desk_reassign, name="desk-reassign"),
    path("desk/assignments/<int:pk>/clear-conflict/", views.desk_clear_conflict, name="desk-clear-conflict"),
]
