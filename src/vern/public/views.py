from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vern.public.emergency import emergency_lines


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"emergency_lines": emergency_lines()})


def staying_safe(request: HttpRequest) -> HttpResponse:
    return render(request, "public/staying_safe.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "public/about.html")
