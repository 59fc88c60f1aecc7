# shellcheck shell=bash disable=SC2034 # data, read by the other lib/ files
# What this buildpack runs on, as data in one place: lib/checks.sh, lib/java.sh and lib/jdk.sh
# check builds against it, docs/platform.md and the tests follow it.

# Heroku stacks (the STACK of a build) this buildpack is tested on.
SUPPORTED_STACKS=(heroku-22 heroku-24)
# Stacks Heroku has retired: a build there fails with what to do. Any other stack gets a warning.
RETIRED_STACKS=(cedar cedar-10 cedar-14 heroku-16 heroku-18 heroku-20)

# The CLI and Datomic need this Java or later (the CLI's classes are Java 17, pom.xml's
# maven.compiler.release).
MIN_JAVA_VERSION=17
# The Java installed when system.properties names none (the JVM buildpack's own default depends
# on the stack: Java 8 on heroku-22, which cannot run this buildpack). Tested with Datomic and the CLI.
DEFAULT_JAVA_VERSION=17
