from django.http import Http404


def mine_detail(request, number):
    raise Http404
