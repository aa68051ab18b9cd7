from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


def staying_safe(request: HttpRequest) -> HttpResponse:
    return render(request, "public/staying_safe.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "public/about.html")
