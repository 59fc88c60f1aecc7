# shellcheck shell=bash
# java:: finding a java for the build, telling its version without trusting it to run the CLI,
# and running it with the user's JVM options kept away. lib/platform.sh has the versions.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail
# shellcheck source=lib/platform.sh
source "${BP_DIR:?}/lib/platform.sh"

# The variables a JVM (or a wrapper script such as mvnw) reads options from: the user's, for the
# app's JVMs, never for the build's own.
JVM_OPTION_VARS=(JAVA_OPTS JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS MAVEN_OPTS)

# java::run COMMAND [ARG...]: runs COMMAND (a java, or a script that starts one) without the
# variables above. Not `env -u ... COMMAND`: env takes a COMMAND holding '=' (an app in
# /tmp/a=b) for a variable to set.
java::run() {
  (
    unset "${JVM_OPTION_VARS[@]}"
    exec "$@"
  )
}

# Prints the major version of a Java version string: 1.8.0_412 -> 8, 11.0.22 -> 11, 21 -> 21,
# zulu-1.8.0_144 -> 8, heroku-21 -> 21. Fails when it holds none.
java::major() {
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
java::version() {
  local java="$1" real home output
  real="$(readlink -f -- "${java}")"
  home="${real%/bin/*}"
  if [[ -f "${home}/release" ]] && grep -q '^JAVA_VERSION=' "${home}/release"; then
    sed -n '/^JAVA_VERSION=/{s/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}.*/\1/p;q;}' "${home}/release"
    return 0
  fi
  output="$(java::run "${java}" -version 2>&1)" || return 1
  sed -n '/ version "/{s/.* version "\([^"]*\)".*/\1/p;q;}' <<< "${output}"
}

# Fails, saying what was found and how to fix it, unless JAVA (found as WHERE) is Java 17 or
# later. Runs before any JVM runs the buildpack's code (no UnsupportedClassVersionError).
java::check() {
  local java="$1" where="$2" version major
  if ! version="$(java::version "${java}")" || [[ -z "${version}" ]]; then
    output::error "Could not tell which Java ${where} is." \
      "Running '${java} -version' failed or printed no version." \
      "The Datomic buildpack needs Java ${MIN_JAVA_VERSION} or later."
    return 1
  fi
  if ! major="$(java::major "${version}")"; then
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

# Prints the java to use: BUILD_DIR/.jdk (from heroku/jvm or our bootstrap), JAVA_HOME, PATH.
java::find() {
  local build_dir="$1"
  if [[ -x "${build_dir}/.jdk/bin/java" ]]; then
    echo "${build_dir}/.jdk/bin/java"
  elif [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    echo "${JAVA_HOME}/bin/java"
  else
    command -v java
  fi
}

# Prints where java::find's answer came from, for messages.
java::source() {
  local build_dir="$1" java="$2"
  if [[ "${java}" == "${build_dir}/.jdk/bin/java" ]]; then
    echo ".jdk"
  elif [[ -n "${JAVA_HOME:-}" && "${java}" == "${JAVA_HOME}/bin/java" ]]; then
    echo "JAVA_HOME"
  else
    echo "the first java on PATH"
  fi
}
