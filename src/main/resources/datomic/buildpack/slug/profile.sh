# shellcheck shell=bash
# Written by the Datomic buildpack; sourced by bash at dyno boot.
# Puts the buildpack's launcher and Datomic's own tools (bin/transactor, bin/run, bin/datomic)
# on PATH for one-off dynos such as `heroku run datomic-buildpack peer-uri my-db`.
# (No DATOMIC_* names here: those are the user's settings, checked at every boot.)
export PATH="${HOME}/.datomic/bin:${HOME}/.datomic/dist/bin:${PATH}"
if [[ -x "${HOME}/.jdk/bin/java" ]]; then
  export JAVA_HOME="${JAVA_HOME:-${HOME}/.jdk}"
  export PATH="${JAVA_HOME}/bin:${PATH}"
fi
