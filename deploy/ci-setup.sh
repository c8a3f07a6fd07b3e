#!/usr/bin/env bash
# Install the system tools the deployment tests use: nginx (for `nginx -t` and a loopback proxy test),
# systemd-analyze (to verify the units) and openssl (self-signed certificates for the TLS placeholders).
# Idempotent: installs only what is missing, so a CI run on a machine that already has them costs nothing.
# Never leaves a service running: nginx's package would start its default site on port 80, so the
# install runs with a policy that forbids service starts (removed again afterwards).
set -euo pipefail

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ "${#need[@]}" -eq 0 ]; then
    echo "deploy/ci-setup.sh: nginx, systemd-analyze and openssl already present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deploy/ci-setup.sh: missing ${need[*]} and not root: install them with apt-get as root" >&2
    exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "deploy/ci-setup.sh: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "deploy/ci-setup.sh: done"
