# shellcheck shell=bash
# cli_jar:: the buildpack's CLI jar, and running it. In this order: the prebuilt one (a local
# checkout's target/); on a release (a checkout whose sources are those the release record
# names), the release's jar, downloaded once, verified and cached in CACHE_DIR; else (an
# untagged commit, or the download failed) one built with the Maven wrapper, cached under
# the key of the sources.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

JAR_NAME="datomic-buildpack.jar"
# What a release records about its CLI jar (written by scripts/release; absent before a release).
RELEASE_RECORD="buildpack-release.json"
# The JVM flags of the build-time CLI (bench/run reads them here for its JVM-start baseline).
CLI_JVM_FLAGS=(-XX:+UseSerialGC -Xmx160m -Xss1m)
# The release jar's download, retries included, gives up after this many seconds (well inside
# Heroku's 15-minute build, with time left for the Maven fallback), and at this size (the jar is
# a few MB). Tests shorten the deadline and the stall rule with the plumbing vars.
CLI_JAR_DEADLINE_SECONDS=150
CLI_JAR_MAX_BYTES=$((64 * 1024 * 1024))
# Set by cli_jar::ensure: the jar to run.
CLI_JAR=""
# RELEASED_VERSION is N when the jar is release vN's: downloaded and verified, or built from the
# very sources the release record names (the jar is reproducible); empty otherwise. The CLI shows
# the build's version as vN then (DATOMIC_BUILDPACK_RELEASE), vN+hash otherwise.
RELEASED_VERSION=""

# cli_jar::run JAVA JAR ARG...: runs the CLI, with the user's JVM options kept away.
cli_jar::run() {
  local java="$1" jar="$2"
  shift 2
  utils::utf8_ctype
  DATOMIC_BUILDPACK_RELEASE="${RELEASED_VERSION}" \
    java::run "${java}" "${CLI_JVM_FLAGS[@]}" -jar "${jar}" "$@"
}

# Prints the prebuilt CLI jar if the buildpack ships one (or was built locally).
cli_jar::prebuilt() {
  [[ -f "${BP_DIR:?}/target/${JAR_NAME}" ]] && echo "${BP_DIR:?}/target/${JAR_NAME}"
}

# Prints a key of the sources the CLI jar is built from (SHA-256 over their paths and contents):
# the same sources give the same key on any machine. buildpack.toml is in the jar.
cli_jar::source_key() {
  (cd "${BP_DIR:?}" && find pom.xml buildpack.toml .mvn src/main -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-64)
}

# Prints FIELD of the release record ("field": "value" lines, as scripts/release writes them).
cli_jar::release_field() {
  local field="$1"
  sed -n '/^[[:space:]]*"'"${field}"'"[[:space:]]*:/{s/^[^:]*:[[:space:]]*"\([^"]*\)".*/\1/p;q;}' \
    "${BP_DIR:?}/${RELEASE_RECORD}"
}

# Succeeds when URL may be a release jar's address: https, or http to this machine (tests); no
# blanks, quotes, backslashes or control characters (it is a JSON string in the record).
cli_jar::url_ok() {
  local start='^(https://[[:alnum:]]|http://([^/@]*@)?(127\.0\.0\.1|localhost)(:[0-9]+)?/)'
  local bad='[[:space:][:cntrl:]"\\]'
  [[ "$1" =~ ${start} && ! "$1" =~ ${bad} ]]
}

# cli_jar::download URL SHA256 TARGET: downloads the released CLI jar (timeouts, retries, one
# deadline and a size cap for all of it), verifies its SHA-256 and moves it to TARGET. On
# failure, sets DOWNLOAD_FAILURE to why and leaves nothing behind.
DOWNLOAD_FAILURE=""
cli_jar::download() {
  local url="$1" sha="$2" target="$3" part got status=0 config
  part="${target}.part.$$"
  config="$(utils::curl_url "${url}")"
  # A stall (under 1 KB/s for this long) fails the attempt; curl retries timeouts and 5xx.
  local stall="${DATOMIC_BUILDPACK_JAR_STALL_SECONDS:-30}"
  local deadline="${DATOMIC_BUILDPACK_JAR_DEADLINE_SECONDS:-${CLI_JAR_DEADLINE_SECONDS}}"
  # timeout bounds every attempt and retry together; --max-filesize stops a body announced too
  # large, the file size limit one that grows too large (curl then fails writing). The URL goes
  # in on stdin, out of the process list.
  (
    ulimit -f $((CLI_JAR_MAX_BYTES / 1024))
    trap '' XFSZ
    exec timeout --kill-after=5 "${deadline}" curl --fail --silent --show-error --location \
      --proto-redir =https --connect-timeout 10 --max-time "${deadline}" \
      --speed-limit 1024 --speed-time "${stall}" --max-filesize "${CLI_JAR_MAX_BYTES}" \
      --retry 3 --retry-delay 1 --retry-connrefused --output "${part}" --config -
  ) 2> "${part}.err" <<< "${config}" || status=$?
  if ((status != 0)); then
    DOWNLOAD_FAILURE="$(tail -n 1 "${part}.err")"
    DOWNLOAD_FAILURE="${DOWNLOAD_FAILURE#curl: }"
    if [[ "${DOWNLOAD_FAILURE}" =~ ^\([0-9]+\)\ (.*)$ ]]; then DOWNLOAD_FAILURE="${BASH_REMATCH[1]}"; fi
    local size=0
    if [[ -f "${part}" ]]; then size="$(stat -c %s -- "${part}")"; fi
    if ((status == 124 || status == 137)); then
      DOWNLOAD_FAILURE="it did not finish within ${deadline} s (retries included)"
    elif ((status == 63 || (status == 23 && size >= CLI_JAR_MAX_BYTES))); then
      DOWNLOAD_FAILURE="it is larger than $((CLI_JAR_MAX_BYTES >> 20)) MB, far more than a CLI jar"
    fi
    rm -f "${part}" "${part}.err"
    return 1
  fi
  rm -f "${part}.err"
  got="$(utils::sha256 "${part}")"
  if [[ "${got}" != "${sha}" ]]; then
    DOWNLOAD_FAILURE="its SHA-256 is ${got}, not the ${sha} this release records"
    rm -f "${part}"
    return 1
  fi
  mv "${part}" "${target}"
}

# Sets CLI_JAR to the CLI jar to run (see the top of this file). When CACHE_DIR cannot be written
# (read-only, full), the jar goes to a temporary folder instead, and cli_jar::forget removes it
# when compile ends.
cli_jar::ensure() {
  local cache_dir="$1" java="$2" key jar_dir why="" version sha url sources cached="" shown
  if CLI_JAR="$(cli_jar::prebuilt)"; then return 0; fi
  key="$(cli_jar::source_key)"
  jar_dir="${cache_dir}/datomic-buildpack-jar"
  # Best effort: the cache may be read-only or full (then the jar goes to a temporary folder).
  mkdir -p "${jar_dir}" 2> /dev/null || true
  rm -f "${jar_dir}"/*.part.* 2> /dev/null || true # left by an interrupted build
  if [[ ! -f "${BP_DIR:?}/${RELEASE_RECORD}" ]]; then
    why="this checkout records no released CLI (an untagged commit)"
  else
    version="$(cli_jar::release_field version)"
    sha="$(cli_jar::release_field sha256)"
    url="$(cli_jar::release_field jar)"
    sources="$(cli_jar::release_field sources)"
    if [[ "${sources}" != "${key}" ]]; then
      why="this checkout's sources differ from release v${version}'s (an untagged commit)"
    elif [[ ! "${sha}" =~ ^[0-9a-f]{64}$ || -z "${url}" ]]; then
      why="the release record ${RELEASE_RECORD} is incomplete"
    elif ! cli_jar::url_ok "${url}"; then
      why="the release record's jar URL is not an https:// URL"
    else
      RELEASED_VERSION="${version}"
      CLI_JAR="${jar_dir}/${sha}.jar"
      if [[ -f "${CLI_JAR}" ]]; then cached="$(utils::sha256 "${CLI_JAR}")"; fi
      if [[ "${cached}" == "${sha}" ]]; then
        output::step "Using the buildpack CLI of release v${version} (cached)"
        return 0
      fi
      shown="$(output::url "${url}")"
      output::step "Downloading the buildpack CLI of release v${version}"
      output::detail "From ${shown}"
      if [[ ! -w "${jar_dir}" ]]; then
        output::detail "CACHE_DIR cannot be written (read-only or full): it is downloaded again next time"
        CLI_JAR="$(mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-cli.XXXXXX")/${sha}.jar"
      fi
      if cli_jar::download "${url}" "${sha}" "${CLI_JAR}"; then
        find "${jar_dir}" -name '*.jar' ! -name "${sha}.jar" -delete 2> /dev/null || true
        output::detail "Verified: SHA-256 ${sha}"
        return 0
      fi
      cli_jar::forget "${CLI_JAR}"
      output::warning "Could not download the buildpack CLI of release v${version}: ${DOWNLOAD_FAILURE}." \
        "Tried: ${shown}" \
        "Building it from source with Maven instead (slower, and needs Maven Central)."
      why="the download of release v${version}'s CLI failed"
    fi
  fi
  cli_jar::build "${cache_dir}" "${java}" "${key}" "${why}"
}

# cli_jar::build CACHE_DIR JAVA KEY WHY: builds the CLI with the Maven wrapper (or takes the one built earlier for KEY),
# saying WHY it is built from source; sets CLI_JAR.
cli_jar::build() {
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
  pin="$(utils::pin_advice)"
  homepage="$(utils::toml homepage)"
  output::detail "A release builds without Maven: ${pin}"
  work="$(utils::scratch_dir "${cache_dir}" datomic-buildpack-build)"
  cp -R "${BP_DIR:?}/pom.xml" "${BP_DIR:?}/buildpack.toml" "${BP_DIR:?}/mvnw" "${BP_DIR:?}/.mvn" "${work}/"
  mkdir -p "${work}/src"
  cp -R "${BP_DIR:?}/src/main" "${work}/src/"
  java_home="$(cd "$(dirname "${java}")/.." && pwd)"
  status=0
  # Maven and its downloads live in the work folder (deleted below); tests point
  # DATOMIC_BUILDPACK_MAVEN_HOME at the machine's ~/.m2 to build offline.
  maven_home="${DATOMIC_BUILDPACK_MAVEN_HOME:-${work}/.m2}"
  (cd "${work}" && JAVA_HOME="${java_home}" MAVEN_USER_HOME="${maven_home}" java::run ./mvnw -B -q \
    -Dmaven.test.skip=true "-Dmaven.repo.local=${maven_home}/repository" package) 2>&1 |
    sed 's/^/       /' || status=$?
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

# Removes the CLI jar cli_jar::ensure put outside CACHE_DIR (nothing else).
cli_jar::forget() {
  local jar="${1:-}"
  if [[ "${jar}" == */datomic-buildpack-cli.*/* ]]; then
    rm -rf "$(dirname "${jar}")"
  fi
}
