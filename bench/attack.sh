#!/usr/bin/env bash
# Attacks a local copy of the portal as an outsider would: SQL injection (sqlmap) into the public
# complaint form, the complaint status look-up and the sign-in form, then password guessing against
# the sign-in and tracking-code guessing against the look-up. Prints a verdict for each.
#
#   bench/attack.sh            (needs sqlmap: apt-get install -y sqlmap; curl)
#
# Everything runs on 127.0.0.1 against a throwaway SQLite database filled with the demo data,
# deleted at the end; nothing else is touched. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${ATTACK_PORT:-8765}
BASE="http://127.0.0.1:${PORT}"
LEVEL=${ATTACK_LEVEL:-1}
WORK=$(mktemp -d)
SERVER_PID=

stop_server() {
    if [[ -n "${SERVER_PID}" ]]; then
        kill "${SERVER_PID}" 2>/dev/null || true
        wait "${SERVER_PID}" 2>/dev/null || true
        SERVER_PID=
    fi
}
cleanup() {
    stop_server
    rm -rf "${WORK}"
}
trap cleanup EXIT

command -v sqlmap >/dev/null || { echo "sqlmap is missing: apt-get install -y sqlmap"; exit 1; }

export DATABASE_URL="sqlite:///${WORK}/attack.sqlite3"
export DJANGO_DEMO_DATA_ALLOWED=true
export DJANGO_DEBUG=false
export PYTHONPATH="${WORK}${PYTHONPATH:+:${PYTHONPATH}}"
# The injection pass runs with the sign-in lockout and the rate limits switched off: otherwise they
# answer sqlmap's sixth request already, and what it would test is the lockout page, not the query
# behind the form. The guessing pass runs with the settings as shipped.
cat >"${WORK}/attack_unthrottled.py" <<'EOF'
from sro_portal.settings.local import *  # noqa: F403

AXES_ENABLED = False
RATELIMIT_ENABLE = False
# A fast hash: each of sqlmap's thousands of sign-in attempts checks a password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EOF

start_server() {
    local settings=$1
    if curl -s -o /dev/null "${BASE}/"; then
        echo "something already answers on ${BASE}: set ATTACK_PORT to a free port"; exit 1
    fi
    DJANGO_SETTINGS_MODULE="${settings}" "${PY}" manage.py runserver --noreload --insecure \
        "127.0.0.1:${PORT}" >>"${WORK}/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
        kill -0 "${SERVER_PID}" 2>/dev/null || break
        curl -s -o /dev/null "${BASE}${LOGIN}" && return 0
        sleep 0.2
    done
    echo "the server did not start:"; cat "${WORK}/server.log"; exit 1
}

echo "== SRO Portal attack run, $(date -u '+%Y-%m-%d %H:%M UTC'), sqlmap $(sqlmap --version 2>/dev/null | grep -oE '^[0-9][0-9.]+[^ ]*' | tail -1)"
echo "-- database: migrate and seed_demo into ${WORK}/attack.sqlite3"
DJANGO_SETTINGS_MODULE=sro_portal.settings.local "${PY}" manage.py migrate --noinput -v 0
DJANGO_SETTINGS_MODULE=sro_portal.settings.local "${PY}" manage.py seed_demo >/dev/null
# The pages' addresses, a school the complaint form offers and a real tracking code.
read -r SCHOOL TRACKING COMPLAINT STATUS LOGIN < <(DJANGO_SETTINGS_MODULE=sro_portal.settings.local \
    "${PY}" manage.py shell --no-imports -v 0 -c "
from django.urls import reverse
from accountability.forms import ComplaintForm
from accountability.models import Complaint
print(ComplaintForm().fields['school'].queryset.first().pk, Complaint.objects.first().tracking_code,
      reverse('accountability:complaint_create'), reverse('accountability:complaint_status'),
      reverse('login'))")

# sqlmap fetches a fresh form before each request (--csrf-url) and sends its csrfmiddlewaretoken
# with the cookie that goes with it, as a browser would.
run_sqlmap() {
    local label=$1 path=$2 data=$3
    local log="${WORK}/sqlmap-${path//\//_}.log"
    local started=${SECONDS}
    TERM=dumb sqlmap --batch --flush-session --output-dir="${WORK}/sqlmap" \
        -u "${BASE}${path}" --data="${data}" \
        --csrf-token=csrfmiddlewaretoken --csrf-url="${BASE}${path}" \
        --level="${LEVEL}" --risk=1 --time-sec=1 \
        </dev/null 2>&1 | sed -E 's/\x1b[][()>=?0-9;]*[a-zA-Z]?//g' >"${log}" || true
    local took=$((SECONDS - started)) verdict
    if grep -qiE "is vulnerable|sqlmap identified the following injection point" "${log}"; then
        verdict="VULNERABLE"
    elif grep -qi "do not appear to be injectable" "${log}"; then
        verdict="not injectable"
    else
        verdict="INCONCLUSIVE (see the log below)"
    fi
    echo "   ${label}: ${verdict} (${took} s; parameters tested: $(grep -oE "POST parameter '[^']+'" "${log}" | sort -u | sed -E "s/.*'(.*)'/\1/" | paste -sd, -))"
    grep -E "\[(WARNING|CRITICAL|ERROR)\]" "${log}" | sed -E 's/^\[[0-9:]+\] /      /' | sort -u | head -8
    if [[ "${verdict}" != "not injectable" ]]; then
        sed -n '1,200p' "${log}"
    fi
}

echo "-- 1. SQL injection, lockout and rate limits off, sqlmap --level=${LEVEL} --risk=1"
start_server attack_unthrottled
run_sqlmap "complaint form (${COMPLAINT})" "${COMPLAINT}" \
    "csrfmiddlewaretoken=x&school=${SCHOOL}&officer_name=Officer&occurred_on=2026-10-01&description=Something+happened+at+lunch&contact_name=&contact_email=someone%40example.org&contact_phone=&reply_by=email&website="
run_sqlmap "complaint status look-up (${STATUS})" "${STATUS}" \
    "csrfmiddlewaretoken=x&tracking_code=${TRACKING}"
run_sqlmap "sign-in (${LOGIN})" "${LOGIN}" \
    "csrfmiddlewaretoken=x&username=district.lakeshore&password=wrong-password-1&next=/"
SERVED=$(grep -cE '"(GET|POST) [^"]*" [0-9]{3} ' "${WORK}/server.log" || true)
SERVER_ERRORS=$(grep -cE '"(GET|POST) [^"]*" 5[0-9]{2} ' "${WORK}/server.log" || true)
echo "   requests answered during the injection pass: ${SERVED}, of them server errors (5xx): ${SERVER_ERRORS}"
stop_server

echo "-- 2. Guessing, settings as shipped (lockout after 5 failures in 15 minutes)"
start_server sro_portal.settings.local
JAR="${WORK}/cookies.txt"
token() {
    curl -s -c "${JAR}" -b "${JAR}" "${BASE}$1" | grep -oE 'name="csrfmiddlewaretoken" value="[^"]+"' | head -1 | sed -E 's/.*value="([^"]+)"/\1/'
}
sign_in() {
    local password=$1 csrf
    csrf=$(token "${LOGIN}")
    curl -s -o /dev/null -w '%{http_code}' -c "${JAR}" -b "${JAR}" \
        --data-urlencode "csrfmiddlewaretoken=${csrf}" --data-urlencode "username=district.lakeshore" \
        --data-urlencode "password=${password}" "${BASE}${LOGIN}"
}
codes=()
for i in $(seq 1 8); do
    codes+=("$(sign_in "guess-${i}-password")")
done
right=$(sign_in "sro-demo-2026")
echo "   8 wrong passwords for district.lakeshore, answered: ${codes[*]}"
echo "   then the right password, answered: ${right}"
# The fifth failure within 15 minutes locks the username and the address: it is answered 429 itself.
if [[ "${codes[*]}" == "200 200 200 200 429 429 429 429" && "${right}" == "429" ]]; then
    echo "   verdict: LOCKED OUT at the fifth failure; the right password is refused while locked"
else
    echo "   verdict: NOT LOCKED OUT as expected"
fi

lookups=()
for i in $(seq 1 7); do
    csrf=$(token "${STATUS}")
    page=$(curl -s -c "${JAR}" -b "${JAR}" --data-urlencode "csrfmiddlewaretoken=${csrf}" \
        --data-urlencode "tracking_code=GUESS${i}XYZ" "${BASE}${STATUS}")
    if grep -q "Too many unknown tracking codes" <<<"${page}"; then lookups+=("throttled"); else lookups+=("miss"); fi
done
csrf=$(token "${STATUS}")
page=$(curl -s -c "${JAR}" -b "${JAR}" --data-urlencode "csrfmiddlewaretoken=${csrf}" \
    --data-urlencode "tracking_code=${TRACKING}" "${BASE}${STATUS}")
if grep -q "Too many unknown tracking codes" <<<"${page}"; then real="throttled"; else real="answered"; fi
echo "   7 guessed tracking codes, answered: ${lookups[*]}; then a real code: ${real}"
if [[ "${lookups[*]}" == "miss miss miss miss miss throttled throttled" && "${real}" == "throttled" ]]; then
    echo "   verdict: THROTTLED after five unknown codes, a real code included"
else
    echo "   verdict: NOT THROTTLED as expected"
fi
stop_server
echo "== done"
