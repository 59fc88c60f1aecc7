# shellcheck shell=bash
# Helpers shared by the bin/ shims: finding a JVM and the CLI jar, bootstrapping both on a bare
# Heroku build image, and running the CLI with a clean environment. Logic lives in the Java CLI;
# only what must work before a JVM exists is here.

# Errors inside $(...) stop the shims too (bash turns -e off there otherwise).
shopt -s inherit_errexit

BP_DIR="${BP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
JAR_NAME="datomic-buildpack.jar"
JVM_COMMON_DEFAULT_URL="https://buildpack-registry.s3.us-east-1.amazonaws.com/buildpacks/heroku/jvm.tgz"
# The Java the JVM buildpack installs when system.properties names none (its own default depends on
# the stack: Java 8 on heroku-22, which cannot run this buildpack). Tested with Datomic and the CLI.
DEFAULT_JAVA_VERSION="17"

output::step() { echo "-----> $*"; }
output::detail() { echo "       $*"; }
output::error() {
  local line
  {
    echo
    echo " !     Error: $1"
    shift
    for line in "$@"; do echo " !     $line"; done
    echo
  } >&2
}

# Prints the java to use: BUILD_DIR/.jdk (from heroku/jvm or our bootstrap), JAVA_HOME, PATH.
buildpack::find_java() {
  local build_dir="$1"
  if [[ -x "$build_dir/.jdk/bin/java" ]]; then
    echo "$build_dir/.jdk/bin/java"
  elif [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java
  fi
}

# Prints the prebuilt CLI jar if the buildpack ships one (or was built locally).
buildpack::prebuilt_jar() {
  [[ -f "$BP_DIR/target/$JAR_NAME" ]] && echo "$BP_DIR/target/$JAR_NAME"
}

# Runs the CLI, keeping the user's JVM options away from the build-time JVM.
buildpack::cli() {
  local java="$1" jar="$2"
  shift 2
  buildpack::utf8_ctype
  env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    "$java" -XX:+UseSerialGC -Xmx160m -Xss1m -jar "$jar" "$@"
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
    if [[ "$name" == BUILD_DIR ]]; then dir="$1"; else dir="$3"; fi
    if [[ ! -d "$dir" ]]; then
      output::error "$name $(buildpack::printable "$dir") is not a folder." \
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
  [[ -L "$dir/$path" ]] || return 1
  root="$(realpath -e -- "$dir")" || return 0
  real="$(realpath -e -- "$dir/$path")" || return 0
  [[ "$real" != "$root" && "$real" != "$root"/* ]]
}

# The detection rule, in bash, for a build image without a JVM. Same rule as the Java
# Detector (a test runs every fixture app through both).
buildpack::detect_without_java() {
  local build_dir="$1"
  if [[ -f "$build_dir/transactor.properties" || -L "$build_dir/transactor.properties" ]] ||
    { [[ -f "$build_dir/Procfile" ]] && ! buildpack::link_leaves_app "$build_dir" Procfile &&
      grep -qE '^transactor:[[:space:]]*[^[:space:]]' "$build_dir/Procfile"; }; then
    echo "Datomic"
    return 0
  fi
  {
    echo "This app is not a Datomic transactor app: no transactor.properties and no transactor: process in a Procfile."
    echo "The Datomic buildpack looks in the app's root for a transactor.properties file (optional transactor settings, may be empty)"
    echo "or a Procfile with a 'transactor:' process."
    echo "The root holds: $(cd "$build_dir" && find . -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null |
      LC_ALL=C tr '[:cntrl:]' '?' | head -c 400)"
    echo "To deploy a transactor, commit an empty transactor.properties to the app."
  } >&2
  return 1
}

# Reads one config var from ENV_DIR (empty when unset).
buildpack::env_var() {
  local env_dir="$1" name="$2"
  if [[ -f "$env_dir/$name" ]]; then cat "$env_dir/$name"; fi
}

# Makes sure BUILD_DIR/.jdk exists: kept when an earlier buildpack (heroku/jvm) installed one,
# else installed with Heroku's shared JVM buildpack, which honours java.runtime.version in
# system.properties. Writes the buildpack's export file for later buildpacks.
buildpack::ensure_jdk() {
  local build_dir="$1" cache_dir="$2" env_dir="$3"
  if [[ -x "$build_dir/.jdk/bin/java" ]]; then
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
  buildpack::check_jdk_links "$build_dir" || return 1
  local url work
  url="$(buildpack::env_var "$env_dir" JVM_COMMON_BUILDPACK)"
  url="${url:-${JVM_COMMON_BUILDPACK:-$JVM_COMMON_DEFAULT_URL}}"
  output::step "Installing a JDK with Heroku's JVM buildpack"
  output::detail "From $(buildpack::printable "${url%%\?*}")"
  work="$(mktemp -d "$cache_dir/.jvm-common.XXXXXX")"
  if ! curl --fail --silent --show-error --location --retry 3 --connect-timeout 10 "$url" |
    tar xzm -C "$work" --strip-components=1; then
    rm -rf "$work"
    output::error "Could not download Heroku's JVM buildpack." \
      "Tried: $(buildpack::printable "${url%%\?*}")" \
      "Set JVM_COMMON_BUILDPACK to a reachable tarball, or add heroku/jvm before this" \
      "buildpack: heroku buildpacks:add --index 1 heroku/jvm"
    return 1
  fi
  # Without java.runtime.version the JVM buildpack picks its own default; ask for ours in a new
  # regular file, with the app's own entry (a file, or a link inside the app) moved aside
  # untouched and put back afterwards: nothing is ever written through a link.
  local props="$build_dir/system.properties" added=false saved=""
  if ! grep -qs '^[[:space:]]*java\.runtime\.version' "$props"; then
    if [[ -f "$props" ]]; then
      cat "$props" > "$work/system.properties.new"
    fi
    if [[ -e "$props" || -L "$props" ]]; then
      saved="$work/system.properties.app"
      mv "$props" "$saved"
    fi
    printf '\njava.runtime.version=%s\n' "$DEFAULT_JAVA_VERSION" >> "$work/system.properties.new"
    mv "$work/system.properties.new" "$props"
    added=true
    output::detail "No java.runtime.version in system.properties: installing Java $DEFAULT_JAVA_VERSION"
  fi
  # In a subshell, as the JVM buildpack recommends: its helpers (output::* among them) must not
  # replace this shim's own.
  local status=0
  (
    # shellcheck disable=SC1091
    source "$work/bin/java" && install_openjdk "$build_dir" "$work"
  ) || status=$?
  if [[ "$added" == true ]]; then
    rm -f "$props"
    if [[ -n "$saved" ]]; then mv "$saved" "$props"; fi
  fi
  if ((status != 0)); then
    rm -rf "$work"
    output::error "Heroku's JVM buildpack could not install a JDK." \
      "Its output above says why; check java.runtime.version in system.properties."
    return 1
  fi
  rm -rf "$work"
  if [[ ! -x "$build_dir/.jdk/bin/java" ]]; then
    output::error "Heroku's JVM buildpack did not install a JDK into .jdk." \
      "Check java.runtime.version in system.properties, or add heroku/jvm before this buildpack."
    return 1
  fi
  # Recorded so that compile trims this JDK (and never one an earlier buildpack installed).
  buildpack::build_data jdk_installed_by this-buildpack
  # shellcheck disable=SC2016 # $JAVA_HOME and $PATH expand when a later buildpack sources it.
  printf 'export JAVA_HOME=%q\nexport PATH="$JAVA_HOME/bin:$PATH"\n' "$build_dir/.jdk" > "$BP_DIR/export"
}

# Before Heroku's JVM buildpack runs: it installs into .jdk, copies scripts into .profile.d and
# reads system.properties. A link there committed by the app would carry those writes (or the
# read) outside the build: refused, saying which and what to do. (.jdk holding a java is used as
# it is, above: only run, never written.) The export file is in the buildpack's own folder.
buildpack::check_jdk_links() {
  local build_dir="$1" entry
  for entry in .jdk .profile.d; do
    if [[ -L "$build_dir/$entry" ]]; then
      output::error "$entry in the app is a link (to $(buildpack::printable "$(readlink -- "$build_dir/$entry")")); Heroku's JVM buildpack would write through it." \
        "A link committed to the app would carry the build's files to wherever it points." \
        "Remove the link from the app (git rm $entry) and push again."
      return 1
    fi
  done
  for entry in "$build_dir"/.profile.d/* "$build_dir/system.properties"; do
    if buildpack::link_leaves_app "$build_dir" "${entry#"$build_dir"/}"; then
      output::error "$(buildpack::printable "${entry#"$build_dir"/}") in the app is a link to $(buildpack::printable "$(readlink -- "$entry")"), outside the app or to nothing." \
        "Heroku's JVM buildpack, run by this one to install a JDK, would read or write through it." \
        "Commit the file itself instead of the link, or remove it, and push again."
      return 1
    fi
  done
}

# Prints the CLI jar: the prebuilt one, else one built once with the Maven wrapper and cached
# in CACHE_DIR under a key of the buildpack's sources.
buildpack::ensure_jar() {
  local cache_dir="$1" java="$2"
  if buildpack::prebuilt_jar; then return 0; fi
  local key jar_dir jar work java_home status maven_home
  key="$(cd "$BP_DIR" && find pom.xml .mvn src/main -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  jar_dir="$cache_dir/datomic-buildpack-jar"
  jar="$jar_dir/$key.jar"
  if [[ -f "$jar" ]]; then
    output::step "Using the buildpack CLI built earlier (cache key $key)" >&2
    echo "$jar"
    return 0
  fi
  output::step "Building the buildpack CLI (once per buildpack version; cache key $key)" >&2
  work="$(mktemp -d "$cache_dir/.datomic-buildpack-build.XXXXXX")"
  cp -R "$BP_DIR/pom.xml" "$BP_DIR/mvnw" "$BP_DIR/.mvn" "$work/"
  mkdir -p "$work/src"
  cp -R "$BP_DIR/src/main" "$work/src/"
  java_home="$(cd "$(dirname "$java")/.." && pwd)"
  status=0
  # Maven and its downloads live in the work folder (deleted below); tests point
  # DATOMIC_BUILDPACK_MAVEN_HOME at the machine's ~/.m2 to build offline.
  maven_home="${DATOMIC_BUILDPACK_MAVEN_HOME:-$work/.m2}"
  (cd "$work" && env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    -u MAVEN_OPTS JAVA_HOME="$java_home" \
    MAVEN_USER_HOME="$maven_home" ./mvnw -B -q -Dmaven.test.skip=true "-Dmaven.repo.local=$maven_home/repository" package) \
    2>&1 | sed 's/^/       /' >&2 || status=$?
  if [[ $status -ne 0 || ! -f "$work/target/$JAR_NAME" ]]; then
    rm -rf "$work"
    output::error "Could not build the buildpack CLI with Maven." \
      "The output above says why. Pin a released buildpack version, or report this."
    return 1
  fi
  mkdir -p "$jar_dir"
  find "$jar_dir" -name '*.jar' -delete
  mv "$work/target/$JAR_NAME" "$jar.tmp"
  mv "$jar.tmp" "$jar"
  rm -rf "$work"
  echo "$jar"
}

# Build data for bin/report: CACHE_DIR/build-data/datomic.txt, key=value lines (heroku/BuildData
# in the CLI reads them and adds its own). bin/compile starts it afresh, then records the start
# of each of its steps and, on exit, the end time and exit status. Best effort: never fails a build.
buildpack::build_data_start() {
  BUILD_DATA_FILE="$1/build-data/datomic.txt"
  if ! { mkdir -p "$1/build-data" && : > "$BUILD_DATA_FILE"; } 2> /dev/null; then
    BUILD_DATA_FILE=""
  fi
  buildpack::build_data started "$(buildpack::millis)"
}

buildpack::build_data() {
  if [[ -n "${BUILD_DATA_FILE:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >> "$BUILD_DATA_FILE" 2> /dev/null || true
  fi
}

buildpack::build_step() {
  buildpack::build_data step "$1@$(buildpack::millis)"
}

buildpack::build_data_end() {
  buildpack::build_data finished "$(buildpack::millis)"
  buildpack::build_data exit_status "$1"
}

# Prints the last value of KEY in CACHE_DIR's build data (empty when absent).
buildpack::build_data_get() {
  local file="$1/build-data/datomic.txt" key="$2"
  if [[ -f "$file" ]]; then
    sed -n "s/^$key=//p" "$file" | tail -n 1
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
  if [[ ! -f "$file" ]]; then
    echo "{}"
    return 0
  fi
  step="$(sed -n 's/^step=\([a-z0-9_]*\)@.*/\1/p' "$file" | tail -n 1)"
  status="$(buildpack::build_data_get "$1" exit_status)"
  if [[ "$status" == 0 ]]; then
    echo "build_outcome: success"
    return 0
  fi
  if [[ -z "$status" ]]; then
    echo "build_outcome: unfinished"
  else
    echo "build_outcome: failure"
  fi
  echo "failure_step: ${step:-start}"
  echo "failure_category: ${step:-start}::failed"
}
