# Sourced by the harness before each checkers/NN.sh. POSIX sh (busybox), runs as root in the VM.
# A checker observes what the learner's runtime did, from inside the container and from the VM,
# and never reads the learner's source. See checkers/README.md for the API.

RD_TIMEOUT=${RD_TIMEOUT:-20}
_out_file=/run/check/out
mkdir -p /run/check

_now_ms() { read -r up _ < /proc/uptime; echo $(( ${up%.*} * 1000 + 10#${up#*.} * 10 )); }
_b64() { printf '%s' "$1" | base64 -w 0; }
_emit() { printf '%s\n' "$*" >&3; }

CHECK_NAME=
CMD=
OUT=
RC=

# check NAME: starts a check; every check ends in exactly one pass or fail.
check() {
  CHECK_NAME=$1 CMD= OUT= RC=
  _check_started=$(_now_ms)
  _emit "start	$LEVEL	$CHECK_NAME"
}

_result() { # status message expected actual
  _emit "result	$LEVEL	$CHECK_NAME	$1	$(( $(_now_ms) - _check_started ))	$(_b64 "$2")	$(_b64 "$3")	$(_b64 "$4")	$(_b64 "$CMD")	$(_b64 "$OUT")"
  CHECK_NAME=
}

pass() { _result pass "" "" ""; }

# fail MESSAGE [EXPECTED ACTUAL]: the message teaches what is wrong; the command and output of the last rd/vm call go along.
fail() { _result fail "$1" "${2-}" "${3-}"; }

# expect_eq EXPECTED ACTUAL MESSAGE: pass if equal, else fail with MESSAGE.
expect_eq() { if [ "$1" = "$2" ]; then pass; else fail "$3" "$1" "$2"; fi; }

# rd ARGS...: runs the learner's runtime as root with a timeout. Sets RC (exit code, 124 on timeout),
# OUT (its stdout+stderr, last 40 lines) and CMD. Returns RC.
rd() {
  CMD="rd $*"
  timeout -s KILL "$RD_TIMEOUT" node "$RD_JS" "$@" > "$_out_file" 2>&1 < /dev/null
  RC=$?
  [ "$RC" = 137 ] && RC=124
  OUT=$(tail -n 40 "$_out_file")
  return "$RC"
}

# rd_timed_out: true if the last rd call was stopped at RD_TIMEOUT.
rd_timed_out() { [ "$RC" = 124 ]; }

# vm SHELL-COMMAND: runs a command in the VM (outside any container), e.g. to inspect mounts.
vm() { sh -c "$1"; }
