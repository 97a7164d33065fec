# shellcheck shell=bash
# Free loopback ports, for the clusters' components (cluster.sh) and the images' smoke tests (smoke-image.sh).
# Sourced, never run.

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# pick_port [TAKEN...]: a free port that is none of TAKEN. Below Linux's ephemeral range (32768+), so
# outgoing connections never hold these ports.
pick_port() {
  local p taken=" $* "
  while true; do
    p=$((20000 + RANDOM % 12000))
    [[ "$taken" != *" $p "* ]] && port_free "$p" && { echo "$p"; return; }
  done
}
