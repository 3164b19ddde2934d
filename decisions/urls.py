from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.home, name="home"),
    path("records/<int:pk>/", views.detail, name="detail"),
]
