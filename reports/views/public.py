from django.http import Http404


def detail(request, number):
    raise Http404
