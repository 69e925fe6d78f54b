#!/usr/bin/env bash
# A throw-away PostgreSQL server on 127.0.0.1 for the tests: Debian's package is installed
# when absent; each start gets a free port and a private data folder, so two checkouts can
# run the suite at once.
#   eval "$(scripts/postgres.sh start)"   exports CLAIMWATCH_TEST_POSTGRES_URL, and
#                                          CLAIMWATCH_PG_STARTED (the folder of the server it started)
#   scripts/postgres.sh stop              stops that server and removes its folder; a server
#                                          it did not start is left alone
set -euo pipefail
DB=claimwatch_test

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# the server refuses to run as root: use the package's postgres user then
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

start() {
  if [ -n "${CLAIMWATCH_TEST_POSTGRES_URL:-}" ]; then  # a server given by the caller: use it
    echo "export CLAIMWATCH_TEST_POSTGRES_URL=$CLAIMWATCH_TEST_POSTGRES_URL"
    return
  fi
  BIN=$(bindir)
  if [ -z "$BIN" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
    BIN=$(bindir)
  fi
  [ -n "$BIN" ] || { echo "scripts/postgres.sh: PostgreSQL could not be installed" >&2; exit 1; }
  PORT=${CLAIMWATCH_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  DATA=$(mktemp -d /tmp/claimwatch-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_owner "'$BIN/initdb' -D '$DATA/data' -U postgres -A trust -E UTF8 >/dev/null"
  as_owner "'$BIN/pg_ctl' -D '$DATA/data' -l '$DATA/server.log' -w -t 60 \
    -o \"-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  echo "export CLAIMWATCH_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/$DB"
  echo "export CLAIMWATCH_PG_STARTED=$DATA"
}

stop() {
  DATA=${CLAIMWATCH_PG_STARTED:-}
  [ -n "$DATA" ] && [ -d "$DATA/data" ] || return 0
  BIN=$(bindir)
  as_owner "'$BIN/pg_ctl' -D '$DATA/data' -m fast -w stop >/dev/null" || true
  rm -rf "$DATA"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
