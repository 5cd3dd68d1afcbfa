#!/usr/bin/env bash
# A local Redis-backed UrbanTwin cluster as plain processes: redis-server (AOF on, its own data directory),
# N silos and one gateway on http://localhost:8080, with --mqtt a Mosquitto broker the gateway takes telemetry
# from (localhost:1883, persistent sessions), and with --history a PostgreSQL history store (localhost:5433).
# See docs/operations.md, "A local cluster".
#
#   deploy/cluster.sh start [--silos N] [--feed] [--mqtt] [--history] [--no-build]   start everything (default 2 silos, feed off)
#   deploy/cluster.sh silo I                                     (re)start silo I alone, e.g. after a kill -9
#   deploy/cluster.sh status                                     what runs, with pids and ports
#   deploy/cluster.sh stop                                       graceful stop: gateway, silos (they flush), Redis
#
# Environment: CLUSTER_DIR (default .cluster), REDIS_PORT (6390), GATEWAY_PORT (8080), MQTT_PORT (1883), PG_PORT (5433).
# A cluster gateway needs API keys: the first start makes a random admin key, kept in $CLUSTER_DIR/api-key
# (send it as X-Api-Key); the gateway is given its SHA-256 only.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/.cluster}"
redis_port="${REDIS_PORT:-6390}"
gateway_port="${GATEWAY_PORT:-8080}"
mqtt_port="${MQTT_PORT:-1883}"
pg_port="${PG_PORT:-5433}"
config=Release
silo_dll="$root/src/UrbanTwin.Silo/bin/$config/net10.0/UrbanTwin.Silo.dll"
gateway_dll="$root/src/UrbanTwin.Gateway/bin/$config/net10.0/UrbanTwin.Gateway.dll"

common_env() {
  export ConnectionStrings__Redis="127.0.0.1:$redis_port"
  export Orleans__ClusterId="local" Orleans__ServiceId="urbantwin"
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
  # A local cluster: webhook receivers on this machine are allowed (the gateway's banner says so). Never in k8s/.
  export Webhooks__AllowPrivateTargets=true
  if [[ -s "$dir/postgres.port" ]]; then
    export ConnectionStrings__History="Host=127.0.0.1;Port=$(cat "$dir/postgres.port");Username=postgres;Database=urbantwin"
  fi
}

# Running, and not a zombie: a killed process whose parent (this script, long gone) never reaped it still answers kill -0.
alive() {
  [[ -f "$1" ]] || return 1
  local state; state="$(ps -o stat= -p "$(cat "$1")" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}

wait_ready() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fs "$1" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "not ready after $2 s: $1" >&2; return 1; fi
    sleep 0.5
  done
}

start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)" >&2; exit 1; }
  mkdir -p "$dir/redis"
  if alive "$dir/redis.pid"; then return; fi
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --appendonly yes --appendfsync everysec \
    --save "" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  local deadline=$((SECONDS + 20))
  until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do
    ((SECONDS < deadline)) || { echo "redis-server did not start; see $dir/redis.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "redis     pid $(cat "$dir/redis.pid")  port $redis_port  data $dir/redis (AOF, fsync every second)"
}

start_mosquitto() {
  local program; program="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
  [[ -x "$program" ]] || { echo "mosquitto is not installed (apt-get install -y mosquitto)" >&2; exit 1; }
  mkdir -p "$dir/mosquitto"
  if alive "$dir/mosquitto.pid"; then return; fi
  # Anonymous on loopback for local use; deployed brokers authenticate (k8s/components/mqtt, docs/operations.md).
  {
    echo "listener $mqtt_port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence true"
    echo "persistence_location $dir/mosquitto/"
    echo "max_inflight_messages 1000"
    echo "max_queued_messages 1000000"
    if [[ "$(id -u)" = 0 ]]; then echo "user root"; fi
  } >"$dir/mosquitto/mosquitto.conf"
  (exec nohup "$program" -c "$dir/mosquitto/mosquitto.conf" >>"$dir/mosquitto.log" 2>&1) &
  echo $! >"$dir/mosquitto.pid"
  local deadline=$((SECONDS + 20))
  until (echo >"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null; do
    ((SECONDS < deadline)) && alive "$dir/mosquitto.pid" || { echo "mosquitto did not start; see $dir/mosquitto.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "mosquitto pid $(cat "$dir/mosquitto.pid")  mqtt://127.0.0.1:$mqtt_port  data $dir/mosquitto (persistent sessions)"
}

# PostgreSQL runs as the postgres user (it refuses root); its data stays in $dir/postgres across stops.
start_postgres() {
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -x "$bin/postgres" ]] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }
  local as=()
  if [[ "$(id -u)" = 0 ]]; then as=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi
  if alive "$dir/postgres.pid"; then return; fi
  if [[ ! -s "$dir/postgres/PG_VERSION" ]]; then
    mkdir -p "$dir/postgres"
    if [[ "$(id -u)" = 0 ]]; then chown postgres:postgres "$dir/postgres"; chmod 700 "$dir/postgres"; fi
    "${as[@]}" "$bin/initdb" -D "$dir/postgres" -U postgres -A trust -E UTF8 >>"$dir/postgres.log" 2>&1
  fi
  touch "$dir/postgres.log"; [[ "$(id -u)" = 0 ]] && chown postgres:postgres "$dir/postgres.log"
  (exec nohup "${as[@]}" "$bin/postgres" -D "$dir/postgres" -p "$pg_port" -c listen_addresses=127.0.0.1     -c unix_socket_directories="$dir/postgres" >>"$dir/postgres.log" 2>&1) &
  echo $! >"$dir/postgres.pid"
  local deadline=$((SECONDS + 30))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; do
    ((SECONDS < deadline)) && alive "$dir/postgres.pid" || { echo "postgres did not start; see $dir/postgres.log" >&2; exit 1; }
    sleep 0.2
  done
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'urbantwin'" | grep -q 1 \
    || "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE urbantwin"
  echo "$pg_port" >"$dir/postgres.port"
  echo "postgres  pid $(cat "$dir/postgres.pid")  port $pg_port  database urbantwin  data $dir/postgres (history store)"
}

start_silo() { # index
  local i="$1"
  if alive "$dir/silo-$i.pid"; then echo "silo $i already runs (pid $(cat "$dir/silo-$i.pid"))"; return; fi
  common_env
  # Started in its own folder: the content root (appsettings.json) is the working directory.
  (cd "$(dirname "$silo_dll")" && Orleans__SiloPort=$((11111 + i)) Orleans__GatewayPort=$((30000 + i)) Urls="http://127.0.0.1:$((8181 + i))" \
    exec nohup dotnet "$silo_dll" >>"$dir/silo-$i.log" 2>&1) &
  echo $! >"$dir/silo-$i.pid"
  echo "silo $i    pid $!  silo port $((11111 + i))  gateway port $((30000 + i))  health http://127.0.0.1:$((8181 + i))/health/ready"
}

api_key() { # the local admin key, made once
  if [[ ! -s "$dir/api-key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/api-key")
  fi
  cat "$dir/api-key"
}

start_gateway() { # feed on/off
  common_env
  if alive "$dir/mosquitto.pid"; then
    export Mqtt__Server=127.0.0.1 Mqtt__Port="$mqtt_port" Mqtt__ClientId=urbantwin-gateway-local
  fi
  local key; key="$(api_key)"
  export Auth__Keys__0__Name=local-admin Auth__Keys__0__Role=admin
  Auth__Keys__0__Hash="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
  export Auth__Keys__0__Hash
  (cd "$(dirname "$gateway_dll")" && Simulation__Enabled="$1" Urls="http://localhost:$gateway_port" \
    exec nohup dotnet "$gateway_dll" >>"$dir/gateway.log" 2>&1) &
  echo $! >"$dir/gateway.pid"
  echo "gateway   pid $!  http://localhost:$gateway_port"
}

stop_pid() { # pidfile name
  alive "$1" || { rm -f "$1"; return 0; }
  local pid; pid="$(cat "$1")"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do alive "$1" || break; sleep 0.5; done
  if alive "$1"; then echo "$2 did not stop in 60 s; killing" >&2; kill -KILL "$pid"; fi
  rm -f "$1"
  echo "stopped $2"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    silos=2 feed=false build=true mqtt=false history=false
    while (($#)); do
      case "$1" in
        --silos) silos="$2"; shift 2 ;;
        --feed) feed=true; shift ;;
        --mqtt) mqtt=true; shift ;;
        --history) history=true; shift ;;
        --no-build) build=false; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
      esac
    done
    [[ "$silos" =~ ^[1-9][0-9]?$ ]] || { echo "--silos must be 1..99" >&2; exit 2; }
    mkdir -p "$dir"
    if $build; then
      dotnet build -c "$config" -nologo -v q "$root/src/UrbanTwin.Silo" >/dev/null
      dotnet build -c "$config" -nologo -v q "$root/src/UrbanTwin.Gateway" >/dev/null
    fi
    start_redis
    if $mqtt; then start_mosquitto; fi
    if $history; then start_postgres; else rm -f "$dir/postgres.port"; fi
    for ((i = 0; i < silos; i++)); do start_silo "$i"; done
    wait_ready "http://127.0.0.1:8181/health/ready" 120
    start_gateway "$feed"
    wait_ready "http://localhost:$gateway_port/health/ready" 120
    echo "ready: http://localhost:$gateway_port (logs in $dir); admin API key in $dir/api-key:"
    echo "  curl -H \"X-Api-Key: \$(cat $dir/api-key)\" http://localhost:$gateway_port/api/v1/nodes/shanxi"
    if $mqtt; then
      echo "  mosquitto_pub -p $mqtt_port -q 1 -t urbantwin/v1/assets/taiyuan-xiaodian-gas-001/telemetry -m '{\"metrics\":{\"gasLel\":60}}'"
    fi
    ;;
  silo)
    [[ "${1:-}" =~ ^[0-9]+$ ]] || { echo "usage: $0 silo INDEX" >&2; exit 2; }
    start_silo "$1"
    wait_ready "http://127.0.0.1:$((8181 + $1))/health/ready" 120
    ;;
  status)
    for f in "$dir"/*.pid; do
      [[ -e "$f" ]] || { echo "nothing started in $dir"; break; }
      name="$(basename "$f" .pid)"
      if alive "$f"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: not running"; fi
    done
    ;;
  stop)
    stop_pid "$dir/gateway.pid" gateway
    for f in "$dir"/silo-*.pid; do [[ -e "$f" ]] && stop_pid "$f" "$(basename "$f" .pid)"; done
    stop_pid "$dir/mosquitto.pid" mosquitto
    stop_pid "$dir/postgres.pid" postgres
    stop_pid "$dir/redis.pid" redis
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
