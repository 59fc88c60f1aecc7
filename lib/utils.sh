# shellcheck shell=bash
# utils:: what the shims share that is no topic of its own: the debugging switches, config vars,
# the locale, scratch folders, checksums, the clock, and buildpack.toml. The shims set BP_DIR
# (the buildpack's root) before they source this.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

# Debugging switches, from the environment or, as config vars, from ENV_DIR (when given):
# BUILDPACK_XTRACE=1 traces the shims (set -x); DATOMIC_BUILDPACK_DEBUG=1 makes the CLI print
# the stack trace of an unexpected error.
utils::debugging() {
  local env_dir="${1:-}" xtrace="${BUILDPACK_XTRACE:-}" debug="${DATOMIC_BUILDPACK_DEBUG:-}"
  if [[ -n "${env_dir}" ]]; then
    [[ -n "${xtrace}" ]] || xtrace="$(utils::env_var "${env_dir}" BUILDPACK_XTRACE)"
    [[ -n "${debug}" ]] || debug="$(utils::env_var "${env_dir}" DATOMIC_BUILDPACK_DEBUG)"
  fi
  if [[ "${debug}" == 1 || "${debug}" == true ]]; then
    export DATOMIC_BUILDPACK_DEBUG=1
  else
    unset DATOMIC_BUILDPACK_DEBUG
  fi
  if [[ "${xtrace}" == 1 || "${xtrace}" == true ]]; then
    set -o xtrace
  fi
}

# Reads one config var from ENV_DIR (empty when unset).
utils::env_var() {
  local env_dir="$1" name="$2"
  if [[ -f "${env_dir}/${name}" ]]; then cat "${env_dir}/${name}"; fi
}

# A JVM reads paths, arguments and the environment in the locale's encoding: under LC_ALL=C or
# POSIX a non-ASCII path turns into '?' and cannot be opened. Use C.UTF-8 for the character type
# then (the same rule as the slug's launcher script; messages and formats keep the user's locale).
utils::utf8_ctype() {
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
    *) if [[ -n "${LC_ALL:-}" ]]; then export LC_ALL=C.UTF-8; else export LC_CTYPE=C.UTF-8; fi ;;
  esac
}

# Prints a new scratch folder for NAME: in CACHE_DIR when it can be written (the cache's disk),
# else in TMPDIR (a read-only or full cache is optional, not an error). The caller removes it.
utils::scratch_dir() {
  local cache_dir="$1" name="$2"
  mktemp -d "${cache_dir}/.${name}.XXXXXX" 2> /dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-${name}.XXXXXX"
}

# Prints the SHA-256 of FILE.
utils::sha256() {
  local sum
  sum="$(sha256sum < "$1")"
  echo "${sum:0:64}"
}

# Milliseconds since the epoch (EPOCHREALTIME's separator depends on the locale).
utils::millis() {
  local micros="${EPOCHREALTIME//[!0-9]/}"
  echo "$((micros / 1000))"
}

# Prints KEY of the [buildpack] table of buildpack.toml (simple "string" values only).
utils::toml() {
  local key="$1"
  sed -n '/^\[buildpack\]/,/^\[/{/^[[:space:]]*'"${key}"'[[:space:]]*=/{s/^[^"]*"\([^"]*\)".*/\1/p;q;};}' \
    "${BP_DIR:?}/buildpack.toml"
}

# Prints how to pin this buildpack's newest release (before the first release: where tags appear).
utils::pin_advice() {
  local url version
  url="$(utils::toml homepage)"
  version="$(utils::toml version)"
  if [[ -n "${version}" && "${version}" != 0 ]]; then
    echo "heroku buildpacks:set ${url}#v${version}"
  else
    echo "heroku buildpacks:set ${url}#vN (release tags: ${url}/tags)"
  fi
}

# Prints URL as the line of a curl config (for `curl --config -`, on stdin): a URL, and a
# password in it, stays out of the process list, and none is read as an option. Fails for a URL
# holding control characters (a line break would start another option).
utils::curl_url() {
  local url="$1"
  [[ "${url}" != *[[:cntrl:]]* ]] || return 1
  url="${url//\\/\\\\}"
  printf 'url = "%s"\n' "${url//\"/\\\"}"
}
