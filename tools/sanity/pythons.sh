# Sourced by tools/sanity/setup.sh, run.sh and units.sh: the supported ansible-core releases and which Python on
# this machine runs each as its controller.
#
# CORE_VERSIONS: the releases we support and test (tests/README.md "Ecosystem gates", meta/runtime.yml requires_ansible):
# the latest patch release of every ansible-core still maintained, or ended within the last month, on 2026-12-06.
# 2.16 and 2.17 are past end of life; 2.18 ended in November 2026.
CORE_VERSIONS="2.18.19 2.19.14 2.20.10 2.21.5"

# The controller Pythons each release supports, in the order we prefer them (its own list:
# ansible_test/_util/target/common/constants.py CONTROLLER_PYTHON_VERSIONS, checked by setup.sh after install).
# 2.18 and 2.19 keep Python 3.11, the project's own (.venv); 2.20 and later need 3.12 or newer.
controller_python_versions() {
  case "$1" in
    2.18.*|2.19.*) echo "3.11 3.12 3.13" ;;
    2.20.*|2.21.*) echo "3.12 3.13 3.14" ;;
    *) echo "sanity: no controller Python known for ansible-core $1: add it to tools/sanity/pythons.sh" >&2; return 1 ;;
  esac
}

# find_python X.Y: the path of an installed, working pythonX.Y (pyenv's versions first, then PATH), or nothing.
# pyenv's shims answer to pythonX.Y only for the selected version, so pyenv's interpreters are taken by real path.
find_python() {
  local v=$1 pyenv_root candidate
  pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  for candidate in "$pyenv_root"/versions/"$v".*/bin/python"$v" $(type -ap "python$v" || true); do
    if [ -x "$candidate" ] && "$candidate" -c '' 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

# controller_python CORE: "X.Y PATH" of the first supported controller Python installed here. None installed is an
# error naming every Python that would do: a release is never skipped quietly.
controller_python() {
  local core=$1 versions v path
  versions=$(controller_python_versions "$core") || return 1
  if [ -n "${SANITY_PYTHON:-}" ]; then
    v=$("$SANITY_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
    case " $versions " in *" $v "*) echo "$v $SANITY_PYTHON"; return 0 ;; esac
    echo "sanity: SANITY_PYTHON=$SANITY_PYTHON is Python $v; ansible-core $core needs one of: $versions" >&2
    return 1
  fi
  for v in $versions; do
    if path=$(find_python "$v"); then echo "$v $path"; return 0; fi
  done
  echo "sanity: ansible-core $core needs a controller Python, one of: $versions; none is installed here" \
    "(pyenv versions or PATH). Install one, e.g. pyenv install ${versions%% *}" >&2
  return 1
}

# link_pythons DIR: DIR/pythonX.Y for every installed Python 3.6-3.14, for ansible-test's multi-version tests
# (compile, import) and for units' --python, which look for pythonX.Y on PATH.
link_pythons() {
  local dir=$1 v path
  rm -rf "$dir" && mkdir -p "$dir"
  for v in 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14; do
    if path=$(find_python "$v"); then ln -sfn "$path" "$dir/python$v"; fi
  done
}
