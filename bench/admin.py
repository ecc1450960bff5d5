"""Each admin changelist, and its search, at full scale: median under 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_bench .venv/bin/python bench/admin.py

Opens every changelist of the admin as state staff through Django's test client, --runs times
after a warm-up, and then searches it for a word taken from its newest row's first search field
(a name, a code, a case number: something a person would type, found in the data).
"""

import sys

from common import (
    database_url,
    median_ms,
    parser,
    people,
    reproduce,
    setup,
    signed_in_client,
    table,
)

TARGET_MS = 300.0


def search_term(model_admin) -> str | None:
    """A word of the newest row's first search field that is text, as someone would type it."""
    for field in model_admin.search_fields:
        exact = field.startswith("=")
        lookup = field.lstrip("^=@")
        value = (
            model_admin.model._default_manager.exclude(**{f"{lookup}__isnull": True})
            .order_by("-pk")
            .values_list(lookup, flat=True)
            .first()
        )
        if not isinstance(value, str) or not value.strip():
            continue
        if exact:
            return value
        words = [w.strip(".,;:!?()'\"") for w in value.split()]
        return max(words, key=len) or None
    return None


def main():
    arguments = parser(__doc__.split("\n\n")[0])
    arguments.add_argument("--runs", type=int, default=5, help="timed requests per page")
    options = arguments.parse_args()
    url = database_url(options.database_url)
    setup(url)
    from urllib.parse import urlencode

    from django.contrib import admin
    from django.urls import reverse

    from sro_portal.roles import Role

    client = signed_in_client(people()[Role.STATE_STAFF])
    rows, missed = [], 0
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        rows_in_table = model._default_manager.count()
        visits = [("list", path)]
        term = search_term(model_admin)
        if term:
            visits.append((f"search {term!r}", f"{path}?{urlencode({'q': term})}"))
        for what, target in visits:

            def get(target=target):
                response = client.get(target)
                if response.status_code != 200:
                    raise SystemExit(f"GET {target} answered {response.status_code}")

            try:
                ms = median_ms(get, options.runs)
            except Exception as error:  # a statement timeout (bench/settings.py), for one
                missed += 1
                rows.append(
                    [model._meta.label, rows_in_table, what, type(error).__name__, "NOT MET"]
                )
                continue
            met = ms < TARGET_MS
            missed += not met
            rows.append([model._meta.label, rows_in_table, what, ms, "MET" if met else "NOT MET"])
    print(table(["model", "rows", "page", "median ms", "< 300 ms"], rows))
    print(f"\n{len(rows) - missed} of {len(rows)} admin pages under {TARGET_MS:g} ms (median).")
    print("command:", reproduce("admin.py", url, "--runs", str(options.runs)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
