#!/usr/bin/env bash
# Stop a cluster started by scripts/rgw_start.sh: kill radosgw, osd and mon by their pid files in DIR/run.
#
# Usage: scripts/rgw_stop.sh DIR [--remove]   (--remove also deletes DIR)
set -uo pipefail

DIR="${1:?usage: rgw_stop.sh DIR [--remove]}"
RUN="$DIR/run"

stop_pid_file() {
  local pid_file="$1" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Clients first, then the OSD, then the mon.
for pid_file in "$RUN"/client.rgw.*.pid; do stop_pid_file "$pid_file"; done
for pid_file in "$RUN"/osd.*.pid; do stop_pid_file "$pid_file"; done
for pid_file in "$RUN"/mon.*.pid; do stop_pid_file "$pid_file"; done

if [[ "${2:-}" == "--remove" ]]; then
  rm -rf -- "$DIR"
fi
