"""The load test's simulated people, run by bench/load.py (which starts the server and makes the
sessions): pick one class per run.

- MinimalUser: an SRO on the bench-only trivial page, then sending its one-row insert
  (bench/views.py): the same session, middleware and CSRF check, none of the form's work.
- LogFormUser: an SRO opening the daily log form and sending it, as a browser would (the form's
  CSRF and once-only submission tokens taken from the page).
- DistrictHomeUser: the administrator of the largest district opening their home page.

Each simulated person has a signed-in session of their own, read from the JSON file named by
$BENCH_SESSIONS; none waits between requests, so the server is kept at full load.
"""

import itertools
import json
import os
import re
import secrets

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["BENCH_SESSIONS"]) as sessions_file:
    SESSIONS = json.load(sessions_file)
# Marks what the load test wrote, so that load.py counts exactly those rows.
NOTE = SESSIONS["note"]
HIDDEN = re.compile(r"""name=["'](csrfmiddlewaretoken|submission)["'] value=["']([^"']+)["']""")
_next_officer = itertools.count()
_next_administrator = itertools.count()


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def cookies(self, session_key):
        # The CSRF cookie's secret is the browser's to keep; Django accepts one it did not set.
        self.headers = {"Cookie": f"sessionid={session_key}; csrftoken={secrets.token_hex(16)}"}


class MinimalUser(SignedIn):
    """An SRO (the same sessions as LogFormUser) on the bench-only pages."""

    def on_start(self):
        officers = SESSIONS["sro"]
        self.cookies(officers[next(_next_officer) % len(officers)]["session"])

    @task
    def page_then_insert(self):
        with self.client.get(
            "/bench/minimal/", headers=self.headers, name="minimal GET", catch_response=True
        ) as page:
            hidden = dict(HIDDEN.findall(page.text or ""))
            if page.status_code != 200 or not hidden:
                page.failure(f"answered {page.status_code} without a CSRF token")
                return
        with self.client.post(
            "/bench/minimal/insert/",
            data=hidden,
            headers=self.headers,
            name="minimal POST",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"answered {response.status_code}")


class LogFormUser(SignedIn):
    def on_start(self):
        officers = SESSIONS["sro"]
        self.officer = officers[next(_next_officer) % len(officers)]
        self.cookies(self.officer["session"])

    @task
    def open_then_send(self):
        with self.client.get(
            "/field/activity/new/",
            headers=self.headers,
            name="log form GET",
            catch_response=True,
        ) as page:
            hidden = dict(HIDDEN.findall(page.text or ""))
            if page.status_code != 200 or len(hidden) != 2:
                page.failure(f"answered {page.status_code} without the form's tokens")
                return
        form = {
            **hidden,
            "school": self.officer["school"],
            "activity_type": self.officer["activity_type"],
            "occurred_on": SESSIONS["today"],
            "minutes": "30",
            "students_met": "3",
            "staff_met": "1",
            "notes": NOTE,
        }
        with self.client.post(
            "/field/activity/new/",
            data=form,
            headers=self.headers,
            name="log form POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Logged: a redirect to the week. Refused: the form again, with its errors.
            if response.status_code != 302 or "/field/activity/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"answered {response.status_code}")


class DistrictHomeUser(SignedIn):
    def on_start(self):
        administrators = SESSIONS["district_admin"]
        self.cookies(administrators[next(_next_administrator) % len(administrators)])

    @task
    def home(self):
        with self.client.get(
            "/", headers=self.headers, name="district home GET", catch_response=True
        ) as response:
            # The district's own home, not the sign-in page or someone else's.
            if response.status_code != 200 or SESSIONS["district_html"] not in response.text:
                response.failure(f"answered {response.status_code}")
