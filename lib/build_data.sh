# shellcheck shell=bash
# build_data:: the build data for bin/report: CACHE_DIR/build-data/datomic.txt, key=value lines
# (heroku/BuildData in the CLI reads them and adds its own). bin/compile starts it afresh, then
# records the start of each of its steps and, on exit, the end time and exit status. Best
# effort: never fails a build.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

BUILD_DATA_FILE=""

# build_data::start CACHE_DIR
build_data::start() {
  BUILD_DATA_FILE="$1/build-data/datomic.txt"
  if ! { mkdir -p "$1/build-data" && : > "${BUILD_DATA_FILE}"; } 2> /dev/null; then
    BUILD_DATA_FILE=""
  fi
  # shellcheck disable=SC2312 # millis cannot fail
  build_data::set started "$(utils::millis)"
}

# build_data::set KEY VALUE
build_data::set() {
  if [[ -n "${BUILD_DATA_FILE}" ]]; then
    printf '%s=%s\n' "$1" "$2" >> "${BUILD_DATA_FILE}" 2> /dev/null || true
  fi
}

# build_data::step NAME: the step NAME starts now.
build_data::step() {
  # shellcheck disable=SC2312 # millis cannot fail
  build_data::set step "$1@$(utils::millis)"
}

# build_data::end STATUS
build_data::end() {
  # shellcheck disable=SC2312 # millis cannot fail
  build_data::set finished "$(utils::millis)"
  build_data::set exit_status "$1"
}

# Prints the last value of KEY in CACHE_DIR's build data (empty when absent).
build_data::get() {
  local file="$1/build-data/datomic.txt" key="$2"
  if [[ -f "${file}" ]]; then
    sed -n "s/^${key}=//p" "${file}" | tail -n 1
  fi
}

# bin/report's answer when no JVM can run the CLI (the build failed before one was installed):
# the outcome and the step that failed, from CACHE_DIR's build data alone.
build_data::report() {
  local file="$1/build-data/datomic.txt" step status
  if [[ ! -f "${file}" ]]; then
    echo "{}"
    return 0
  fi
  step="$(sed -n 's/^step=\([a-z0-9_]*\)@.*/\1/p' "${file}" | tail -n 1)"
  status="$(build_data::get "$1" exit_status)"
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
