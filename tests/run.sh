#!/usr/bin/env bash
# Install what the tests need (Debian and PyPI packages), then run them.
# Used by the README's quick start and by .ci/run. Extra arguments go to pytest; without -m
# every tier runs (browser, remote and slow tests included); -m "not slow" is the fast tier.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v rapper >/dev/null || apt_packages+=(raptor2-utils)  # an independent Turtle reader
command -v chromium >/dev/null || apt_packages+=(chromium)  # headless browser for the view tests
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || apt_packages+=(fonts-noto-cjk)  # Chinese in screenshots, not boxes
if ((${#apt_packages[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m pytest "$@"
