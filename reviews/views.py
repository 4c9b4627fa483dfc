from django.http import Http404


def my_assignments(request):
    raise Http404("The reviewer pages are not built yet.")
