"""The calendar feed: outside the staff pages, no login, found by its private token."""

from django.urls import path

from vern.consultations.views import meetings

app_name = "consultations_feed"
urlpatterns = [
    path("<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
]
