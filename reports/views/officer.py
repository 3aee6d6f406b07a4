from django.http import Http404


def officer_detail(request, number):
    raise Http404
