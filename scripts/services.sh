#!/usr/bin/env bash
# Make sure Redis (127.0.0.1:6379) and MariaDB (127.0.0.1:3306, root, no
# password, database `test`) are up: start them, installing them from Debian's
# packages when absent. Idempotent; safe to run when both already run.
set -euo pipefail
RUN=${WEGO_RUN_DIR:-/tmp/wego-services}
mkdir -p "$RUN"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_updated=0
need() { # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ $apt_updated = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >/dev/null
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
if ! redis_up; then
  need redis-server redis-server
  need redis-cli redis-tools
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
fi
redis_up && echo "redis: up" || { echo "redis: failed to start"; exit 1; }

mysql_tcp() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }
mysql_up() { mariadb-admin ping >/dev/null 2>&1 || mysql_tcp; }
if ! mysql_up; then
  need mariadbd mariadb-server
  $SUDO install -d -o mysql -g mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    $SUDO mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  $SUDO start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$RUN/mariadbd.pid" \
    --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306
  for _ in $(seq 1 100); do mysql_up && break; sleep 0.2; done
fi
if ! mysql_tcp; then
  # A plain Debian install lets root in only through the unix socket.
  $SUDO mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');" || true
fi
mariadb -h 127.0.0.1 -u root -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
mysql_tcp && echo "mariadb: up" || { echo "mariadb: failed to start"; exit 1; }

# etcd (127.0.0.1:2379): the distributed config source of @wego/etcd. Data in
# $RUN/etcd (a scratch store; tests isolate themselves by key prefix).
etcd_up() { ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:2379 endpoint health >/dev/null 2>&1; }
if ! etcd_up; then
  need etcd etcd-server
  need etcdctl etcd-client
  # setsid: its own session, so it outlives the shell (and process group) that started it, as redis --daemonize does.
  setsid nohup etcd --name wego-test --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster wego-test=http://127.0.0.1:2380 >"$RUN/etcd.log" 2>&1 &
  echo $! >"$RUN/etcd.pid"
  for _ in $(seq 1 100); do etcd_up && break; sleep 0.1; done
fi
etcd_up && echo "etcd: up" || { echo "etcd: failed to start"; exit 1; }
