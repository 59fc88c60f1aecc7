# shellcheck shell=bash
# jdk:: making sure the build has a JDK in BUILD_DIR/.jdk: the one an earlier buildpack
# installed, the machine's for a local build, or one installed with Heroku's JVM buildpack.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail
# shellcheck source=lib/platform.sh
source "${BP_DIR:?}/lib/platform.sh"

JVM_COMMON_DEFAULT_URL="https://buildpack-registry.s3.us-east-1.amazonaws.com/buildpacks/heroku/jvm.tgz"
# Who installed the JDK, for the CLI's `compile --jdk-installed-by` (it trims only its own):
# this-buildpack, earlier-buildpack or machine. Set by jdk::ensure.
JDK_INSTALLED_BY=""
# The JVM buildpack's download, retries included, gives up after this many seconds (tests
# shorten it with the plumbing var).
JVM_COMMON_DEADLINE_SECONDS=120

# Makes sure BUILD_DIR/.jdk exists: kept when an earlier buildpack (heroku/jvm) installed one,
# else installed with Heroku's shared JVM buildpack, which honours java.runtime.version in
# system.properties. Writes the buildpack's export file for later buildpacks.
# shellcheck disable=SC2034 # JDK_INSTALLED_BY is read by bin/compile
jdk::ensure() {
  local build_dir="$1" cache_dir="$2" env_dir="$3"
  if [[ -x "${build_dir}/.jdk/bin/java" ]]; then
    output::step "Using the JDK in .jdk (installed by an earlier buildpack)"
    JDK_INSTALLED_BY=earlier-buildpack
    return 0
  fi
  if [[ -z "${STACK:-}" ]] && { [[ -x "${JAVA_HOME:-/nonexistent}/bin/java" ]] || command -v java > /dev/null; }; then
    # A local run (no STACK: CI, a laptop) uses the machine's JDK; the slug will too.
    output::step "Using the machine's Java (local build; on Heroku the slug gets its own JDK)"
    JDK_INSTALLED_BY=machine
    return 0
  fi
  jdk::check_links "${build_dir}" || return 1
  # Refuse an old Java before downloading anything.
  jdk::check_requested "${build_dir}" || return 1
  local url work
  url="$(utils::env_var "${env_dir}" JVM_COMMON_BUILDPACK)"
  url="${url:-${JVM_COMMON_BUILDPACK:-${JVM_COMMON_DEFAULT_URL}}}"
  output::step "Installing a JDK with Heroku's JVM buildpack"
  local shown_url
  shown_url="$(output::url "${url}")"
  output::detail "From ${shown_url}"
  work="$(utils::scratch_dir "${cache_dir}" jvm-common)"
  # Bounded like the Datomic download: a server that stalls or drips bytes fails the build in
  # about a minute, and one that sends slowly within the deadline, not when Heroku stops it
  # (tests shorten the stall with the plumbing var).
  # The URL (a password in it) goes in on stdin, out of the process list.
  local config="" deadline="${DATOMIC_BUILDPACK_JVM_DEADLINE_SECONDS:-${JVM_COMMON_DEADLINE_SECONDS}}"
  config="$(utils::curl_url "${url}")" || true
  if [[ -z "${config}" ]] || ! timeout --kill-after=5 "${deadline}" curl --fail --silent \
    --show-error --location --connect-timeout 10 --max-time "${deadline}" \
    --max-filesize $((16 * 1024 * 1024)) \
    --speed-limit 2048 --speed-time "${DATOMIC_BUILDPACK_STALL_SECONDS:-30}" \
    --retry 3 --retry-max-time 60 --config - <<< "${config}" |
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
  JDK_INSTALLED_BY=this-buildpack
  # shellcheck disable=SC2016 # $JAVA_HOME and $PATH expand when a later buildpack sources it.
  printf 'export JAVA_HOME=%q\nexport PATH="$JAVA_HOME/bin:$PATH"\n' "${build_dir}/.jdk" > "${BP_DIR:?}/export"
}

# Before Heroku's JVM buildpack runs: it installs into .jdk, copies scripts into .profile.d and
# reads system.properties. A link there committed by the app would carry those writes (or the
# read) outside the build: refused, saying which and what to do. (.jdk holding a java is used as
# it is, above: only run, never written.) The export file is in the buildpack's own folder.
jdk::check_links() {
  local build_dir="$1" entry
  for entry in .jdk .profile.d; do
    if [[ -L "${build_dir}/${entry}" ]]; then
      # shellcheck disable=SC2312 # printable and readlink only fill a message
      output::error "${entry} in the app is a link (to $(output::printable "$(readlink -- "${build_dir}/${entry}")")); Heroku's JVM buildpack would write through it." \
        "A link committed to the app would carry the build's files to wherever it points." \
        "Remove the link from the app (git rm ${entry}) and push again."
      return 1
    fi
  done
  for entry in "${build_dir}"/.profile.d/* "${build_dir}/system.properties"; do
    if checks::link_leaves_app "${build_dir}" "${entry#"${build_dir}"/}"; then
      # shellcheck disable=SC2312 # printable and readlink only fill a message
      output::error "$(output::printable "${entry#"${build_dir}"/}") in the app is a link to $(output::printable "$(readlink -- "${entry}")"), outside the app or to nothing." \
        "Heroku's JVM buildpack, run by this one to install a JDK, would read or write through it." \
        "Commit the file itself instead of the link, or remove it, and push again."
      return 1
    fi
  done
}

# Fails before anything is installed when system.properties asks for a Java older than 17.
jdk::check_requested() {
  local build_dir="$1" value major
  [[ -f "${build_dir}/system.properties" ]] || return 0
  value="$(sed -n 's/^[[:space:]]*java\.runtime\.version[[:space:]]*[=:][[:space:]]*//p' \
    "${build_dir}/system.properties" | tail -n 1 | tr -d '[:space:]')"
  [[ -n "${value}" ]] || return 0
  # A version this cannot read is the JVM buildpack's to judge; the installed JDK is checked after.
  major="$(java::major "${value}")" || return 0
  ((major < MIN_JAVA_VERSION)) || return 0
  output::error "system.properties asks for Java ${value}; the Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later." \
    "Datomic and this buildpack's CLI run on Java ${MIN_JAVA_VERSION} or later, so a JDK ${value} would fail." \
    "To fix it, set this line in the app's system.properties, commit, and push again:" \
    "  java.runtime.version=${DEFAULT_JAVA_VERSION}"
  return 1
}
