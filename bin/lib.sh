# Shared by bin/run-once and bin/preview (sourced from the project's folder).

# Runs the packaged app with what is exported, its output on the terminal and kept, so that a refusal at start can be
# told in plain words. APP_STATUS is its exit code; APP_OUTPUT the file with its output (removed at exit).
run_app() {
  # Java reads file names in the locale's encoding; without a UTF-8 locale a name with any non-ASCII character could
  # not be opened (such a file is quarantined as local/unreadable_name).
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
    *) export LC_ALL=C.UTF-8 ;;
  esac
  APP_OUTPUT=$(mktemp)
  trap 'rm -f "$APP_OUTPUT" ${CLEANUP:-}' EXIT
  set +o pipefail
  # Unless JAVA_OPTS is set (it then replaces them): the serial collector, an 80 MB young generation, a heap that
  # starts at 112 MB and grows only when needed up to 256 MB (the records are streamed). Less CPU and memory than the
  # JVM's defaults, which commit a heap of 1/64 of the machine's memory at once (README, "JVM mode", "Benchmarks").
  java ${JAVA_OPTS--XX:+UseSerialGC -Xms112m -Xmn80m -Xmx256m} -jar target/quarkus-app/quarkus-run.jar 2>&1 \
    | tee "$APP_OUTPUT"
  APP_STATUS=${PIPESTATUS[0]}
  set -o pipefail
}

# Whether the app could not start because the embedded ledger is open in another process (a running bridge).
ledger_in_use() {
  [ "$APP_STATUS" != 0 ] && grep -q "Database may be already in use" "$APP_OUTPUT"
}

# The sentence that says so, for the script named in $1; $2 says what did not happen.
explain_ledger_in_use() {
  echo >&2
  echo "$1: the ledger in $OUTREACH_DIR/.ledger is open in a running bridge, and the embedded ledger takes one" \
    "process at a time. Stop that bridge first, or put the ledger on PostgreSQL (OUTREACH_LEDGER_URL). $2" >&2
}
