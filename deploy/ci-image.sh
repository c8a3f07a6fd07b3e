#!/usr/bin/env bash
# CI step (run by scripts/test): build the image of deploy/Dockerfile with podman and run it as compose
# would, without any container registry.
#
#   1. podman, buildah, mmdebstrap, runc, uidmap, catatonit, curl from apt (once)
#   2. a base image standing in for python:3.11-slim-bookworm: a bookworm root filesystem made by
#      mmdebstrap from this host's Debian archives, with python3 + python3-venv, imported as $BASE
#      (kept between runs; REBUILD_BASE=1 makes it again)
#   3. podman build --format docker (the OCI format drops HEALTHCHECK) --build-arg PYTHON_IMAGE=$BASE,
#      pip inside the build configured from this host's pip configuration, bind-mounted, never copied
#   4. checks: the HEALTHCHECK passes (and fails on a closed port), the server runs as uid 10001 on a
#      read-only root filesystem, /app and site-packages are read-only, no source tree in the image,
#      `ask` and `check` work, SIGTERM stops `serve` with status 0; the image size is printed
#
# Skips (exit 0, with the reason) only where podman cannot run at all: not Linux, not root (rootful
# podman, mmdebstrap), or no apt-get to install it with. Anything that fails once podman runs is a failure.
# No host name of any package repository is written here: apt sources come from `apt-cache policy`,
# pip's from `pip config list`.
#
# Environment: BASE, IMAGE, PORT (18080), RUNTIME (runc), WORK (scratch), HOST_PYTHON (python3, whose
# pip configuration is used), REBUILD_BASE=1.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-localhost/obligations-base:bookworm-python3.11}
IMAGE=${IMAGE:-localhost/obligations:ci}
PORT=${PORT:-18080}
# bookworm's crun (1.8) refuses hosts with hybrid cgroups v1/v2; runc works there.
RUNTIME=${RUNTIME:-runc}
WORK=${WORK:-${TMPDIR:-/tmp}/obligations-ci-image}
HOST_PYTHON=${HOST_PYTHON:-python3}
CTR=obligations-ci-$$
START=$SECONDS

say() { printf 'ci-image: %s\n' "$*" >&2; }
step() { printf '\n== ci-image: %s  [%ss]\n' "$*" "$((SECONDS - START))" >&2; }
die() { printf 'ci-image: FAILED: %s\n' "$*" >&2; exit 1; }
skip() { printf 'ci-image: SKIPPED (podman cannot run here): %s\n' "$*" >&2; exit 0; }
P() { podman --runtime "$RUNTIME" "$@"; }
cleanup() { podman --runtime "$RUNTIME" rm -f -t 5 "$CTR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# ---- 1. packages ------------------------------------------------------------------------------------
[ "$(uname -s)" = Linux ] || skip "not Linux ($(uname -s))"
[ "$(id -u)" = 0 ] || skip "not root: this step uses rootful podman and mmdebstrap"
step "packages"
pkgs=(podman buildah mmdebstrap runc uidmap catatonit curl)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || skip "no apt-get to install ${missing[*]}"
    say "installing ${missing[*]}"
    timeout 300 apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
say "$(podman --version), $("$RUNTIME" --version | head -1)"
mkdir -p "$WORK"
P info >/dev/null 2>"$WORK/info.err" || skip "podman info fails: $(tail -1 "$WORK/info.err")"

# Root here may lack CAP_SYS_RESOURCE, and podman's default rlimits ask for more than this host's hard
# limits (runc: "error setting rlimit type 7: operation not permitted"): stay within the host's.
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] && nproc=1048576
pid_max=$(cat /proc/sys/kernel/pid_max); [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
ULIMITS=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")

# ---- 2. base image ----------------------------------------------------------------------------------
if [ "${REBUILD_BASE:-0}" != 1 ] && podman image exists "$BASE"; then
    step "base $BASE (kept from an earlier run)"
else
    step "base $BASE: bookworm root filesystem (mmdebstrap)"
    [ -r /etc/os-release ] && grep -q '^VERSION_CODENAME=bookworm' /etc/os-release \
        || say "host is not Debian bookworm; the base is bookworm from the archives apt lists"
    timeout 300 apt-get update -q >/dev/null   # fills the lists `apt-cache policy` reads
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    opt=""; [ -r "$keyring" ] && opt="[signed-by=$keyring] "
    apt-cache policy | awk -v opt="$opt" '
        $1 ~ /^[0-9]+$/ && $2 ~ /^(https?|file):/ { uri = $2; n = split($3, sc, "/"); want = 1; next }
        want { want = 0; if ($0 ~ /o=Debian,/ && sc[1] ~ /^bookworm/) print "deb " opt uri " " sc[1] " " sc[2] }
    ' | sort -u > "$WORK/debian.list"
    [ -s "$WORK/debian.list" ] || die "no Debian bookworm archive in this host's apt configuration"
    rm -f "$WORK/rootfs.tar"
    # minbase (like debian:bookworm-slim) + python; passwd for groupadd/useradd. python:3.11-slim has
    # `python` in /usr/local/bin: symlinks. /etc/xdg/pip exists so the build's bind mount leaves no trace.
    timeout 900 mmdebstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates,passwd \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='ln -sf /usr/bin/python3 "$1/usr/local/bin/python"; ln -sf /usr/bin/python3 "$1/usr/local/bin/python3"' \
        --customize-hook='mkdir -p "$1/etc/xdg/pip"; rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
        bookworm "$WORK/rootfs.tar" "$WORK/debian.list" > "$WORK/mmdebstrap.log" 2>&1 \
        || { tail -20 "$WORK/mmdebstrap.log" >&2; die "mmdebstrap (log: $WORK/mmdebstrap.log)"; }
    podman rmi -f "$BASE" >/dev/null 2>&1 || true
    timeout 300 podman import \
        --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' \
        "$WORK/rootfs.tar" "$BASE" >/dev/null 2>"$WORK/import.err" || { cat "$WORK/import.err" >&2; die "podman import"; }
    rm -f "$WORK/rootfs.tar"
fi
P run --rm "${ULIMITS[@]}" "$BASE" python -c "import venv, ensurepip, tomllib" || die "base image has no usable python"

# ---- 3. pip configuration for the build, from this host's ------------------------------------------
step "pip configuration (from: $HOST_PYTHON -m pip config list)"
rm -rf "$WORK/pip"; mkdir -p "$WORK/pip"
# Writes $WORK/pip/pip.conf (+ ca.crt) and prints one "-v HOST:CTR:ro" per local directory pip must read.
# Local directories are passed only when pip has no network index: every -v of `podman build` applies to
# every RUN and leaves its (empty) mount point in the layer.
VOLUMES=$("$HOST_PYTHON" - "$WORK/pip" <<'PY'
import ast, os, shutil, subprocess, sys
from urllib.parse import urlparse, unquote

out_dir = sys.argv[1]
listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True).stdout
ranks = {":env:": 3, "install": 2, "global": 1}
best = {}
for line in listing.splitlines():
    key, sep, raw = line.partition("=")
    section, _, name = key.rpartition(".")
    if not sep or section not in ranks:
        continue
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw.strip("'\"")
    if name not in best or ranks[section] > best[name][0]:
        best[name] = (ranks[section], str(value))
get = lambda name: best.get(name, (0, ""))[1].strip()

def local_dir(location, is_index):
    parsed = urlparse(location)
    if parsed.scheme not in ("", "file"):
        return None
    path = unquote(parsed.path) if parsed.scheme else location
    if is_index and os.path.basename(path.rstrip("/")) == "simple":
        path = os.path.dirname(path.rstrip("/"))  # a PEP 503 tree links to ../../files/...
    return path if os.path.isdir(path) else None

conf, mounts = {}, set()
no_index = get("no-index").lower() in ("1", "true", "yes", "on")
index_url = get("index-url")
network_index = not no_index and (not index_url or urlparse(index_url).scheme in ("http", "https"))
for name in ("index-url", "extra-index-url", "find-links"):
    kept = []
    for loc in get(name).split():
        if urlparse(loc).scheme in ("http", "https"):
            kept.append(loc)
        elif (directory := local_dir(loc, name != "find-links")) and not network_index:
            mounts.add(directory)
            kept.append(loc)
    if kept:
        conf[name] = " ".join(kept)
for name in ("trusted-host", "proxy", "retries", "no-index"):
    if get(name):
        conf[name] = get(name)
if get("timeout") or get("default-timeout"):
    conf["timeout"] = get("timeout") or get("default-timeout")
cert = get("cert")
if cert and os.path.isfile(cert):
    shutil.copyfile(cert, os.path.join(out_dir, "ca.crt"))
    conf["cert"] = "/etc/xdg/pip/ca.crt"
# Not copied: the host's own constraint file (the Dockerfile passes constraints.txt), cache settings.
with open(os.path.join(out_dir, "pip.conf"), "w") as f:
    f.write("[global]\n" + "".join(f"{k} = {v}\n" for k, v in conf.items()))
for directory in sorted(mounts):
    print(f"-v {directory}:{directory}:ro")
PY
)
# shellcheck disable=SC2206
VOLUME_ARGS=($VOLUMES)

# ---- 4. image -------------------------------------------------------------------------------------
step "podman build -> $IMAGE"
t=$SECONDS
# --pull=never: FROM resolves to the local $BASE, never to a registry. --network host: pip reaches the
# index the way the host does. The context is the working tree, filtered by deploy/Dockerfile.dockerignore.
timeout 1200 podman --runtime "$RUNTIME" build --format docker --pull=never --network host \
    -v "$WORK/pip:/etc/xdg/pip:ro" "${VOLUME_ARGS[@]}" \
    --build-arg PYTHON_IMAGE="$BASE" -f deploy/Dockerfile -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; die "podman build (log: $WORK/build.log)"; }
say "built in $((SECONDS - t)) s"
podman image inspect "$IMAGE" > "$WORK/image.json"
"$HOST_PYTHON" - "$WORK/image.json" <<'PY' || die "image configuration"
import json, sys
image = json.load(open(sys.argv[1]))[0]
config = image["Config"]
print(f"ci-image: image size {image['Size'] / 1e6:.0f} MB, user {config.get('User')!r}, "
      f"entrypoint {config.get('Entrypoint')}, cmd {config.get('Cmd')}", file=sys.stderr)
assert image.get("Healthcheck"), "HEALTHCHECK missing from the image (built without --format docker?)"
assert config.get("User", "").split(":")[0] == "10001", f"the image runs as {config.get('User')!r}, not 10001"
PY
mapfile -t HEALTHCHECK < <("$HOST_PYTHON" -c 'import json,sys; t=json.load(open(sys.argv[1]))[0]["Healthcheck"]["Test"]; assert t[0]=="CMD", t; print("\n".join(t[1:]))' "$WORK/image.json")

# ---- 5. run it as compose does: read-only root, /tmp in memory, no capabilities -----------------------
step "run: serve on 127.0.0.1:$PORT"
P run -d --name "$CTR" --network host "${ULIMITS[@]}" --read-only --tmpfs /tmp:size=16m,mode=1777 \
    --cap-drop ALL --security-opt no-new-privileges -e OBLIGATIONS_PORT="$PORT" "$IMAGE" serve \
    >/dev/null 2>"$WORK/run.err" || { cat "$WORK/run.err" >&2; die "podman run"; }
for _ in $(seq 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    [ "$(P inspect "$CTR" --format '{{.State.Running}}')" = true ] || { P logs "$CTR" >&2; die "serve exited"; }
    sleep 0.5
done
curl -fsS --max-time 5 "http://127.0.0.1:$PORT/healthz" >/dev/null || { P logs "$CTR" >&2; die "GET /healthz"; }
verdict=$(curl -fsS --max-time 10 "http://127.0.0.1:$PORT/api/ask?q=CRO%20au%20patient%20%3F" \
    | "$HOST_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["verdict"], *d["documents"])')
say "GET /api/ask?q=CRO au patient ?: $verdict"
[ "$verdict" = "obligatoire cr-operatoire" ] || die "unexpected answer from /api/ask: $verdict"
uid=$(P exec "$CTR" sh -c 'awk "/^Uid:/ {print \$2}" /proc/1/status')
[ "$uid" = 10001 ] || die "the server runs as uid $uid, not 10001"
say "server (pid 1) runs as uid $uid"

step "HEALTHCHECK: ${HEALTHCHECK[*]}"
timeout 30 podman --runtime "$RUNTIME" healthcheck run "$CTR" || die "podman healthcheck run: unhealthy"
say "podman healthcheck run: healthy"
if timeout 30 podman --runtime "$RUNTIME" exec -e OBLIGATIONS_PORT=1 "$CTR" "${HEALTHCHECK[@]}" 2>/dev/null; then
    die "the health check passes against a closed port"
fi
say "health check against a closed port: unhealthy, as it should"

step "what is inside"
P exec "$CTR" sh -c '
    set -e
    site=$(python -c "import bot, pathlib; print(pathlib.Path(bot.__file__).parent.parent)")
    case "$site" in /opt/venv/lib/*/site-packages) ;; *) echo "bot imported from $site"; exit 1;; esac
    for p in /app /opt/venv "$site/bot" "$site/bot/_data/rules"; do
        if touch "$p/.write-test" 2>/dev/null; then echo "$p is writable by uid $(id -u)"; exit 1; fi
    done
    for p in /src /app/bot /app/rules /app/knowledge /app/.git /app/tests; do
        if [ -e "$p" ]; then echo "unexpected in the image: $p"; exit 1; fi
    done
    if ls "$site" | grep -q "__editable__\|\.egg-link$"; then echo "editable install in $site"; exit 1; fi
    echo "ci-image: bot in $site; /app, /opt/venv and the package read-only for uid $(id -u); no source tree"
' >&2 || die "image contents"

step "stop (SIGTERM)"
# (Without systemd podman logs that it cannot remove its healthcheck timer: harmless, hidden.)
timeout 30 podman --runtime "$RUNTIME" stop -t 10 "$CTR" >/dev/null 2>&1 || die "podman stop"
status=$(P inspect "$CTR" --format '{{.State.ExitCode}}')
P logs "$CTR" 2>&1 | tail -3 | sed 's/^/   /' >&2
[ "$status" = 0 ] || die "serve exited with status $status on SIGTERM"
say "serve exited 0 on SIGTERM"
P rm "$CTR" >/dev/null 2>&1

step "one-off commands"
out=$(timeout 60 podman --runtime "$RUNTIME" run --rm "${ULIMITS[@]}" --read-only --no-healthcheck "$IMAGE" \
    ask --json "CRO au patient ?") || die "ask"
printf '%s' "$out" | "$HOST_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); assert d["verdict"]=="obligatoire", d["verdict"]' \
    || die "ask --json: unexpected answer"
say "ask --json \"CRO au patient ?\": obligatoire"
check=$(timeout 60 podman --runtime "$RUNTIME" run --rm "${ULIMITS[@]}" --read-only --no-healthcheck "$IMAGE" check) \
    || die "check"
say "check: $check"

# Each build leaves the previous image and its build stage untagged: drop those older than a day, keep the
# recent ones, which hold the layer cache of the next run (dependencies reinstalled only when pinned anew).
podman image prune -f --filter until=24h >/dev/null 2>&1 || true
size=$("$HOST_PYTHON" -c 'import json,sys; print(round(json.load(open(sys.argv[1]))[0]["Size"] / 1e6))' "$WORK/image.json")
step "done: $IMAGE works (${size} MB), $((SECONDS - START)) s in all"
