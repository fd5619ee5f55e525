#!/usr/bin/env bash
# System packages the tool and its tests use: libz3 (the SMT backend's native library), Fashion-MNIST
# (training data) and Chromium (renders the HTML report in tests). Idempotent; needs root or sudo.
set -euo pipefail
packages=(libz3-4 dataset-fashion-mnist chromium)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
