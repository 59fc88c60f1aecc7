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
  env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
    "$java" -XX:+UseSerialGC -Xmx160m -Xss1m -jar "$jar" "$@"
}

# The detection rule, in bash, for a build image without a JVM. Same rule as the Java
# Detector (a test runs every fixture app through both).
buildpack::detect_without_java() {
  local build_dir="$1"
  if [[ -f "$build_dir/transactor.properties" ]] ||
    { [[ -f "$build_dir/Procfile" ]] && grep -qE '^transactor:[[:space:]]*[^[:space:]]' "$build_dir/Procfile"; }; then
    echo "Datomic"
    return 0
  fi
  {
    echo "This app is not a Datomic transactor app: no transactor.properties and no transactor: process in a Procfile."
    echo "The Datomic buildpack looks in the app's root for a transactor.properties file (optional transactor settings, may be empty)"
    echo "or a Procfile with a 'transactor:' process."
    echo "The root holds: $(cd "$build_dir" && find . -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null | head -c 400)"
    echo "To deploy a transactor, commit an empty transactor.properties to the app."
  } >&2
  return 1
}

# Prints a new scratch folder for NAME: in CACHE_DIR when it can be written (the cache's disk),
# else in TMPDIR (a read-only or full cache is optional, not an error). The caller removes it.
buildpack::scratch_dir() {
  local cache_dir="$1" name="$2"
  mktemp -d "$cache_dir/.$name.XXXXXX" 2> /dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-$name.XXXXXX"
}

# Prints a URL fit for the build log: its password masked (without parsing it: everything from
# the first ':' after the user name to the last '@'), then its query left out.
buildpack::shown_url() {
  local url="$1"
  if [[ "$url" =~ ^([A-Za-z][A-Za-z0-9+.-]*://)([^:/@]*):.*@([^@]*)$ ]]; then
    url="${BASH_REMATCH[1]}${BASH_REMATCH[2]}:********@${BASH_REMATCH[3]}"
  fi
  echo "${url%%\?*}"
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
    return 0
  fi
  if [[ -z "${STACK:-}" ]] && { [[ -x "${JAVA_HOME:-/nonexistent}/bin/java" ]] || command -v java > /dev/null; }; then
    # A local run (no STACK: CI, a laptop) uses the machine's JDK; the slug will too.
    output::step "Using the machine's Java (local build; on Heroku the slug gets its own JDK)"
    return 0
  fi
  local url work
  url="$(buildpack::env_var "$env_dir" JVM_COMMON_BUILDPACK)"
  url="${url:-${JVM_COMMON_BUILDPACK:-$JVM_COMMON_DEFAULT_URL}}"
  output::step "Installing a JDK with Heroku's JVM buildpack"
  output::detail "From $(buildpack::shown_url "$url")"
  work="$(buildpack::scratch_dir "$cache_dir" jvm-common)"
  # Bounded like the Datomic download: a server that stalls or drips bytes fails the build in
  # about a minute, not when Heroku stops it (tests shorten the stall with the plumbing var).
  if ! curl --fail --silent --show-error --location --connect-timeout 10 --max-time 300 \
    --speed-limit 2048 --speed-time "${DATOMIC_BUILDPACK_STALL_SECONDS:-30}" \
    --retry 3 --retry-max-time 60 "$url" |
    tar xzm -C "$work" --strip-components=1; then
    rm -rf "$work"
    output::error "Could not download Heroku's JVM buildpack." \
      "Tried: $(buildpack::shown_url "$url")" \
      "Set JVM_COMMON_BUILDPACK to a reachable tarball, or add heroku/jvm before this" \
      "buildpack: heroku buildpacks:add --index 1 heroku/jvm"
    return 1
  fi
  # Without java.runtime.version the JVM buildpack picks its own default; ask for ours, and give
  # the app its system.properties back afterwards.
  local props="$build_dir/system.properties" had_props=false
  if ! grep -qs '^[[:space:]]*java\.runtime\.version' "$props"; then
    if [[ -f "$props" ]]; then
      had_props=true
      cp -p "$props" "$work/system.properties.app"
    fi
    printf '\njava.runtime.version=%s\n' "$DEFAULT_JAVA_VERSION" >> "$props"
    output::detail "No java.runtime.version in system.properties: installing Java $DEFAULT_JAVA_VERSION"
  fi
  # In a subshell, as the JVM buildpack recommends: its helpers (output::* among them) must not
  # replace this shim's own.
  local status=0
  (
    # shellcheck disable=SC1091
    source "$work/bin/java" && install_openjdk "$build_dir" "$work"
  ) || status=$?
  if [[ -f "$work/system.properties.app" ]]; then
    mv "$work/system.properties.app" "$props"
  elif [[ "$had_props" == false ]] && grep -qs "java.runtime.version=$DEFAULT_JAVA_VERSION" "$props"; then
    rm -f "$props"
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
  # shellcheck disable=SC2016 # $JAVA_HOME and $PATH expand when a later buildpack sources it.
  printf 'export JAVA_HOME=%q\nexport PATH="$JAVA_HOME/bin:$PATH"\n' "$build_dir/.jdk" > "$BP_DIR/export"
}

# Prints the CLI jar: the prebuilt one, else one built once with the Maven wrapper and cached
# in CACHE_DIR under a key of the buildpack's sources. When CACHE_DIR cannot be written (read-only,
# full), the jar is built in a temporary folder instead, and buildpack::forget_jar removes it.
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
  work="$(buildpack::scratch_dir "$cache_dir" datomic-buildpack-build)"
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
  # Into the cache under a name of its own, then renamed: builds sharing the cache never see a
  # half-written jar, nor remove the one another build is about to run (same key, same name).
  local temp="$jar_dir/.$key.jar.$$"
  if mkdir -p "$jar_dir" 2> /dev/null && cp "$work/target/$JAR_NAME" "$temp" 2> /dev/null &&
    mv -f "$temp" "$jar" 2> /dev/null; then
    find "$jar_dir" -name '*.jar' ! -name "$key.jar" -delete 2> /dev/null || true
    rm -rf "$work"
    echo "$jar"
    return 0
  fi
  rm -f "$temp" 2> /dev/null || true
  output::detail "Could not keep the buildpack CLI in CACHE_DIR (read-only or full): it is built again next time" >&2
  local kept
  kept="$(mktemp -d "${TMPDIR:-/tmp}/datomic-buildpack-cli.XXXXXX")"
  mv "$work/target/$JAR_NAME" "$kept/$JAR_NAME"
  rm -rf "$work"
  echo "$kept/$JAR_NAME"
}

# Removes the CLI jar buildpack::ensure_jar built outside CACHE_DIR (nothing else).
buildpack::forget_jar() {
  local jar="${1:-}"
  if [[ "$jar" == */datomic-buildpack-cli.*/"$JAR_NAME" ]]; then
    rm -rf "$(dirname "$jar")"
  fi
}
