# Sourced by the harness before each checkers/NN.sh. POSIX sh (busybox), runs as root in the VM.
# A checker observes what the learner's runtime did, from inside the container and from the VM,
# and never reads the learner's source. See checkers/README.md for the API.

RD_TIMEOUT=${RD_TIMEOUT:-20}
_out_file=/run/check/out
mkdir -p /run/check

_now_ms() { read -r up _ < /proc/uptime; echo $(( ${up%.*} * 1000 + 10#${up#*.} * 10 )); }
_b64() { printf '%s' "$1" | base64 -w 0; }
_emit() { printf '%s\n' "$*" >&3; }

# _quote WORDS...: the words as a shell command a learner can paste back in.
_quote() {
  _q=
  for _w in "$@"; do
    case $_w in
      '' | *[!A-Za-z0-9_./:=@%+,-]*) _w="'$(printf '%s' "$_w" | sed "s/'/'\\\\''/g")'" ;;
    esac
    _q="$_q${_q:+ }$_w"
  done
  printf '%s' "$_q"
}

CHECK_NAME=
CMD=
OUT=
ERR=
RC=

# check NAME: starts a check; every check ends in exactly one pass or fail.
check() {
  CHECK_NAME=$1 CMD= OUT= ERR= RC=
  _check_started=$(_now_ms)
  _emit "start	$LEVEL	$CHECK_NAME"
}

_result() { # status message expected actual
  _emit "result	$LEVEL	$CHECK_NAME	$1	$(( $(_now_ms) - _check_started ))	$(_b64 "$2")	$(_b64 "$3")	$(_b64 "$4")	$(_b64 "$CMD")	$(_b64 "$OUT")"
  CHECK_NAME=
}

pass() { _result pass "" "" ""; }

# fail MESSAGE [EXPECTED ACTUAL]: the message teaches what is wrong; the command and output of the last rd/vm call go along.
fail() {
  if [ "$RC" = 124 ]; then
    _result fail "rd did not finish within ${_limit} s and was stopped (its last lines are below). $1" "${2-}" "${3-}"
  else
    _result fail "$1" "${2-}" "${3-}"
  fi
}

# expect_eq EXPECTED ACTUAL MESSAGE: pass if equal, else fail with MESSAGE.
expect_eq() { if [ "$1" = "$2" ]; then pass; else fail "$3" "$1" "$2"; fi; }

# rd ARGS...: runs the learner's runtime as root with a timeout, from the folder RD_CWD (default /). Sets RC
# (exit code, 124 on timeout), OUT (its stdout+stderr, last 40 lines) and CMD. Returns RC.
rd() {
  _rd "$@" > "$_out_file" 2>&1
  OUT=$(tail -n 40 "$_out_file") ERR=
  _keep_run
  return "$RC"
}

# rd_split ARGS...: like rd, but OUT holds only rd's stdout and ERR only its stderr, to tell the streams apart.
rd_split() {
  _rd "$@" > "$_out_file" 2> "$_out_file.err"
  OUT=$(tail -n 40 "$_out_file") ERR=$(tail -n 40 "$_out_file.err")
  _keep_run
  return "$RC"
}

# _sandbox CMD...: runs a command in the sandbox, the VM as the learner's runtime sees it (see vm/harness),
# without fd 3: that is where results go, and nothing in the sandbox may write there.
_sandbox() { nsenter -t "$SANDBOX" -m -p -- "$@" 3>&-; }

# A runtime that hung once in this run gets a short leash afterwards, so a hang costs one timeout, not one
# per check. 137 is also what rd returns for a command killed by SIGKILL: only the clock tells them apart.
_hung=/run/check/hung
_rd() {
  CMD="rd $(_quote "$@")"
  _limit=$RD_TIMEOUT
  [ -e "$_hung" ] && _limit=5
  _started=$(_now_ms)
  _sandbox sh -c 'cd "$1" && shift && exec "$@"' rd-cwd "${RD_CWD:-/}" \
    timeout -s KILL "$_limit" node "$RD_JS" "$@" < /dev/null
  RC=$?
  if [ "$RC" = 137 ] && [ $(( $(_now_ms) - _started )) -ge $(( _limit * 1000 - 50 )) ]; then
    RC=124
    : > "$_hung"
  fi
}

# rd_start ARGS...: starts rd in the background (its output goes where rd's would); rd_wait collects it like rd.
rd_start() {
  CMD="rd $(_quote "$@")"
  ( _rd "$@"; exit "$RC" ) > "$_out_file" 2>&1 &
  _rd_bg=$!
}

rd_wait() {
  wait "$_rd_bg"
  RC=$?
  OUT=$(tail -n 40 "$_out_file") ERR=
  _keep_run
  return "$RC"
}

# output_has REGEX [SECONDS]: waits (default RD_TIMEOUT) until a line of the background rd's output matches;
# false at once if rd has ended without printing it.
output_has() {
  _until=$(( $(_now_ms) + ${2:-$RD_TIMEOUT} * 1000 ))
  until grep -Eq -- "$1" "$_out_file" 2>/dev/null; do
    kill -0 "$_rd_bg" 2>/dev/null || { grep -Eq -- "$1" "$_out_file" 2>/dev/null; return; }
    [ "$(_now_ms)" -ge "$_until" ] && return 1
    usleep 50000
  done
}

_keep_run() { _kept_cmd=$CMD _kept_out=$OUT _kept_err=$ERR _kept_rc=$RC; }

# same_run: right after `check NAME`, brings back CMD, OUT, ERR and RC of the last rd call, so that one
# container start (each costs two Node starts) can serve several checks.
same_run() { CMD=$_kept_cmd OUT=$_kept_out ERR=$_kept_err RC=$_kept_rc; }

# ran_ok [STATUS]: true if the last rd call exited with STATUS (default 0). Otherwise fails the current check,
# saying what rd did instead (its own error message is in the output that goes along), and returns false.
ran_ok() {
  [ "$RC" = "${1:-0}" ] && return 0
  if rd_timed_out; then
    fail "does the parent wait for an 'exit' event that never comes, or the container for input?"
  else
    # The runtime's own error ("rd: <call> failed: … hint: …") says best what went wrong.
    _why=$(printf '%s\n%s\n' "$OUT" "$ERR" | grep -m1 -A1 '^rd: ' | grep -E '^(rd: |  hint: )' | sed 's/^  //' | tr '\n' ' ' | sed 's/ $//')
    fail "rd exited with status $RC where the command exits with ${1:-0}: ${_why:-rd could not start it, or did not pass its status on (rd's output says more)}" "${1:-0}" "$RC"
  fi
  return 1
}

# has_line REGEX [TEXT]: true if a line of TEXT (default OUT) matches the extended REGEX.
has_line() { printf '%s\n' "${2-$OUT}" | grep -Eq -- "$1"; }

# rd_timed_out: true if the last rd call was stopped at its time limit.
rd_timed_out() { [ "$RC" = 124 ]; }

# mounts_under DIR: the VM's mount points below DIR, one per line, sorted.
mounts_under() { vm 'cat /proc/mounts' | awk -v dir="${1%/}/" 'index($2, dir) == 1 { print $2 }' | sort; }

# vm SHELL-COMMAND: runs a command in the VM as the runtime sees it (outside any container): use it for
# everything a checker observes about mounts, processes and /proc, which differ outside the sandbox.
vm() { _sandbox sh -c "$1"; }
