#!/usr/bin/env bash
# Team mode on one machine, on loopback, to try it (`make run-team`): a throw-away
# PostgreSQL, the schema upgrade as its own step, two app replicas sharing one
# ASSISTANT_SECRET_KEY, two `assistant worker` processes for the slow work, and haproxy in
# front with cookie stickiness, on one address.
# Ctrl-C stops everything and deletes the database. docs/deployment.md describes the same
# pieces for real servers.
#
#   TEAM_PORT=7860       the address people open: http://127.0.0.1:$TEAM_PORT
#   TEAM_ADMIN=admin     the account created on the fresh database (its password is printed)
#   PY=.venv/bin/python  the Python with the project installed (make setup-test)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${TEAM_PORT:-7860}
ADMIN=${TEAM_ADMIN:-admin}
bins=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for need in "$bins/initdb" "$(command -v haproxy || true)"; do
  if [[ -z $need || ! -x $need ]]; then
    echo "team mode needs Debian's postgresql and haproxy: run \`make setup-test\` (as root)" >&2
    exit 2
  fi
done

work=$(mktemp -d /tmp/assistant-team.XXXXXX)
pids=()
as_postgres=()
if [[ $(id -u) == 0 ]]; then
  chown postgres "$work"
  as_postgres=(runuser -u postgres --)
fi

stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_postgres[@]}" "$bins/pg_ctl" -D "$work/db" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 0' INT TERM  # Ctrl-C: a quiet stop (EXIT cleans up), not a crash report

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "== PostgreSQL (throw-away, in $work)"
pg_port=$(free_port)
"${as_postgres[@]}" "$bins/initdb" -D "$work/db" -A trust -U postgres >/dev/null
"${as_postgres[@]}" "$bins/pg_ctl" -D "$work/db" -l "$work/postgres.log" \
  -o "-p $pg_port -k $work -h 127.0.0.1" -w start >/dev/null

export ASSISTANT_DB_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
export ASSISTANT_SECRET_KEY=${ASSISTANT_SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export ASSISTANT_DATA_DIR=${ASSISTANT_DATA_DIR:-$work/data}
export GRADIO_ANALYTICS_ENABLED=False
assistant() { "$PY" -c 'from assistant.cli import main; main()' "$@"; }

echo "== schema"
assistant db upgrade
password=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(12))')
printf '%s\n' "$password" | assistant users add "$ADMIN" --role admin

replica_a=$(free_port)
replica_b=$(free_port)
for port in "$replica_a" "$replica_b"; do
  "$PY" app.py --port "$port" >"$work/replica-$port.log" 2>&1 &
  pids+=($!)
done

# the slow work (drafting, visuals, audits, replies) runs on workers: two, as on two machines
for n in 1 2; do
  "$PY" -c 'from assistant.cli import main; main()' worker --concurrency 2 \
    >"$work/worker-$n.log" 2>&1 &
  pids+=($!)
done

export TEAM_BIND="127.0.0.1:$PORT" REPLICA_A="127.0.0.1:$replica_a" REPLICA_B="127.0.0.1:$replica_b"
haproxy -db -f scripts/team/haproxy.cfg >"$work/haproxy.log" 2>&1 &
pids+=($!)

echo "== waiting for the replicas ($replica_a, $replica_b)"
"$PY" - "$replica_a" "$replica_b" "$PORT" <<'EOF'
import socket, sys, time
for port in map(int, sys.argv[1:]):
    for _ in range(900):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        sys.exit(f"nothing answers on {port}: see the logs")
EOF

cat <<EOF

Team mode on http://127.0.0.1:$PORT
  log in as $ADMIN with the password $password
  more accounts:  ASSISTANT_DB_URL=$ASSISTANT_DB_URL assistant users add NAME --role reviewer
  logs: $work (each replica, each worker, haproxy, PostgreSQL)
Ctrl-C stops everything and deletes the database.
EOF
wait -n "${pids[@]}"
echo "a process of the team stopped; the end of each log:" >&2
tail -n 15 "$work"/*.log >&2
exit 1
