#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1:54329 for the tests; prints its URL.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=${KJTUI_PG_DIR:-/tmp/kjtui-pg}
port=${KJTUI_PG_PORT:-54329}
if ! su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
  su postgres -s /bin/sh -c "$bin/initdb -D $dir -A trust -U postgres -E UTF8 --no-locale" >/dev/null
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/log -w start" >/dev/null
fi
su postgres -s /bin/sh -c "$bin/psql -h 127.0.0.1 -p $port -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='kjtui_test'\"" | grep -q 1 \
  || su postgres -s /bin/sh -c "$bin/createdb -h 127.0.0.1 -p $port -U postgres kjtui_test"
echo "postgresql://postgres@127.0.0.1:$port/kjtui_test"
