# shellcheck shell=bash
# release:: bin/release's YAML, the only implementation (Heroku runs bin/release without a JVM):
# the default transactor, peer-server and console process types (the commands of the CLI's
# heroku/Procfile) and, for Pro (not a query-group app), Heroku Postgres for a first deploy.

# The shims' options (they set them already; here for ShellCheck).
set -o pipefail

# release::yaml BUILD_DIR
release::yaml() {
  local build_dir="$1" build_info="$1/.datomic/build.json" procfile="$1/Procfile" query_group=false
  if [[ ! -f "${build_info}" ]]; then
    output::error "This app has no Datomic installed (.datomic/build.json is missing)." \
      "The Datomic buildpack writes it during the build. Check that the buildpack is set" \
      "(heroku buildpacks -a <app>) and push again."
    return 1
  fi
  # A query-group app (a peer-server: process, no transactor:) attaches the transactor app's
  # database: a Postgres of its own would be storage no transactor writes to.
  if [[ -f "${procfile}" ]] && ! checks::link_leaves_app "${build_dir}" Procfile &&
    grep -qE '^peer-server:[[:space:]]*[^[:space:]]' "${procfile}" &&
    ! grep -qE '^transactor:[[:space:]]*[^[:space:]]' "${procfile}"; then
    query_group=true
  fi
  echo "---"
  # Free stores its data on the dyno: no database to add.
  if [[ "${query_group}" == false ]] &&
    ! grep -qE '"edition"[[:space:]]*:[[:space:]]*"free"' "${build_info}"; then
    echo "addons:"
    echo "- heroku-postgresql"
  fi
  echo "default_process_types:"
  echo "  transactor: .datomic/bin/datomic-buildpack launch"
  echo "  peer-server: .datomic/bin/datomic-buildpack peer-server"
  echo "  console: .datomic/bin/datomic-buildpack console"
}
