#!/usr/bin/env bash
# Installs the Debian 12 packages Promptvault needs, only those missing. Says what it does.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config make
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15 postgresql-client-15 faketime
  nlohmann-json3-dev doctest-dev libcli11-dev
  libimgui-dev libglfw3-dev libstb-dev libgl-dev libdtl-dev libmd4c-dev libzip-dev
  fonts-dejavu-core fonts-dejavu-extra fonts-noto-cjk fonts-noto-color-emoji fonts-symbola fonts-lohit-deva
  libfreetype-dev libfribidi-dev
  libsecret-1-dev gnome-keyring dbus
  xvfb xauth libgl1-mesa-dri xdotool
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "deps: missing packages (${missing[*]}) and not root and no sudo; install them and retry" >&2
    exit 1
  fi
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  echo "deps: refreshing package lists and retrying"
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "deps: done"
