from django.http import Http404


def article_detail(request, slug):
    raise Http404("The reader site is not built yet.")


def topic_detail(request, slug):
    raise Http404("The reader site is not built yet.")
