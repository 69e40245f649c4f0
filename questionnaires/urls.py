from django.urls import path

from . import therapist_views, views

urlpatterns = [
    path(
        "my-therapy/questionnaires/<uuid:public_id>/",
        views.start,
        name="questionnaire_start",
    ),
    path(
        "my-therapy/questionnaires/<uuid:public_id>/page/<int:number>/",
        views.page,
        name="questionnaire_page",
    ),
    path(
        "my-therapy/questionnaires/<uuid:public_id>/check/",
        views.review,
        name="questionnaire_review",
    ),
    path(
        "my-therapy/questionnaires/<uuid:public_id>/sent/",
        views.sent,
        name="questionnaire_sent",
    ),
    path(
        "courses/<uuid:public_id>/measures/",
        therapist_views.measures,
        name="course_measures",
    ),
    path(
        "responses/<uuid:public_id>/",
        therapist_views.response_detail,
        name="response_detail",
    ),
    path(
        "risk-flags/<uuid:public_id>/",
        therapist_views.risk_flag,
        name="risk_flag",
    ),
]
