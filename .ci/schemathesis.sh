#!/usr/bin/env bash
# Schemathesis against a live gunicorn with production settings and the demo county, once as
# the county office and once as a township (issue 16, item 9): no server error and every
# answer as the schema says. Bounded: SCHEMATHESIS_EXAMPLES examples per operation and
# SCHEMATHESIS_MAX_TIME seconds per persona; SCHEMATHESIS_SEED (16) picks the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${SCHEMATHESIS_PORT:-$((20000 + RANDOM % 20000))}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-5}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-100}"
WORK="$(mktemp -d)"
export JINDU_IGNORE_ENV_FILE=1
export DEBUG=0
export SECRET_KEY="schemathesis-$(date +%s)-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
export FIELD_ENCRYPTION_KEY="$($PY -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export BEHIND_TLS_PROXY=0
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export MEDIA_ROOT="$WORK/media"
export THROTTLE_USER=100000/min THROTTLE_ENDPOINT=100000/min THROTTLE_TOKEN=1000/min THROTTLE_ANON=10000/min
export LOG_LEVEL=WARNING

$PY manage.py migrate --no-input -v0
$PY manage.py createcachetable
$PY manage.py collectstatic --no-input -v0
$PY manage.py load_demo --no-logins >/dev/null
# The schema is generated once (it takes seconds on a busy machine) and read from the file.
$PY manage.py spectacular --file "$WORK/schema.json" --format openapi-json

.venv/bin/gunicorn jindu.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
  --error-logfile "$WORK/gunicorn.log" --timeout 60 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true; [ -f "$WORK/gunicorn.log" ] && tail -20 "$WORK/gunicorn.log"; rm -rf "$WORK"' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done

token() {  # username [otp]
  local body
  body=$(printf '{"username": "%s", "password": "Jindu-demo-2026", "name": "schemathesis", "otp": "%s"}' "$1" "${2:-}")
  curl -fsS -X POST "http://127.0.0.1:$PORT/api/v1/auth/token/" \
    -H 'Content-Type: application/json' -d "$body" |
    $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for who in office township; do
  code=""
  if [ "$who" = office ]; then code="$($PY manage.py demo_otp office)"; fi
  TOKEN="$(token "$who" "$code")"
  echo "=== schemathesis as $who ==="
  # DELETE of tokens is left out: a fuzzer revoking its own token would end its own run.
  .venv/bin/schemathesis run "$WORK/schema.json" \
    --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Token $TOKEN" \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,fuzzing \
    --max-examples "$EXAMPLES" --max-time "$MAX_TIME" \
    --exclude-path-regex '/auth/' \
    --request-timeout 60 \
    --seed "${SCHEMATHESIS_SEED:-16}" --no-shrink --warnings off --no-color || status=1
done
if [ "$status" -ne 0 ]; then
  echo "--- gunicorn errors ---"; tail -50 "$WORK/gunicorn.log"
fi
exit $status
