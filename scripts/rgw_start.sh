#!/usr/bin/env bash
# Start a throw-away single-node Ceph (1 mon, 1 memstore OSD, no mgr) with radosgw on loopback.
#
# Usage: scripts/rgw_start.sh [DIR] [PORT]
#   DIR   folder for every file (conf, mon/osd data, sockets, logs, pid files); default: mktemp -d
#   PORT  radosgw port on 127.0.0.1; default 7480 (0 = pick a free one)
# Prints (stdout, one per line): RGW_DIR=..., RGW_ENDPOINT=http://127.0.0.1:PORT, RGW_KEYS=DIR/keys.env
# DIR/keys.env holds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / RGW_ENDPOINT for the created user.
# Stop with scripts/rgw_stop.sh DIR (kills by the pid files in DIR/run).
set -euo pipefail

for binary in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
  command -v "$binary" >/dev/null || { echo "rgw_start: $binary not found (apt-get install ceph-mon ceph-osd radosgw ceph-common)" >&2; exit 3; }
done

DIR="${1:-}"
if [[ -z "$DIR" ]]; then DIR="$(mktemp -d -t logik-rgw.XXXXXX)"; fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PORT="${2:-7480}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
if [[ "$PORT" == "0" ]]; then PORT="$(free_port)"; fi
# Mon ports must not collide with another cluster on the same machine.
MON_V2="$(free_port)"
MON_V1="$(free_port)"

mkdir -p "$DIR/run" "$DIR/log" "$DIR/mon/ceph-a" "$DIR/osd" "$DIR/rgw"
CONF="$DIR/ceph.conf"
FSID="$(python3 -c 'import uuid; print(uuid.uuid4())')"

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
# Without crc modes radosgw loops on "get_initial_auth_request returned -13".
ms mon client mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms cluster mode = crc
ms service mode = crc
run dir = $DIR/run
admin socket = $DIR/run/\$cluster-\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
crash dir = $DIR/crash
mon data = $DIR/mon/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id
keyring = $DIR/keyring
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
mon pg warn min per osd = 0
mon max pg per osd = 1000
osd max object name len = 460
osd max object namespace len = 64
mgr initial modules =
debug ms = 0
[mon]
mon osd full ratio = .99
mon osd nearfull ratio = .99
mon osd backfillfull ratio = .99
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DIR/rgw
rgw dns name = 127.0.0.1
rgw thread pool size = 64
EOF

CEPH=(ceph -c "$CONF" --connect-timeout 10)
cd "$DIR"
start_ns=$(date +%s%N)

monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >/dev/null 2>&1
ceph-mon -c "$CONF" -i a

OSD_UUID="$(python3 -c 'import uuid; print(uuid.uuid4())')"
OSD_ID="$("${CEPH[@]}" osd new "$OSD_UUID" 2>/dev/null)"
mkdir -p "$DIR/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1
ceph-osd -c "$CONF" -i "$OSD_ID" 2>>"$DIR/log/osd-start.err"

for _ in $(seq 1 120); do
  if "${CEPH[@]}" osd stat 2>/dev/null | grep -q " 1 up"; then break; fi
  sleep 0.25
done
"${CEPH[@]}" osd stat 2>/dev/null | grep -q " 1 up" || { echo "rgw_start: osd did not come up (see $DIR/log)" >&2; exit 1; }

radosgw -c "$CONF" -n client.rgw.a 2>>"$DIR/log/rgw-start.err"

# radosgw creates its pools on first start; the user can be created once the zone exists.
for _ in $(seq 1 120); do
  if radosgw-admin -c "$CONF" user info --uid=logik >/dev/null 2>&1; then break; fi
  if radosgw-admin -c "$CONF" user create --uid=logik --display-name="Logik test" >"$DIR/user.json" 2>/dev/null; then break; fi
  sleep 0.5
done
ACCESS_KEY="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["access_key"])' "$DIR/user.json")"
SECRET_KEY="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["secret_key"])' "$DIR/user.json")"

ENDPOINT="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  if curl -s -o /dev/null -w '%{http_code}' "$ENDPOINT/" 2>/dev/null | grep -qE '^(200|403)$'; then break; fi
  sleep 0.25
done
curl -s -o /dev/null "$ENDPOINT/" || { echo "rgw_start: radosgw does not answer on $ENDPOINT (see $DIR/log)" >&2; exit 1; }

umask 077
cat >"$DIR/keys.env" <<EOF
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
RGW_ENDPOINT=$ENDPOINT
EOF
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "RGW_DIR=$DIR"
echo "RGW_ENDPOINT=$ENDPOINT"
echo "RGW_KEYS=$DIR/keys.env"
echo "rgw_start: up in ${elapsed_ms} ms" >&2
