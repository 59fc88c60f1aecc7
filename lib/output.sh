# shellcheck shell=bash
# output:: the build log, in Heroku's style: steps `-----> `, details indented 7 spaces, errors
# and warnings on stderr with ` !     ` on every line. Errors are bold red and warnings bold
# yellow, as in Heroku's own buildpacks, when stderr is a terminal or a Heroku build's log (STACK
# set, no DYNO); plain otherwise, and always when NO_COLOR is set (https://no-color.org). Also how
# a value is shown in the log: never able to forge a line, never a password.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

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

# Prints its argument with control characters (line breaks, escape sequences) as '?', so that a
# value cannot forge a line of the build log.
output::printable() {
  local text="$1"
  printf '%s' "${text//[[:cntrl:]]/?}"
}

# Prints TEXT as the CLI's Echo.value shows user text in the log: line breaks and tabs as \n, \r,
# \t, other control characters as \uXXXX, so no file name can forge a line of the build log.
output::echo_value() {
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

# Prints a URL fit for the build log, with a line break: its password masked (without parsing
# it: everything from the first ':' after the user name to the last '@'), then its query (where
# signatures and tokens go) and fragment left out, shown as '?...'.
output::url() {
  local url="$1" query=""
  if [[ "${url}" =~ ^([A-Za-z][A-Za-z0-9+.-]*://)([^:/@]*):.*@([^@]*)$ ]]; then
    url="${BASH_REMATCH[1]}${BASH_REMATCH[2]}:********@${BASH_REMATCH[3]}"
  fi
  if [[ "${url}" == *[?#]* ]]; then query="?..."; fi
  url="${url%%\?*}"
  output::printable "${url%%#*}${query}"
  echo
}
