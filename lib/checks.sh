# shellcheck shell=bash
# checks:: what the shims check before they do anything: their arguments, the stack, and links
# the app committed. Each prints what is wrong and what to do (output.sh), and fails.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail
# shellcheck source=lib/platform.sh
source "${BP_DIR:?}/lib/platform.sh"

# checks::arguments COUNT MIN MAX USAGE [LINE...]: fails, with USAGE ("bin/detect BUILD_DIR")
# and the LINEs, unless COUNT (the shim's $#) is between MIN and MAX. The shims exit 2 then.
checks::arguments() {
  local count="$1" min="$2" max="$3" usage="$4" wanted="$2" plural=s
  shift 4
  ((count >= min && count <= max)) && return 0
  if ((min != max)); then wanted="${min} to ${max}"; fi
  if ((max == 1)); then plural=""; fi
  output::error "${usage%% *} needs ${wanted} argument${plural}, ${usage#* }; it got ${count}." \
    "Usage: ${usage}" "$@"
  return 1
}

# Checks bin/compile's folders before anything is written. A missing ENV_DIR is an error, not
# an empty one: every config var (a pinned DATOMIC_SHA256 among them) would be silently ignored.
checks::compile_dirs() {
  local build_dir="$1" env_dir="$2" name dir
  for name in BUILD_DIR ENV_DIR; do
    if [[ "${name}" == BUILD_DIR ]]; then dir="${build_dir}"; else dir="${env_dir}"; fi
    if [[ ! -d "${dir}" ]]; then
      # shellcheck disable=SC2312 # printable cannot fail
      output::error "${name} $(output::printable "${dir}") is not a folder." \
        "Usage: bin/compile BUILD_DIR CACHE_DIR ENV_DIR. ENV_DIR holds the config vars, one file" \
        "per var (an empty folder when there are none); without it they would be ignored."
      return 1
    fi
  done
}

# The stack check (lib/platform.sh has the lists): a supported stack passes, a retired one fails
# with what to do, an unknown one warns. No STACK (a local build, CI) passes.
checks::stack() {
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
  homepage="$(utils::toml homepage)"
  pin="$(utils::pin_advice)"
  output::warning "The ${stack} stack is not one this buildpack release knows." \
    "It supports ${supported}; the build goes on, untested on ${stack}." \
    "If it fails, a newer release may support ${stack}; the newest is listed at" \
    "${homepage}/releases and pinned with" \
    "${pin}"
}

# True when PATH (a name in the app root DIR) is a link that leaves the app or leads nowhere: the
# buildpack neither reads nor writes through such a link.
checks::link_leaves_app() {
  local dir="$1" path="$2" root real
  [[ -L "${dir}/${path}" ]] || return 1
  root="$(realpath -e -- "${dir}")" || return 0
  real="$(realpath -e -- "${dir}/${path}")" || return 0
  [[ "${real}" != "${root}" && "${real}" != "${root}"/* ]]
}
