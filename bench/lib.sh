# Shared by bench/run and bench/webhooks (sourced): tools, free ports, a stop of everything started, the nginx stub.
# Expects WORK to be set. start_stub sets STUB_URL.

# The bridge's JVM options beside -Xmx256m: those bin/run-once starts it with, unless APP_JAVA_OPTS is set
# (APP_JAVA_OPTS= for the JVM's own choices: G1, and a heap of 256 MB at once on this machine).
APP_JAVA_OPTS="${APP_JAVA_OPTS--XX:+UseSerialGC -Xms112m -Xmn80m}"

# --- tools ----------------------------------------------------------------------------------------------------------
need() { # command, Debian package
  command -v "$1" > /dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "installing $2 (apt-get install -y $2)..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } > "$WORK/apt.log" 2>&1 \
      || { echo "could not install $2; see $WORK/apt.log"; exit 1; }
  else
    echo "$1 is missing: run  sudo apt-get update && sudo apt-get install -y $2  and run bench/run again"; exit 1
  fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- everything started here is stopped at the end, also on Ctrl-C -------------------------------------------------
# Background children of a script ignore Ctrl-C, so each is stopped by its id. GNU time passes no signal on (and
# dies of SIGTERM while the program it measures runs on): the program under it is stopped, and time then exits.
PIDS=()
cleanup() { # the last started first: the bridge stops with its stub still answering
  trap - EXIT INT TERM
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -0 "$pid" 2> /dev/null || continue
    measured=$(pgrep -P "$pid" || true)
    if [ "$(ps -o comm= -p "$pid")" = time ] && [ -n "$measured" ]; then
      echo "stopping $(ps -o comm= -p "$measured") ($measured)..."
      kill $measured 2> /dev/null || true
    else
      kill "$pid" 2> /dev/null || true
    fi
    wait "$pid" 2> /dev/null || true
  done
  [ -z "${STUB_DIR:-}" ] || rm -rf "$STUB_DIR"
}
trap cleanup EXIT
trap 'echo " interrupted"; exit 130' INT
trap 'exit 143' TERM

start_stub() {
  # --- the stub: nginx answering 201 to POST /api/v1/chats --------------------------------------------------------------
  # nginx takes `return 201` for a POST, but answers as soon as the headers are in and discards the body afterwards.
  # postpress reads the whole multipart first, so the stub does too: `mirror` reads the body (into memory: the body
  # buffer holds a whole request) before the content phase, where the missing file's 404 becomes the 201. About 15 µs
  # of CPU a request, as much as a plain `return`; one worker leaves the cores to what is measured.
  STUB_DIR=$(mktemp -d)
  chmod 755 "$STUB_DIR" # the worker runs as nobody when started by root
  mkdir "$STUB_DIR/empty"
  cat > "$STUB_DIR/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $STUB_DIR/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $STUB_DIR/body;
  proxy_temp_path $STUB_DIR/proxy;
  fastcgi_temp_path $STUB_DIR/fastcgi;
  uwsgi_temp_path $STUB_DIR/uwsgi;
  scgi_temp_path $STUB_DIR/scgi;
  client_body_buffer_size 1m;
  client_max_body_size 16m;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$STUB_PORT;
    location = /api/v1/chats {
      mirror /body-read;
      mirror_request_body on;
      root $STUB_DIR/empty;
      log_not_found off;
      error_page 404 =201 @created;
    }
    location = /callbacks {
      return 204;
    }
    location = /body-read {
      internal;
      return 204;
    }
    location @created {
      default_type application/json;
      return 201 '{"object":"ChatStarted","chat_id":"chat_b","message_id":"msg_b"}';
    }
  }
}
EOF
  nginx -p "$STUB_DIR" -c "$STUB_DIR/nginx.conf" -e "$STUB_DIR/error.log" > "$WORK/stub.log" 2>&1 &
  PIDS+=($!)
  STUB_URL="http://127.0.0.1:$STUB_PORT"
  for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -F account_id=a "$STUB_URL/api/v1/chats")" = 201 ] && break
    kill -0 "${PIDS[0]}" 2> /dev/null || { echo "nginx did not start:"; cat "$STUB_DIR/error.log" "$WORK/stub.log"; exit 1; }
    sleep 0.2
  done
}
