"""The least a signed-in page can do on the same server, middleware, session and database as the
portal: what the load test measures the portal's pages against. Both ask for a signed-in
session, as the portal's pages do; the insert is CSRF-protected like every form of the portal."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.views.decorators.http import require_POST

# Created by bench/load.py before a run; counted after it.
TABLE = "bench_minimal_insert"


@login_required
def minimal_page(request):
    """A page with a one-field form, as the log form's page is, without the form's work."""
    return HttpResponse(
        "<!doctype html><html lang='en'><head><title>Minimal</title></head><body>"
        "<form method='post' action='insert/'>"
        f"<input type='hidden' name='csrfmiddlewaretoken' value='{escape(get_token(request))}'>"
        "<button>Insert</button></form></body></html>"
    )


@login_required
@require_POST
def minimal_insert(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (user_id, created_at) VALUES (%s, now())", [request.user.pk]
        )
    return HttpResponse("Inserted.", status=201)
