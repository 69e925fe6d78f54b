#!/usr/bin/env bash
# Make sure a PostgreSQL server runs on 127.0.0.1 for the tests: install Debian's package
# when absent, start a throw-away cluster, create the test database, print its URL.
# Usage: eval "$(scripts/postgres.sh)"   -> exports CLAIMWATCH_TEST_POSTGRES_URL
set -euo pipefail
PORT=${CLAIMWATCH_PG_PORT:-54329}
DATA=${CLAIMWATCH_PG_DATA:-/tmp/claimwatch-pg-$PORT}
DB=claimwatch_test
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN=$(bindir)
if [ -z "$BIN" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN=$(bindir)
fi
[ -n "$BIN" ] || { echo "scripts/postgres.sh: PostgreSQL could not be installed" >&2; exit 1; }

# the server refuses to run as root: use the package's postgres user then
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  if [ ! -s "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    as_owner "'$BIN/initdb' -D '$DATA' -U postgres -A trust -E UTF8 >/dev/null"
  fi
  as_owner "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -w -t 60 \
    -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atqc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "export CLAIMWATCH_TEST_POSTGRES_URL=$URL"
