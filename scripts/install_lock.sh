#!/usr/bin/env bash
# `make setup`: install requirements.lock, then the project (editable, no resolving), into the
# environment of the interpreter PY, saying what it does and roughly how long it takes.
#
# uv installs the lock in seconds where pip takes minutes: the uv on PATH, else the lock's own
# uv put into the environment by pip; pip alone when neither works. Like pip, it compiles the
# bytecode at install (--compile-bytecode; uv does not by default): left to the first
# `make reports`, eight kernels compile the same modules at once (a fresh clone took 99 s
# instead of 62 s), and with PYTHONDONTWRITEBYTECODE set every process would compile them.
#
# Usage: scripts/install_lock.sh PY LOCK
set -euo pipefail

py=$1
lock=$2
start=$SECONDS
packages=$(grep -c '^[A-Za-z0-9]' "$lock")

install_with_uv() {
    local uv=$1
    local name
    name=$("$uv" --version 2>/dev/null | cut -d" " -f1-2) || true
    echo "setup: installing the $packages packages of $lock with ${name:-uv}" \
        "(a few seconds, a minute with nothing cached, then about 20 s compiling bytecode)"
    "$uv" pip install --quiet --compile-bytecode --python "$py" -r "$lock" &&
        "$uv" pip install --quiet --python "$py" --no-deps -e .
}

install_with_pip() {
    echo "setup: installing the $packages packages of $lock with pip" \
        "(about 2 min; pip prints nothing meanwhile)"
    "$py" -m pip install --quiet --disable-pip-version-check -r "$lock" &&
        "$py" -m pip install --quiet --disable-pip-version-check --no-deps -e .
}

uv=$(command -v uv || true)
if [[ -z $uv ]]; then
    pin=$(sed -n 's/^uv==//p' "$lock")
    echo "setup: no uv on PATH; fetching uv $pin into the environment with pip (a few seconds)"
    if "$py" -m pip install --quiet --disable-pip-version-check "uv==$pin"; then
        uv=$(dirname "$py")/uv
    fi
fi
if [[ -n $uv ]] && install_with_uv "$uv"; then
    :
else
    [[ -n $uv ]] && echo "setup: uv failed (its message is above); trying pip instead"
    install_with_pip
fi
echo "setup: packages installed in $((SECONDS - start)) s"
