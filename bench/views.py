"""The least a Django view can do on the same server, middleware and database as the portal:
what the load test measures the portal's pages against."""

from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

# Created by bench/load.py before a run; counted after it.
TABLE = "bench_minimal_insert"
PAGE = (
    "<!doctype html><html lang='en'><head><title>Minimal</title></head>"
    "<body><p>Minimal page.</p></body></html>"
)


def minimal_page(request):
    return HttpResponse(PAGE)


@csrf_exempt
def minimal_insert(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (created_at) VALUES (now())")
    return HttpResponse(PAGE, status=201)
