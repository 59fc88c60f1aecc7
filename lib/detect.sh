# shellcheck shell=bash
# detect:: the detection rule, the only one (bin/detect runs it on the bare build image, where
# there is no JVM): an app is a Datomic app when its root holds a transactor.properties file (a
# link counts: compile and boot refuse one that leads outside the app), or a Procfile with a
# transactor: process, or a peer-server: process (a query-group app). A Procfile link leading
# outside the app or to nothing is not read.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

# detect::app BUILD_DIR: prints the buildpack's name and succeeds for a Datomic app; else says
# what it looked for and what the app's root holds, and fails.
detect::app() {
  local build_dir="$1" root
  if [[ -f "${build_dir}/transactor.properties" || -L "${build_dir}/transactor.properties" ]] ||
    { [[ -f "${build_dir}/Procfile" ]] && ! checks::link_leaves_app "${build_dir}" Procfile &&
      grep -qE '^(transactor|peer-server):[[:space:]]*[^[:space:]]' "${build_dir}/Procfile"; }; then
    echo "Datomic"
    return 0
  fi
  # The root's first 20 entries in C order, folders with a /; control characters in names shown
  # as the CLI's Echo shows them (\n, \u001B).
  root="$(find "${build_dir}" -mindepth 1 -maxdepth 1 -printf '%Y\t%f\0' 2> /dev/null |
    while IFS=$'\t' read -r -d '' type name; do
      name="$(output::echo_value "${name}")"
      if [[ "${type}" == d ]]; then echo "${name}/"; else echo "${name}"; fi
    done | LC_ALL=C sort | sed -n 1,20p | paste -sd ' ' -)"
  output::error "This app is not a Datomic transactor app: no transactor.properties and no transactor: or peer-server: process in a Procfile." \
    "The Datomic buildpack looks in the app's root for a transactor.properties file (optional transactor settings, may be empty)" \
    "or a Procfile with a 'transactor:' (or, for a query-group app, 'peer-server:') process." \
    "The root holds: ${root:-(nothing)}" \
    "To deploy a transactor, commit an empty transactor.properties to the app."
  return 1
}
