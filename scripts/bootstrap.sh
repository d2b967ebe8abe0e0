#!/usr/bin/env bash
# Installs what the project needs beyond the Swift toolchain, on Debian/Ubuntu, if missing:
#   libsqlite3-dev  SQLite headers for GRDB (extension state)
#   zlib1g-dev + pkg-config  zlib for ZIPFoundation (the .hmx package archive), found through pkg-config
#   python3 + jsonschema (from PyPI) for the test that checks the manifest JSON Schema
#   libcurl4-openssl-dev  libcurl's headers, for the floor of the outbound HTTP benchmarks (Benchmarks/)
#   promtool (Debian package prometheus, without recommends) for the test that checks the alert
#   rules and a /metrics scrape; the Prometheus server of that package is kept from starting
#   openapi-spec-validator and schemathesis (from PyPI) for the admin API document and a live node
#   docker-registry (distribution 2.8.2), skopeo and apache2-utils (htpasswd, bcrypt hashes) for the
#   OCI registry client tests; the registry service of that package is kept from starting
#   etcd-server and etcd-client (etcd 3.4) for the fleet tests, which start their own etcd; the etcd
#   service of that package is kept from starting
#   wabt (wasm2c and wasm-rt.h, wat2wasm) for the compiled tier of wasm extensions and its tests and
#   benchmarks; without it the host runs compiled-tier extensions on the interpreter
#   wrk, jq and curl for the chaos soak (scripts/soak.sh, run by ./test.sh): HTTP load on the node,
#   its JSON answers, its probes
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail

need_apt=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need_apt+=(libsqlite3-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)
command -v wasm2c >/dev/null 2>&1 || need_apt+=(wabt)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)

if ((${#need_apt[@]})); then
    echo "bootstrap: installing ${need_apt[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# The OCI registry client tests (Tests/HyperMeshRegistryTests) start their own docker-registry on a
# free loopback port, read manifests back with skopeo and write htpasswd files with `htpasswd -Bbn`.
need_registry=()
command -v docker-registry >/dev/null 2>&1 || need_registry+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need_registry+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || need_registry+=(apache2-utils)
# The fleet tests (Tests/HyperMeshFleetTests, the five-node tests) start their own etcd the same way.
command -v etcd >/dev/null 2>&1 || need_registry+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need_registry+=(etcd-client)
if ((${#need_registry[@]})); then
    echo "bootstrap: installing ${need_registry[*]} (the docker-registry service is not started)" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_registry[@]}" || registry_status=$?
    if [ -n "$own_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
    if [ -n "${registry_status:-}" ]; then exit "$registry_status"; fi
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
        $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
        $SUDO systemctl disable --now etcd >/dev/null 2>&1 || true
    fi
fi

if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
    echo "bootstrap: installing the Python package jsonschema" >&2
    python3 -m pip install --quiet jsonschema || python3 -m pip install --quiet --break-system-packages jsonschema
fi

if ! command -v promtool >/dev/null 2>&1; then
    echo "bootstrap: installing promtool (Debian package prometheus; its server is not started)" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    # policy-rc.d answering 101 keeps invoke-rc.d and deb-systemd-invoke from starting the service
    # during the install (the Debian convention); one already there is left as it is.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus || status=$?
    if [ -n "$own_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
    if [ -n "${status:-}" ]; then exit "$status"; fi
    # Where systemd runs, the unit stays stopped and disabled: only promtool is wanted.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
        $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
fi

# The admin API's document (docs/node-api.yaml) is checked by openapi-spec-validator, and a live node
# is checked against it by schemathesis (Tests/HyperMeshNodeTests/NodeAPIDocumentTests.swift).
if ! command -v openapi-spec-validator >/dev/null 2>&1; then
    echo "bootstrap: installing the Python package openapi-spec-validator" >&2
    python3 -m pip install --quiet openapi-spec-validator || python3 -m pip install --quiet --break-system-packages openapi-spec-validator
fi
if ! command -v schemathesis >/dev/null 2>&1; then
    echo "bootstrap: installing the Python package schemathesis" >&2
    python3 -m pip install --quiet schemathesis || python3 -m pip install --quiet --break-system-packages schemathesis
fi
