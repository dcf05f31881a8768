#!/usr/bin/env bash
# Container images of the connectors, built with podman/buildah (no Docker engine, no registry needed).
#
#   scripts/images.sh tools      install podman, buildah, debootstrap and runc from apt when missing
#                                (root only; otherwise just report what is missing). Idempotent.
#   scripts/images.sh check      exit 1 with a message naming what is missing to build and run images
#   scripts/images.sh base       print the base image to use, building a local one if needed
#   scripts/images.sh wheelhouse every wheel the images install (dist/ wheels + dependencies) in build/wheelhouse
#   scripts/images.sh build      wheelhouse + one image per connector (what `make images` runs)
#
# Base image: $BASE_IMAGE when set (buildah pulls it if needed); otherwise Airbyte's pinned
# python-connector-base when it is already in local storage; otherwise a look-alike built here with
# debootstrap (Debian bookworm = Python 3.11, like Airbyte's base) from the host's own Debian mirror.
# Everything built goes under build/ (git-ignored); the images land in local container storage as
# $IMAGE_NAMESPACE/source-<name>:<version>.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
AIRBYTE_BASE="docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73"
LOCAL_BASE="${LOCAL_BASE:-localhost/airbyte-python-base:local}"
IMAGE_NAMESPACE="${IMAGE_NAMESPACE:-unified-hris}"
TOOLS=(podman buildah debootstrap runc)
# Podman's defaults fail on some hosts (nofile limit above the hard limit, crun on hybrid cgroups).
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/scripts/containers.conf}"

log() { echo "images: $*" >&2; }

missing_tools() {
    local tool out=()
    for tool in "${TOOLS[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || out+=("$tool")
    done
    echo "${out[*]}"
}

# What stops images from being built and run here, as one line (empty when nothing does).
problems() {
    local missing
    missing="$(missing_tools)"
    [ -z "$missing" ] || { echo "missing tools: $missing (Debian packages podman buildah debootstrap runc; \`sudo make image-tools\` installs them)"; return; }
    [ "$(id -u)" = 0 ] || { echo "not root: the image build (debootstrap, buildah) and the image test need root"; return; }
    podman info >/dev/null 2>&1 || echo "podman cannot run: $(podman info 2>&1 | tail -1)"
}

cmd_tools() {
    local missing
    missing="$(missing_tools)"
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq $missing >/dev/null
    else
        log "WARNING: missing $missing; install the Debian packages as root (sudo make image-tools): the image test will fail"
    fi
}

cmd_check() {
    local problem
    problem="$(problems)"
    [ -z "$problem" ] || { log "cannot build images: $problem"; exit 1; }
}

# The first Debian mirror the host's apt uses (deb822 or one-line format): never hard-coded.
debian_mirror() {
    local file url
    for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        url="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$file")"
        [ -n "$url" ] && { echo "$url"; return; }
    done
    url="$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
    [ -n "$url" ] || { log "no Debian mirror found in /etc/apt/sources.list*"; exit 1; }
    echo "$url"
}

build_local_base() {
    local rootfs="$ROOT/build/basefs" mirror
    mirror="$(debian_mirror)"
    log "building $LOCAL_BASE with debootstrap (bookworm, Python 3.11) from $mirror"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "$mirror" >"$ROOT/build/debootstrap.log" 2>&1 \
        || { tail -20 "$ROOT/build/debootstrap.log" >&2; exit 1; }
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
    tar -C "$rootfs" -c . | podman import --quiet \
        --change "ENV LANG=C.UTF-8" --change "ENV PYTHONUNBUFFERED=1" \
        --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --change 'CMD ["python3"]' - "$LOCAL_BASE" >/dev/null
    rm -rf "$rootfs"
}

cmd_base() {
    if [ -n "${BASE_IMAGE:-}" ]; then
        echo "$BASE_IMAGE"
    elif podman image exists "$AIRBYTE_BASE"; then
        echo "$AIRBYTE_BASE"
    else
        podman image exists "$LOCAL_BASE" || build_local_base
        echo "$LOCAL_BASE"
    fi
}

version_of() { # connector dir -> version in its pyproject.toml
    "$PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$1/pyproject.toml"
}

cmd_wheelhouse() {
    [ -n "$(ls dist/unified_hris_source_*.whl 2>/dev/null)" ] || { log "no wheels in dist/: run make wheels"; exit 1; }
    log "wheelhouse (connector wheels and every dependency) in build/wheelhouse"
    rm -rf build/wheelhouse
    "$PYTHON" -m pip wheel --quiet --disable-pip-version-check -w build/wheelhouse --find-links dist \
        dist/unified_hris_source_*.whl
}

cmd_build() {
    cmd_check
    mkdir -p build
    local base py_base py_host connector name version
    base="$(cmd_base)"
    # The wheelhouse holds compiled wheels for the host's Python: it must match the image's.
    py_base="$(podman run --rm --network=none --entrypoint python3 "$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    py_host="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [ "$py_base" = "$py_host" ] || { log "the base image has Python $py_base but $PYTHON is $py_host: use a $py_base venv (PYTHON=...)"; exit 1; }
    cmd_wheelhouse
    for connector in connectors/source-*; do
        name="$(basename "$connector")"
        version="$(version_of "$connector")"
        log "building $IMAGE_NAMESPACE/$name:$version from $base"
        buildah bud --quiet --network=none --layers --build-arg "BASE_IMAGE=$base" \
            -f "$connector/Dockerfile" -t "$IMAGE_NAMESPACE/$name:$version" -t "$IMAGE_NAMESPACE/$name:dev" . >/dev/null
    done
    podman images --filter "reference=$IMAGE_NAMESPACE/*" --format '{{.Repository}}:{{.Tag}} {{.Size}}' >&2
}

case "${1:-}" in
    tools) cmd_tools ;;
    check) cmd_check ;;
    base) cmd_check; cmd_base ;;
    wheelhouse) cmd_wheelhouse ;;
    build) cmd_build ;;
    *) echo "usage: $0 tools|check|base|wheelhouse|build" >&2; exit 2 ;;
esac
