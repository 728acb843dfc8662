#!/usr/bin/env bash
# The experiment across hosts, on one machine: a server host and LOAD_HOSTS load hosts simulated in network
# namespaces, each with a veth pair on one bridge and an sshd on its own address only, then COMMAND run with HOSTS
# naming a hosts file for them; everything is removed on exit.
#
#   bench/hosts-in-namespaces.sh [LOAD_HOSTS] -- mvn -pl bench verify -Dhosts='$HOSTS' ...
#
# The hosts are 10.213.100.2 (server) and 10.213.100.3, ... (load); this machine is 10.213.100.1. Load goes nowhere
# else. The server is pinned to core 0 and the load hosts to core 1, as the experiment pins them on one machine, so
# that the two runs compare. Needs root, iproute2 and openssh-server (installed from Debian's packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_HOSTS=${1:-2}
shift || true
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [LOAD_HOSTS] -- COMMAND (HOSTS names the hosts file)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: network namespaces need root" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null; }

TAG=$$
DIR=$(mktemp -d /tmp/iolab-hosts.XXXXXX)
SW=iolab-$TAG-sw
NET=10.213.100
JAVA="$(bin/java-home)/bin/java"
cleanup() {
    for pid in "$DIR"/sshd_*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done
    for ns in $(ip netns list | awk '{print $1}' | grep "^iolab-$TAG-" || true); do ip netns del "$ns"; done
    rm -rf "$DIR"
}
trap cleanup EXIT

ssh-keygen -q -t ed25519 -N '' -f "$DIR/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$DIR/user_key"
cp "$DIR/user_key.pub" "$DIR/authorized_keys"
mkdir -p /run/sshd
ip netns add "$SW"
ip netns exec "$SW" ip link add br0 type bridge
ip netns exec "$SW" ip link set br0 up
plug() { # plug NAMESPACE|- NAME ADDRESS: a veth from the bridge, its end NAME in NAMESPACE (- for this one)
    ip link add "$2" type veth peer name "$2s"
    ip link set "$2s" netns "$SW"
    ip netns exec "$SW" ip link set "$2s" master br0 up
    if [ "$1" = - ]; then
        ip addr add "$3/24" dev "$2" && ip link set "$2" up
    else
        ip link set "$2" netns "$1"
        ip netns exec "$1" ip addr add "$3/24" dev "$2"
        ip netns exec "$1" ip link set "$2" up
    fi
}
plug - "il${TAG}c" "$NET.1"
: > "$DIR/hosts"
for i in $(seq 0 "$LOAD_HOSTS"); do
    ns=iolab-$TAG-$i
    address=$NET.$((2 + i))
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    plug "$ns" "il${TAG}h$i" "$address"
    cat > "$DIR/sshd_config_$i" <<EOF
Port 2222
ListenAddress $address
HostKey $DIR/host_key
AuthorizedKeysFile $DIR/authorized_keys
PidFile $DIR/sshd_$i.pid
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
EOF
    ip netns exec "$ns" /usr/sbin/sshd -f "$DIR/sshd_config_$i" -E "$DIR/sshd_$i.log"
    if [ "$i" = 0 ]; then role=server; cpus=0; else role=load; cpus=1; fi
    echo "$role root@$address port=2222 identity=$DIR/user_key known_hosts=$DIR/known_hosts java=$JAVA cpus=$cpus" \
        >> "$DIR/hosts"
done
for i in $(seq 0 "$LOAD_HOSTS"); do
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/$NET.$((2 + i))/2222") 2>/dev/null && break; sleep 0.1; done
done
echo "hosts file ($DIR/hosts):" >&2
sed 's/^/  /' "$DIR/hosts" >&2
export HOSTS="$DIR/hosts"
eval "$@"
