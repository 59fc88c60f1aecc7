# shellcheck shell=bash
# Helpers shared by the bin/ shims: checking the platform, finding a JVM and the CLI jar,
# bootstrapping both on a bare Heroku build image, and running the CLI with a clean environment.
# Logic lives in the Java CLI; only what must work before a JVM exists is here.

# Errors inside $(...) stop the shims too (bash turns -e off there otherwise).
shopt -s inherit_errexit

BP_DIR="${BP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# shellcheck source=lib/platform.sh
source "${BP_DIR}/lib/platform.sh"
JAR_NAME="datomic-buildpack.jar"
# What a release records about its CLI jar (written by scripts/release; absent before a release).
RELEASE_RECORD="buildpack-release.json"
JVM_COMMON_DEFAULT_URL="https://buildpack-registry.s3.us-east-1.amazonaws.com/buildpacks/heroku/jvm.tgz"

# Heroku's build-log style: steps `-----> `, details indented 7 spaces, errors and warnings on
# stderr with ` !     ` on every line. Errors are bold red and warnings bold yellow, as in
# Heroku's own buildpacks, when stderr is a terminal or a Heroku build's log (STACK set, no
# DYNO); plain otherwise, and always when NO_COLOR is set (https://no-color.org).
output::step() { echo "-----> $*"; }
output::detail() { echo "       $*"; }

# output::colour FD: succeeds when what goes to FD may be coloured.
output::colour() {
  [[ -z "${NO_COLOR:-}" ]] || return 1
  [[ -t "$1" ]] || [[ -n "${STACK:-}" && -z "${DYNO:-}" ]]
}

# output::bang COLOUR LINE...: a block of ` !     ` lines on stderr, between blank lines. An
# argument holding newlines gives several lines.
output::bang() {
  local colour="$1" start="" end="" arg line
  shift
  if output::colour 2; then
    start="${colour}"
    end=$'\e[0m'
  fi
  {
    echo
    for arg in "$@"; do
      while IFS= read -r line; do
        if [[ -z "${line}" ]]; then
          echo "${start} !${end}"
        else
          echo "${start} !     ${line}${end}"
        fi
      done <<< "${arg}"
    done
    echo
  } >&2
}

# output::error SUMMARY [LINE...]: ` !     Error: SUMMARY`, then what happened and what to do.
output::error() {
  local summary="$1"
  shift
  output::bang $'\e[1;31m' "Error: ${summary}" "$@"
}

# output::warning SUMMARY [LINE...]
output::warning() {
  local summary="$1"
  shift
  output::bang $'\e[1;33m' "Warning: ${summary}" "$@"
}

# Prints KEY of the [buildpack] table of buildpack.toml (simple "string" values only).
buildpack::toml() {
  local key="$1"
  sed -n '/^\[buildpack\]/,/^\[/{/^[[:space:]]*'"${key}"'[[:space:]]*=/{s/^[^"]*"\([^"]*\)".*/\1/p;q;};}' \
    "${BP_DIR}/buildpack.toml"
}

# Prints how to pin this buildpack's newest release (before the first release: where tags appear).
buildpack::pin_advice() {
  local url version
  url="$(buildpack::toml homepage)"
  version="$(buildpack::toml version)"
  if [[ -n "${version}" && "${version}" != 0 ]]; then
    echo "heroku buildpacks:set ${url}#v${version}"
  else
    echo "heroku buildpacks:set ${url}#vN (release tags: ${url}/tags)"
  fi
}

# Debugging switches, from the environment or, as config vars, from ENV_DIR (when given):
# BUILDPACK_XTRACE=1 traces the shims (set -x); DATOMIC_BUILDPACK_DEBUG=1 makes the CLI print
# the stack trace of an unexpected error.
buildpack::debugging() {
  local env_dir="${1:-}" xtrace="${BUILDPACK_XTRACE:-}" debug="${DATOMIC_BUILDPACK_DEBUG:-}"
  if [[ -n "${env_dir}" ]]; then
    [[ -n "${xtrace}" ]] || xtrace="$(buildpack::env_var "${env_dir}" BUILDPACK_XTRACE)"
    [[ -n "${debug}" ]] || debug="$(buildpack::env_var "${env_dir}" DATOMIC_BUILDPACK_DEBUG)"
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

# The stack check: a supported stack passes, a retired one fails with what to do, an unknown one
# warns. No STACK (a local build, CI) passes.
buildpack::check_stack() {
  local stack="${STACK:-}" supported
  [[ -n "${stack}" ]] || return 0
  supported="${SUPPORTED_STACKS[*]}"
  supported="${supported// / and }"
  if [[ " ${SUPPORTED_STACKS[*]} " == *" ${stack} "* ]]; then
    return 0
  fi
  if [[ " ${RETIRED_STACKS[*]} " == *" ${stack} "* ]]; then
    output::error "The ${stack} stack is retired; the Datomic buildpack does not build on it." \
      "This buildpack supports ${supported} (https://devcenter.heroku.com/articles/stack)." \
      "Move the app to a supported stack, then push again:" \
      "  heroku stack:set ${SUPPORTED_STACKS[-1]} -a <app>"
    return 1
  fi
  local homepage pin
  homepage="$(buildpack::toml homepage)"
  pin="$(buildpack::pin_advice)"
  output::warning "The ${stack} stack is not one this buildpack release knows." \
    "It supports ${supported}; the build goes on, untested on ${stack}." \
    "If it fails, a newer release may support ${stack}; the newest is listed at" \
    "${homepage}/releases and pinned with" \
    "${pin}"
}

# Prints the major version of a Java version string: 1.8.0_412 -> 8, 11.0.22 -> 11, 21 -> 21,
# zulu-1.8.0_144 -> 8, heroku-21 -> 21. Fails when it holds none.
buildpack::java_major() {
  local version="$1"
  if [[ "${version}" =~ ^[A-Za-z]+-(.*)$ ]]; then version="${BASH_REMATCH[1]}"; fi
  if [[ "${version}" =~ ^1\.([0-9]+) ]] || [[ "${version}" =~ ^([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    return 1
  fi
}

# Prints the version of JAVA (a java executable): its JDK's `release` file says it without
# starting a JVM; else `java -version` does.
buildpack::java_version() {
  local java="$1" real home output
  real="$(readlink -f "${java}")"
  home="${real%/bin/*}"
  if [[ -f "${home}/release" ]] && grep -q '^JAVA_VERSION=' "${home}/release"; then
    sed -n '/^JAVA_VERSION=/{s/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}.*/\1/p;q;}' "${home}/release"
    return 0
  fi
  output="$(env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    "${java}" -version 2>&1)" || return 1
  sed -n '/ version "/{s/.* version "\([^"]*\)".*/\1/p;q;}' <<< "${output}"
}

# Succeeds, quietly, when JAVA is Java 17 or later.
buildpack::java_is_supported() {
  local version major
  version="$(buildpack::java_version "$1" 2> /dev/null)" &&
    major="$(buildpack::java_major "${version}")" && ((major >= MIN_JAVA_VERSION))
}

# Fails, saying what was found and how to fix it, unless JAVA (found as WHERE) is Java 17 or
# later. Runs before any JVM runs the buildpack's code (no UnsupportedClassVersionError).
buildpack::check_java() {
  local java="$1" where="$2" version major
  if ! version="$(buildpack::java_version "${java}")" || [[ -z "${version}" ]]; then
    output::error "Could not tell which Java ${where} is." \
      "Running '${java} -version' failed or printed no version." \
      "The Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later."
    return 1
  fi
  if ! major="$(buildpack::java_major "${version}")"; then
    output::warning "Could not read the Java version '${version}' of ${where}; going on."
    return 0
  fi
  ((major < MIN_JAVA_VERSION)) || return 0
  if [[ "${where}" == .jdk* ]]; then
    output::error "The JDK in .jdk is Java ${version}; the Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later." \
      "An earlier buildpack (heroku/jvm) installed it, from java.runtime.version in" \
      "system.properties or, when that names none, its own default for the stack." \
      "Datomic and this buildpack's CLI run on Java ${MIN_JAVA_VERSION} or later. To fix it, commit a" \
      "system.properties with this line in the app's root and push again:" \
      "  java.runtime.version=${DEFAULT_JAVA_VERSION}"
  else
    output::error "The Java at ${java} (${where}) is Java ${version}; the Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later." \
      "Datomic and this buildpack's CLI run on Java ${MIN_JAVA_VERSION} or later." \
      "Install JDK ${DEFAULT_JAVA_VERSION} or later and point JAVA_HOME at it (or put its java first on PATH)."
  fi
  return 1
}

# Fails before anything is installed when system.properties asks for a Java older than 17.
buildpack::check_requested_java() {
  local build_dir="$1" value major
  [[ -f "${build_dir}/system.properties" ]] || return 0
  value="$(sed -n 's/^[[:space:]]*java\.runtime\.version[[:space:]]*[=:][[:space:]]*//p' \
    "${build_dir}/system.properties" | tail -n 1 | tr -d '[:space:]')"
  [[ -n "${value}" ]] || return 0
  # A version this cannot read is the JVM buildpack's to judge; the installed JDK is checked after.
  major="$(buildpack::java_major "${value}")" || return 0
  ((major < MIN_JAVA_VERSION)) || return 0
  output::error "system.properties asks for Java ${value}; the Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later." \
    "Datomic and this buildpack's CLI run on Java ${MIN_JAVA_VERSION} or later, so a JDK ${value} would fail." \
    "To fix it, set this line in the app's system.properties, commit, and push again:" \
    "  java.runtime.version=${DEFAULT_JAVA_VERSION}"
  return 1
}

# Prints the java to use: BUILD_DIR/.jdk (from heroku/jvm or our bootstrap), JAVA_HOME, PATH.
buildpack::find_java() {
  local build_dir="$1"
  if [[ -x "${build_dir}/.jdk/bin/java" ]]; then
    echo "${build_dir}/.jdk/bin/java"
  elif [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    echo "${JAVA_HOME}/bin/java"
  else
    command -v java
  fi
}

# Prints where find_java's answer came from, for messages.
buildpack::java_source() {
  local build_dir="$1" java="$2"
  if [[ "${java}" == "${build_dir}/.jdk/bin/java" ]]; then
    echo ".jdk"
  elif [[ -n "${JAVA_HOME:-}" && "${java}" == "${JAVA_HOME}/bin/java" ]]; then
    echo "JAVA_HOME"
  else
    echo "the first java on PATH"
  fi
}

# Prints the prebuilt CLI jar if the buildpack ships one (or was built locally).
buildpack::prebuilt_jar() {
  [[ -f "${BP_DIR}/target/${JAR_NAME}" ]] && echo "${BP_DIR}/target/${JAR_NAME}"
}

# Runs the CLI, keeping the user's JVM options away from the build-time JVM.
buildpack::cli() {
  local java="$1" jar="$2"
  shift 2
  buildpack::utf8_ctype
  # DATOMIC_BUILDPACK_RELEASE: the release this CLI is (buildpack::ensure_jar), shown as vN.
  env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    DATOMIC_BUILDPACK_RELEASE="${RELEASED_VERSION}" \
    "${java}" -XX:+UseSerialGC -Xmx160m -Xss1m -jar "${jar}" "$@"
}

# A JVM reads paths, arguments and the environment in the locale's encoding: under LC_ALL=C or
# POSIX a non-ASCII path turns into '?' and cannot be opened. Use C.UTF-8 for the character type
# then (the same rule as the slug's launcher script; messages and formats keep the user's locale).
buildpack::utf8_ctype() {
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
    *) if [[ -n "${LC_ALL:-}" ]]; then export LC_ALL=C.UTF-8; else export LC_CTYPE=C.UTF-8; fi ;;
  esac
}

# Checks bin/compile's arguments before anything is written. A missing ENV_DIR is an error, not
# an empty one: every config var (a pinned DATOMIC_SHA256 among them) would be silently ignored.
buildpack::check_compile_args() {
  if (($# != 3)); then
    output::error "bin/compile needs 3 arguments, BUILD_DIR CACHE_DIR ENV_DIR; it got $#." \
      "Heroku passes all three. To run it yourself: bin/compile BUILD_DIR CACHE_DIR ENV_DIR" \
      "(ENV_DIR holds one file per config var; an empty folder when there are none)."
    return 1
  fi
  local name dir
  for name in BUILD_DIR ENV_DIR; do
    if [[ "${name}" == BUILD_DIR ]]; then dir="$1"; else dir="$3"; fi
    if [[ ! -d "${dir}" ]]; then
      # shellcheck disable=SC2312 # printable cannot fail
      output::error "${name} $(buildpack::printable "${dir}") is not a folder." \
        "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR. ENV_DIR holds the config vars, one file" \
        "per var (an empty folder when there are none); without it they would be ignored."
      return 1
    fi
  done
}

# Prints its argument with control characters (line breaks, escape sequences) as '?', so that a
# value cannot forge a line of the build log.
buildpack::printable() {
  local text="$1"
  printf '%s' "${text//[[:cntrl:]]/?}"
}

# True when PATH (a name in the app root DIR) is a link that leaves the app or leads nowhere: the
# buildpack neither reads nor writes through such a link.
buildpack::link_leaves_app() {
  local dir="$1" path="$2" root real
  [[ -L "${dir}/${path}" ]] || return 1
  root="$(realpath -e -- "${dir}")" || return 0
  real="$(realpath -e -- "${dir}/${path}")" || return 0
  [[ "${real}" != "${root}" && "${real}" != "${root}"/* ]]
}

# Prints TEXT as the CLI's Echo.value shows user text in the log: line breaks and tabs as \n, \r,
# \t, other control characters as \uXXXX, so no file name can forge a line of the build log.
buildpack::echo_value() {
  local text="$1" out="" c i
  for ((i = 0; i < ${#text}; i++)); do
    c="${text:i:1}"
    case "${c}" in
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      [[:cntrl:]])
        printf -v c '\\u%04X' "'${c}"
        out+="${c}"
        ;;
      *) out+="${c}" ;;
    esac
  done
  printf '%s' "${out}"
}

# The detection rule, in bash, for a build image without a JVM. Same rule and same words as the
# Java Detector (a test runs every fixture app through both).
buildpack::detect_without_java() {
  local build_dir="$1" root
  if [[ -f "${build_dir}/transactor.properties" || -L "${build_dir}/transactor.properties" ]] ||
    { [[ -f "${build_dir}/Procfile" ]] && ! buildpack::link_leaves_app "${build_dir}" Procfile &&
      grep -qE '^(transactor|peer-server):[[:space:]]*[^[:space:]]' "${build_dir}/Procfile"; }; then
    echo "Datomic"
    return 0
  fi
  # The root's first 20 entries, folders with a /, in the Java detector's order; control
  # characters in names shown as the CLI's Echo shows them (\n, \u001B).
  root="$(find "${build_dir}" -mindepth 1 -maxdepth 1 -printf '%Y\t%f\0' 2> /dev/null |
    while IFS=$'\t' read -r -d '' type name; do
      name="$(buildpack::echo_value "${name}")"
      if [[ "${type}" == d ]]; then echo "${name}/"; else echo "${name}"; fi
    done | LC_ALL=C sort | sed -n 1,20p | paste -sd ' ' -)"
  output::error "This app is not a Datomic transactor app: no transactor.properties and no transactor: or peer-server: process in a Procfile." \
    "The Datomic buildpack looks in the app's root for a transactor.properties file (optional transactor settings, may be empty)" \
    "or a Procfile with a 'transactor:' (or, for a query-group app, 'peer-server:') process." \
    "The root holds: ${root:-(nothing)}" \
    "To deploy a transactor, commit an empty transactor.properties to the app."
  return 1
}

# Prints a new scratch folder for NAME: in CACHE_DIR when it can be written (the cache's disk),
# else in TMPDIR (a read-only or full cache is optional, not an error). The caller removes it.
buildpack::scratch_dir() {
  local cache_dir="$1" name="$2"
  mktemp -d "${cache_dir}/.${name}.XXXXXX" 2> /dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-${name}.XXXXXX"
}

# Prints a URL fit for the build log: its password masked (without parsing it: everything from
# the first ':' after the user name to the last '@'), then its query left out.
buildpack::shown_url() {
  local url="$1"
  if [[ "${url}" =~ ^([A-Za-z][A-Za-z0-9+.-]*://)([^:/@]*):.*@([^@]*)$ ]]; then
    url="${BASH_REMATCH[1]}${BASH_REMATCH[2]}:********@${BASH_REMATCH[3]}"
  fi
  buildpack::printable "${url%%\?*}"
  echo
}

# Reads one config var from ENV_DIR (empty when unset).
buildpack::env_var() {
  local env_dir="$1" name="$2"
  if [[ -f "${env_dir}/${name}" ]]; then cat "${env_dir}/${name}"; fi
}

# Makes sure BUILD_DIR/.jdk exists: kept when an earlier buildpack (heroku/jvm) installed one,
# else installed with Heroku's shared JVM buildpack, which honours java.runtime.version in
# system.properties. Writes the buildpack's export file for later buildpacks.
buildpack::ensure_jdk() {
  local build_dir="$1" cache_dir="$2" env_dir="$3"
  if [[ -x "${build_dir}/.jdk/bin/java" ]]; then
    output::step "Using the JDK in .jdk (installed by an earlier buildpack)"
    buildpack::build_data jdk_installed_by earlier-buildpack
    return 0
  fi
  if [[ -z "${STACK:-}" ]] && { [[ -x "${JAVA_HOME:-/nonexistent}/bin/java" ]] || command -v java > /dev/null; }; then
    # A local run (no STACK: CI, a laptop) uses the machine's JDK; the slug will too.
    output::step "Using the machine's Java (local build; on Heroku the slug gets its own JDK)"
    buildpack::build_data jdk_installed_by machine
    return 0
  fi
  buildpack::check_jdk_links "${build_dir}" || return 1
  # Refuse an old Java before downloading anything.
  buildpack::check_requested_java "${build_dir}" || return 1
  local url work
  url="$(buildpack::env_var "${env_dir}" JVM_COMMON_BUILDPACK)"
  url="${url:-${JVM_COMMON_BUILDPACK:-${JVM_COMMON_DEFAULT_URL}}}"
  output::step "Installing a JDK with Heroku's JVM buildpack"
  local shown_url
  shown_url="$(buildpack::shown_url "${url}")"
  output::detail "From ${shown_url}"
  work="$(buildpack::scratch_dir "${cache_dir}" jvm-common)"
  # Bounded like the Datomic download: a server that stalls or drips bytes fails the build in
  # about a minute, not when Heroku stops it (tests shorten the stall with the plumbing var).
  if ! curl --fail --silent --show-error --location --connect-timeout 10 --max-time 300 \
    --speed-limit 2048 --speed-time "${DATOMIC_BUILDPACK_STALL_SECONDS:-30}" \
    --retry 3 --retry-max-time 60 "${url}" |
    tar xzm -C "${work}" --strip-components=1; then
    rm -rf "${work}"
    output::error "Could not download Heroku's JVM buildpack." \
      "Tried: ${shown_url}" \
      "Set JVM_COMMON_BUILDPACK to a reachable tarball, or add heroku/jvm before this" \
      "buildpack: heroku buildpacks:add --index 1 heroku/jvm"
    return 1
  fi
  # Without java.runtime.version the JVM buildpack picks its own default; ask for ours in a new
  # regular file, with the app's own entry (a file, or a link inside the app) moved aside
  # untouched and put back afterwards: nothing is ever written through a link.
  local props="${build_dir}/system.properties" added=false saved=""
  if ! grep -qs '^[[:space:]]*java\.runtime\.version' "${props}"; then
    if [[ -f "${props}" ]]; then
      cat "${props}" > "${work}/system.properties.new"
    fi
    if [[ -e "${props}" || -L "${props}" ]]; then
      saved="${work}/system.properties.app"
      mv "${props}" "${saved}"
    fi
    printf '\njava.runtime.version=%s\n' "${DEFAULT_JAVA_VERSION}" >> "${work}/system.properties.new"
    mv "${work}/system.properties.new" "${props}"
    added=true
    output::detail "No java.runtime.version in system.properties: installing Java ${DEFAULT_JAVA_VERSION}"
  fi
  # In a subshell, as the JVM buildpack recommends: its helpers (output::* among them) must not
  # replace this shim's own.
  local status=0
  (
    # shellcheck disable=SC1091
    source "${work}/bin/java" && install_openjdk "${build_dir}" "${work}"
  ) || status=$?
  if [[ "${added}" == true ]]; then
    rm -f "${props}"
    if [[ -n "${saved}" ]]; then mv "${saved}" "${props}"; fi
  fi
  if ((status != 0)); then
    rm -rf "${work}"
    output::error "Heroku's JVM buildpack could not install a JDK." \
      "Its output above says why; check java.runtime.version in system.properties."
    return 1
  fi
  rm -rf "${work}"
  if [[ ! -x "${build_dir}/.jdk/bin/java" ]]; then
    output::error "Heroku's JVM buildpack did not install a JDK into .jdk." \
      "Check java.runtime.version in system.properties, or add heroku/jvm before this buildpack."
    return 1
  fi
  # Recorded so that compile trims this JDK (and never one an earlier buildpack installed).
  buildpack::build_data jdk_installed_by this-buildpack
  # shellcheck disable=SC2016 # $JAVA_HOME and $PATH expand when a later buildpack sources it.
  printf 'export JAVA_HOME=%q\nexport PATH="$JAVA_HOME/bin:$PATH"\n' "${build_dir}/.jdk" > "${BP_DIR}/export"
}

# Before Heroku's JVM buildpack runs: it installs into .jdk, copies scripts into .profile.d and
# reads system.properties. A link there committed by the app would carry those writes (or the
# read) outside the build: refused, saying which and what to do. (.jdk holding a java is used as
# it is, above: only run, never written.) The export file is in the buildpack's own folder.
buildpack::check_jdk_links() {
  local build_dir="$1" entry
  for entry in .jdk .profile.d; do
    if [[ -L "${build_dir}/${entry}" ]]; then
      # shellcheck disable=SC2312 # printable and readlink only fill a message
      output::error "${entry} in the app is a link (to $(buildpack::printable "$(readlink -- "${build_dir}/${entry}")")); Heroku's JVM buildpack would write through it." \
        "A link committed to the app would carry the build's files to wherever it points." \
        "Remove the link from the app (git rm ${entry}) and push again."
      return 1
    fi
  done
  for entry in "${build_dir}"/.profile.d/* "${build_dir}/system.properties"; do
    if buildpack::link_leaves_app "${build_dir}" "${entry#"${build_dir}"/}"; then
      # shellcheck disable=SC2312 # printable and readlink only fill a message
      output::error "$(buildpack::printable "${entry#"${build_dir}"/}") in the app is a link to $(buildpack::printable "$(readlink -- "${entry}")"), outside the app or to nothing." \
        "Heroku's JVM buildpack, run by this one to install a JDK, would read or write through it." \
        "Commit the file itself instead of the link, or remove it, and push again."
      return 1
    fi
  done
}

# Prints a key of the sources the CLI jar is built from (SHA-256 over their paths and contents):
# the same sources give the same key on any machine. buildpack.toml is in the jar.
buildpack::source_key() {
  (cd "${BP_DIR}" && find pom.xml buildpack.toml .mvn src/main -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-64)
}

# Prints FIELD of the release record ("field": "value" lines, as scripts/release writes them).
buildpack::release_field() {
  local field="$1"
  sed -n '/^[[:space:]]*"'"${field}"'"[[:space:]]*:/{s/^[^:]*:[[:space:]]*"\([^"]*\)".*/\1/p;q;}' \
    "${BP_DIR}/${RELEASE_RECORD}"
}

# Prints the SHA-256 of FILE.
buildpack::sha256() {
  local sum
  sum="$(sha256sum "$1")"
  echo "${sum:0:64}"
}

# buildpack::download_jar URL SHA256 TARGET: downloads the released CLI jar (timeouts, retries),
# verifies its SHA-256 and moves it to TARGET. On failure, sets DOWNLOAD_FAILURE to why and
# leaves nothing behind.
DOWNLOAD_FAILURE=""
buildpack::download_jar() {
  local url="$1" sha="$2" target="$3" part got
  part="${target}.part.$$"
  # A stall (under 1 KB/s for this long) fails the attempt; curl retries timeouts and 5xx.
  local stall="${DATOMIC_BUILDPACK_JAR_STALL_SECONDS:-30}"
  if ! curl --fail --silent --show-error --location --proto-redir =https \
    --connect-timeout 10 --max-time 300 --speed-limit 1024 --speed-time "${stall}" \
    --retry 3 --retry-delay 1 --retry-connrefused --output "${part}" "${url}" 2> "${part}.err"; then
    DOWNLOAD_FAILURE="$(tail -n 1 "${part}.err")"
    DOWNLOAD_FAILURE="${DOWNLOAD_FAILURE#curl: }"
    if [[ "${DOWNLOAD_FAILURE}" =~ ^\([0-9]+\)\ (.*)$ ]]; then DOWNLOAD_FAILURE="${BASH_REMATCH[1]}"; fi
    rm -f "${part}" "${part}.err"
    return 1
  fi
  rm -f "${part}.err"
  got="$(buildpack::sha256 "${part}")"
  if [[ "${got}" != "${sha}" ]]; then
    DOWNLOAD_FAILURE="its SHA-256 is ${got}, not the ${sha} this release records"
    rm -f "${part}"
    return 1
  fi
  mv "${part}" "${target}"
}

# Sets CLI_JAR to the CLI jar to run, in this order: the prebuilt one (a local checkout's
# target/); on a release (a checkout whose sources are those the release record names), the
# release's jar, downloaded once, verified and cached in CACHE_DIR; else (an untagged commit, or
# the download failed) one built with the Maven wrapper, cached under the key of the sources.
# When CACHE_DIR cannot be written (read-only, full), the jar goes to a temporary folder instead,
# and buildpack::forget_jar removes it when compile ends.
# RELEASED_VERSION is set to N when the jar is release vN's: downloaded and verified, or built
# from the very sources the release record names (the jar is reproducible); empty otherwise.
CLI_JAR=""
RELEASED_VERSION=""
buildpack::ensure_jar() {
  local cache_dir="$1" java="$2" key jar_dir why="" version sha url sources cached=""
  if CLI_JAR="$(buildpack::prebuilt_jar)"; then return 0; fi
  key="$(buildpack::source_key)"
  jar_dir="${cache_dir}/datomic-buildpack-jar"
  # Best effort: the cache may be read-only or full (then the jar goes to a temporary folder).
  mkdir -p "${jar_dir}" 2> /dev/null || true
  rm -f "${jar_dir}"/*.part.* 2> /dev/null || true # left by an interrupted build
  if [[ ! -f "${BP_DIR}/${RELEASE_RECORD}" ]]; then
    why="this checkout records no released CLI (an untagged commit)"
  else
    version="$(buildpack::release_field version)"
    sha="$(buildpack::release_field sha256)"
    url="$(buildpack::release_field jar)"
    sources="$(buildpack::release_field sources)"
    if [[ "${sources}" != "${key}" ]]; then
      why="this checkout's sources differ from release v${version}'s (an untagged commit)"
    elif [[ ! "${sha}" =~ ^[0-9a-f]{64}$ || -z "${url}" ]]; then
      why="the release record ${RELEASE_RECORD} is incomplete"
    else
      RELEASED_VERSION="${version}"
      CLI_JAR="${jar_dir}/${sha}.jar"
      if [[ -f "${CLI_JAR}" ]]; then cached="$(buildpack::sha256 "${CLI_JAR}")"; fi
      if [[ "${cached}" == "${sha}" ]]; then
        output::step "Using the buildpack CLI of release v${version} (cached)"
        return 0
      fi
      output::step "Downloading the buildpack CLI of release v${version}"
      output::detail "From ${url}"
      if [[ ! -w "${jar_dir}" ]]; then
        output::detail "CACHE_DIR cannot be written (read-only or full): it is downloaded again next time"
        CLI_JAR="$(mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-cli.XXXXXX")/${sha}.jar"
      fi
      if buildpack::download_jar "${url}" "${sha}" "${CLI_JAR}"; then
        find "${jar_dir}" -name '*.jar' ! -name "${sha}.jar" -delete 2> /dev/null || true
        output::detail "Verified: SHA-256 ${sha}"
        return 0
      fi
      buildpack::forget_jar "${CLI_JAR}"
      output::warning "Could not download the buildpack CLI of release v${version}: ${DOWNLOAD_FAILURE}." \
        "Tried: ${url}" \
        "Building it from source with Maven instead (slower, and needs Maven Central)."
      why="the download of release v${version}'s CLI failed"
    fi
  fi
  buildpack::build_jar "${cache_dir}" "${java}" "${key}" "${why}"
}

# Builds the CLI with the Maven wrapper (once per source key, cached in CACHE_DIR); sets CLI_JAR.
buildpack::build_jar() {
  local cache_dir="$1" java="$2" key="$3" why="$4" jar_dir jar work java_home status maven_home
  jar_dir="${cache_dir}/datomic-buildpack-jar"
  jar="${jar_dir}/maven-${key:0:16}.jar"
  if [[ -f "${jar}" ]]; then
    output::step "Using the buildpack CLI built earlier (cache key ${key:0:16})"
    output::detail "Built from source because ${why}."
    CLI_JAR="${jar}"
    return 0
  fi
  output::step "Building the buildpack CLI from source with Maven (once per buildpack version; cache key ${key:0:16})"
  output::detail "Because ${why}."
  local pin homepage
  pin="$(buildpack::pin_advice)"
  homepage="$(buildpack::toml homepage)"
  output::detail "A release builds without Maven: ${pin}"
  work="$(buildpack::scratch_dir "${cache_dir}" datomic-buildpack-build)"
  cp -R "${BP_DIR}/pom.xml" "${BP_DIR}/buildpack.toml" "${BP_DIR}/mvnw" "${BP_DIR}/.mvn" "${work}/"
  mkdir -p "${work}/src"
  cp -R "${BP_DIR}/src/main" "${work}/src/"
  java_home="$(cd "$(dirname "${java}")/.." && pwd)"
  status=0
  # Maven and its downloads live in the work folder (deleted below); tests point
  # DATOMIC_BUILDPACK_MAVEN_HOME at the machine's ~/.m2 to build offline.
  maven_home="${DATOMIC_BUILDPACK_MAVEN_HOME:-${work}/.m2}"
  (cd "${work}" && env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    -u MAVEN_OPTS JAVA_HOME="${java_home}" \
    MAVEN_USER_HOME="${maven_home}" ./mvnw -B -q -Dmaven.test.skip=true "-Dmaven.repo.local=${maven_home}/repository" package) \
    2>&1 | sed 's/^/       /' || status=$?
  if [[ ${status} -ne 0 || ! -f "${work}/target/${JAR_NAME}" ]]; then
    rm -rf "${work}"
    output::error "Could not build the buildpack CLI with Maven." \
      "The output above says why. A release needs no Maven: pin one with" \
      "${pin}" \
      "or report this at ${homepage}/issues."
    return 1
  fi
  # Into the cache under a name of its own, then renamed: builds sharing the cache never see a
  # half-written jar, nor remove the one another build is about to run (same key, same name).
  local temp
  temp="${jar_dir}/.$(basename "${jar}").$$"
  if mkdir -p "${jar_dir}" 2> /dev/null && cp "${work}/target/${JAR_NAME}" "${temp}" 2> /dev/null &&
    mv -f "${temp}" "${jar}" 2> /dev/null; then
    find "${jar_dir}" -name '*.jar' ! -name "$(basename "${jar}")" -delete 2> /dev/null || true
    rm -rf "${work}"
    CLI_JAR="${jar}"
    return 0
  fi
  rm -f "${temp}" 2> /dev/null || true
  output::detail "Could not keep the buildpack CLI in CACHE_DIR (read-only or full): it is built again next time"
  local kept
  kept="$(mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-cli.XXXXXX")"
  mv "${work}/target/${JAR_NAME}" "${kept}/${JAR_NAME}"
  rm -rf "${work}"
  CLI_JAR="${kept}/${JAR_NAME}"
}

# Removes the CLI jar buildpack::ensure_jar put outside CACHE_DIR (nothing else).
buildpack::forget_jar() {
  local jar="${1:-}"
  if [[ "${jar}" == */datomic-buildpack-cli.*/* ]]; then
    rm -rf "$(dirname "${jar}")"
  fi
}

# bin/compile's exit: the temporary CLI jar removed, the build data closed.
buildpack::compile_exit() {
  buildpack::forget_jar "${CLI_JAR:-}"
  buildpack::build_data_end "$1"
}

# Build data for bin/report: CACHE_DIR/build-data/datomic.txt, key=value lines (heroku/BuildData
# in the CLI reads them and adds its own). bin/compile starts it afresh, then records the start
# of each of its steps and, on exit, the end time and exit status. Best effort: never fails a build.
buildpack::build_data_start() {
  BUILD_DATA_FILE="$1/build-data/datomic.txt"
  if ! { mkdir -p "$1/build-data" && : > "${BUILD_DATA_FILE}"; } 2> /dev/null; then
    BUILD_DATA_FILE=""
  fi
  # shellcheck disable=SC2312 # millis cannot fail
  buildpack::build_data started "$(buildpack::millis)"
}

buildpack::build_data() {
  if [[ -n "${BUILD_DATA_FILE:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >> "${BUILD_DATA_FILE}" 2> /dev/null || true
  fi
}

buildpack::build_step() {
  # shellcheck disable=SC2312 # millis cannot fail
  buildpack::build_data step "$1@$(buildpack::millis)"
}

buildpack::build_data_end() {
  # shellcheck disable=SC2312 # millis cannot fail
  buildpack::build_data finished "$(buildpack::millis)"
  buildpack::build_data exit_status "$1"
}

# Prints the last value of KEY in CACHE_DIR's build data (empty when absent).
buildpack::build_data_get() {
  local file="$1/build-data/datomic.txt" key="$2"
  if [[ -f "${file}" ]]; then
    sed -n "s/^${key}=//p" "${file}" | tail -n 1
  fi
}

# Milliseconds since the epoch (EPOCHREALTIME's separator depends on the locale).
buildpack::millis() {
  local micros="${EPOCHREALTIME//[!0-9]/}"
  echo "$((micros / 1000))"
}

# bin/report's answer when no JVM can run the CLI (the build failed before one was installed):
# the outcome and the step that failed, from the build data alone.
buildpack::report_without_java() {
  local file="$1/build-data/datomic.txt" step status
  if [[ ! -f "${file}" ]]; then
    echo "{}"
    return 0
  fi
  step="$(sed -n 's/^step=\([a-z0-9_]*\)@.*/\1/p' "${file}" | tail -n 1)"
  status="$(buildpack::build_data_get "$1" exit_status)"
  if [[ "${status}" == 0 ]]; then
    echo "build_outcome: success"
    return 0
  fi
  if [[ -z "${status}" ]]; then
    echo "build_outcome: unfinished"
  else
    echo "build_outcome: failure"
  fi
  echo "failure_step: ${step:-start}"
  echo "failure_category: ${step:-start}::failed"
}
