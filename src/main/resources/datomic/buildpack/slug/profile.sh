# shellcheck shell=bash
# Written by the Datomic buildpack; sourced by bash at dyno boot.
# Puts the buildpack's launcher and Datomic's own tools (bin/transactor, bin/run, bin/datomic)
# on PATH for one-off dynos such as `heroku run datomic-buildpack peer-uri my-db`.
export DATOMIC_HOME="$HOME/.datomic/dist"
export PATH="$HOME/.datomic/bin:$DATOMIC_HOME/bin:$PATH"
if [ -x "$HOME/.jdk/bin/java" ]; then
  export JAVA_HOME="${JAVA_HOME:-$HOME/.jdk}"
  export PATH="$JAVA_HOME/bin:$PATH"
fi
