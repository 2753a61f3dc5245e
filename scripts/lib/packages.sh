# Sourced by scripts/test and scripts/faults: installs what the tests need when it is
# missing (as root with apt-get), otherwise says what to install and exits.

have_postgres() {
  command -v initdb >/dev/null 2>&1 || command -v pg_config >/dev/null 2>&1 \
    || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

ensure_test_packages() {
  local missing=()
  have_postgres || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  # The mail tests' SMTP server (testkit::SmtpServer runs the system Python's aiosmtpd).
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      printf '==> installing %s\n' "${missing[*]}" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "the tests need: ${missing[*]}" >&2
      echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
}

# cargo-deny for the dependency gate: from crates.io when missing (the only source this
# project's machines reach; there is no prebuilt binary to fetch). Takes a few minutes once.
ensure_cargo_deny() {
  if ! cargo deny --version >/dev/null 2>&1; then
    printf '==> installing cargo-deny (cargo install, once)\n' >&2
    cargo install --locked cargo-deny@0.20.2
  fi
}

# python3 with venv and pip, for scripts/api-fuzz (schemathesis from PyPI in a venv).
ensure_python_venv() {
  if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    return
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    printf '==> installing python3-venv python3-pip\n' >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip >/dev/null
  else
    echo "scripts/api-fuzz needs python3 with venv: sudo apt-get install -y python3-venv python3-pip" >&2
    exit 1
  fi
}
