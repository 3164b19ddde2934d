from django.shortcuts import render

def home(request):
    return render(request, "decisions/home.html", {})

def detail(request, pk):
    return render(request, "decisions/decision_detail.html", {})
