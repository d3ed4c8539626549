# Sourced by the harness before each checkers/NN.sh. POSIX sh (busybox), runs as root in the VM.
# A checker observes what the learner's runtime did, from inside the container and from the VM,
# and never reads the learner's source. See checkers/README.md for the API.

RD_TIMEOUT=${RD_TIMEOUT:-20}
# rd runs from /root, where `rubber-workshop shell` and `rd run` start it too: a path a runtime builds relative
# to its working directory (sys/fs/cgroup/…) then misses, as it would for a user, rather than hitting the same
# place as from /. (Levels 01 and 03 choose a folder of their own.)
RD_CWD=${RD_CWD:-/root}
mkdir -p /run/check
# What rd and its containers control goes to a small tmpfs of its own: rd holds its output files open and could
# take every page of the tmpfs they are on (fallocate, which leaves their size as it is), and a container can send
# a server of the harness's as much as it likes; the harness's own lists, which a later check compares against,
# would then come out empty, as if nothing had been there.
_untrusted=/run/check/untrusted
# (Once a VM: each level's checker sources this file. The mark is made before rd can fill the tmpfs.)
[ -e "$_untrusted/.ours" ] || { mkdir -p "$_untrusted" && mount -t tmpfs -o size=32m,mode=700 untrusted "$_untrusted" && : > "$_untrusted/.ours"; }
_out_file=$_untrusted/out

# _now: sets _ms to the uptime in milliseconds (in this shell: a $(…) would fork, slow under emulation).
_now() { read -r _up _ < /proc/uptime; _ms=$(( ${_up%.*} * 1000 + 10#${_up#*.} * 10 )); }
_emit() { printf '%s\n' "$*" >&3; }
# _pause SECONDS: waits, fractions too, without starting a process as usleep would (a fork and an exec,
# ≈ 3 ms each under emulation): a read that times out on a fifo nothing writes to.
[ -p /run/check/pause ] || mkfifo -m 600 /run/check/pause
_pause() { read -r -t "$1" _ <> /run/check/pause; }

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
TRACE=
_pass_traced=

# check NAME: starts a check; every check ends in exactly one pass or fail.
check() {
  CHECK_NAME=$1 CMD= OUT= ERR= RC= TRACE= _trace_point=
  _now
  _check_started=$_ms
  _emit "start	$LEVEL	$CHECK_NAME"
}

# A result's texts go base64-encoded as one field, NUL between them (a shell string never holds one): one
# base64 process a result, not one a text (each costs ≈ 12 ms under emulation). See parseRecord.
# Each text is cut to what the host keeps of it (src/vm/protocol.ts, TEXT_MAX; rd's output: its end), so that a
# record stays whole however much rd printed: a record too long to arrive would leave its check unreported.
_result() { # status message expected actual trace
  _now
  _shown=$(_output_shown "$2") _trace=${5-}
  [ ${#_shown} -le 8000 ] || _shown=${_shown:$(( ${#_shown} - 8000 ))}
  _emit "result	$LEVEL	$CHECK_NAME	$1	$(( _ms - _check_started ))	$(printf '%s\0%s\0%s\0%s\0%s\0%s' "${2:0:2000}" "${3:0:2000}" "${4:0:2000}" "${CMD:0:2000}" "$_shown" "${_trace:0:12200}" | base64 -w 0)"
  CHECK_NAME=
}

# _output_shown MESSAGE: what rd printed, for a result: OUT, and rd's stderr after it when rd_split kept
# the two apart (unless the message already quotes rd's own error line from it).
_output_shown() {
  _err_line=
  [ -z "$ERR" ] || _err_line=$(printf '%s\n' "$ERR" | grep -m1 '^rd: ')
  case $1 in
    *"${_err_line:-no such line}"*) printf '%s' "$OUT" ;;
    *) printf '%s' "$OUT${ERR:+${OUT:+
}[rd's stderr]
$ERR}" ;;
  esac
}

# pass: the first pass after an rd call also carries that call's trace, once a level's run in a VM (the TUI shows
# it beside the reference solution's trace of the same check: lessons/NN-*/solution.trace).
pass() {
  if [ -e "$_tampered" ]; then
    fail "$(cat "$_tampered")"
  elif [ -z "$_pass_traced" ] && [ -n "$TRACE" ]; then
    _pass_traced=yes
    _result pass "" "" "" "$(_trace_shown pass)"
  else
    _result pass "" "" ""
  fi
}

# fail MESSAGE [EXPECTED ACTUAL]: the message teaches what is wrong; the command and output of the last rd/vm call go along.
fail() {
  if [ "$RC" = 124 ]; then
    _result fail "rd did not finish within ${_limit} s and was stopped (its last lines are below). $(_sentence "$1")" "${2-}" "${3-}" "$(_trace_shown)"
  else
    _result fail "$1" "${2-}" "${3-}" "$(_trace_shown)"
  fi
}

# _sentence TEXT: TEXT with a capital first letter, to follow a full stop (rd keeps its name's small letters).
_sentence() { case $1 in rd\ *) printf %s "$1" ;; *) printf %s%s "$(printf %s "${1%"${1#?}"}" | tr a-z A-Z)" "${1#?}" ;; esac; }

# expect_eq EXPECTED ACTUAL MESSAGE: pass if equal, else fail with MESSAGE.
expect_eq() { if [ "$1" = "$2" ]; then pass; else fail "$3" "$1" "$2"; fi; }

# privileged: sets PRIVILEGED to the rd options that leave the container's root every power, for an earlier
# level's probe that mounts or renames inside the container. From level 14 on, rd keeps only Docker's default
# capabilities and a seccomp filter unless asked otherwise (docker run --privileged); an earlier rd knows no such
# options and refuses them. TARGET is the level the runtime is checked at (grading checks every level with one
# runtime, this VM only some): from 14 on, one rd call finds out whether the runtime takes them, once a VM (each
# level's checker runs in a subshell of its own: the answer is kept in a file).
_privileged=/run/check/privileged
privileged() {
  if [ ! -e "$_privileged" ]; then
    _options='--cap-add ALL --security-opt seccomp=unconfined'
    # shellcheck disable=SC2086 # (the options, word by word)
    if [ "${TARGET:-00}" -ge 14 ] 2> /dev/null && rd run -i busybox $_options -- /bin/true; then
      echo "$_options" > "$_privileged"
    else
      : > "$_privileged"
    fi
  fi
  PRIVILEGED=$(cat "$_privileged")
}

# rd ARGS...: runs the learner's runtime as root with a timeout, from the folder RD_CWD (default /root). Sets RC
# (exit code, 124 on timeout), OUT (its stdout+stderr, last 40 lines) and CMD. Returns RC.
rd() {
  _rd_begin "$@"
  _rd "$@" > "$_out_file" 2>&1
  OUT=$(tail -n 40 "$_out_file") ERR=
  _keep_run
  return "$RC"
}

# rd_split ARGS...: like rd, but OUT holds only rd's stdout and ERR only its stderr, to tell the streams apart.
# RD_WATCH_INIT=yes: rd is watched as it runs, and SPAWNED=yes if it started its init stage (see _await_init).
rd_split() {
  _rd_begin "$@"
  if [ "${RD_WATCH_INIT:-}" = yes ]; then
    : > "$_out_file"
    ( _rd "$@"; exit "$RC" ) > "$_out_file" 2> "$_out_file.err" &
    _rd_bg=$!
    # (Not in a subshell: there, rd's ended shell would be a zombie no one reaps, alive to kill -0.)
    _await_init && SPAWNED=yes || SPAWNED=
    wait "$_rd_bg"
    RC=$?
  else
    _rd "$@" > "$_out_file" 2> "$_out_file.err"
  fi
  OUT=$(tail -n 40 "$_out_file") ERR=$(tail -n 40 "$_out_file.err")
  _keep_run
  return "$RC"
}

# A runtime that hung once in this run gets a short leash afterwards, so a hang costs one timeout, not one
# per check. 137 is also what rd returns for a command killed by SIGKILL: only the clock tells them apart.
# rd runs in the sandbox (vm/harness: in_sandbox), as its root, from the folder RD_CWD.
_hung=/run/check/hung
_rd() {
  _now
  _started=$_ms
  : > "/run/check/running.$_trace_calls"
  # shellcheck disable=SC2086 # (node, or su's words before it: see as_root_login)
  in_sandbox /bin/sh -c 'cd "$1" && export RD_TRACE="$2" && shift 2 && exec "$@"' rd-cwd "$RD_CWD" "$_trace_in" \
    timeout -s KILL "$_limit" ${_node:-node} "$RD_JS" "$@" < "${RD_STDIN:-/dev/null}"
  RC=$?
  _now
  if [ "$RC" = 137 ] && [ $(( _ms - _started )) -ge $(( _limit * 1000 - 50 )) ]; then
    RC=124
    : > "$_hung"
  fi
  rm -f "/run/check/running.$_trace_calls"
  # (While another rd call runs, two containers at once, the last of them to end empties the sandbox.)
  set -- /run/check/running.*
  [ -e "$1" ] || { _sandbox_reset; _sandbox_intact; }
}

# _sandbox_intact: once an rd call has ended (nothing of it runs), notes in $_tampered (why no check passes) what it changed of the
# sandbox's own programs: its shell, timeout and node, which start rd, and the tools that vm runs there to set up
# and reset (a folder emptied, an id range written). rd is root there, and could write over them (the overlay's
# upper layer shows what was written, and a whiteout what was deleted) or mount over them, to fake a later step.
# Shell builtins only: it runs after every rd call. From then on no check of this VM passes (see pass).
_tampered=/run/check/tampered
_sandbox_intact() {
  [ -e "$_tampered" ] && return
  _what=
  for _d in bin sbin usr lib lib64; do [ -e "/run/sandbox/rw/upper/$_d" ] || [ -L "/run/sandbox/rw/upper/$_d" ] && _what="$_what /$_d written to;"; done
  # (test -ef: the same file, by device and inode. A pivot_root in the sandbox's own mount namespace moves its root.)
  [ "/proc/$SANDBOX/root/" -ef /run/sandbox/root/ ] || _what="$_what its root replaced;"
  _roots=0
  while read -r _ _ _ _ _point _; do
    case $_point in
      /) [ $((_roots += 1)) -gt 1 ] && _what="$_what a second mount over /;" ;;
      /bin | /bin/* | /sbin | /sbin/* | /usr | /usr/* | /lib | /lib/* | /lib64 | /lib64/*) _what="$_what $_point mounted over;" ;;
    esac
  done < "/proc/$SANDBOX/mountinfo"
  [ -z "$_what" ] || echo "an rd call changed what the sandbox it runs in holds outside its containers:${_what%;} (by $CMD). The checker starts rd and its own steps with the sandbox's programs, so it cannot trust this run any more. rd changes nothing of the VM but its containers: its mounts go in a container's own mount namespace (level 02), its files in the container folder" > "$_tampered"
}

# _sandbox_reset: ends every process in the sandbox, so that nothing one rd call left running (a daemon,
# a container that outlived rd) can act during the next observation. Files, mounts and cgroups stay.
_sandbox_reset() {
  echo 1 > "$SANDBOX_CGROUP/cgroup.kill"
  _sandbox_empty
}

# _sandbox_empty: true once no process runs in the sandbox; waits up to 2 s for the last ones to go.
_sandbox_empty() {
  _i=0
  while ! grep -qx 'populated 0' "$SANDBOX_CGROUP/cgroup.events"; do
    [ $((_i += 1)) -lt 200 ] || return 1
    _pause 0.01
  done
}

# _rd_begin ARGS...: names the rd call about to run (CMD), its time limit (_limit: set here, in the checker's own
# shell, for its messages, though rd_start runs _rd in a subshell) and a fresh file for its trace (see below).
_trace_calls=0
_rd_begin() {
  CMD="rd $(_quote "$@")"
  _limit=$(( RD_TIMEOUT * ${PROBE_HOLDS:-1} ))
  [ -e "$_hung" ] && _limit=5
  _trace_calls=$((_trace_calls + 1))
  _trace_in=/tmp/.rd-trace-$LEVEL-$_trace_calls
  TRACE=/proc/$SANDBOX/root$_trace_in
}

# rd_start ARGS...: starts rd in the background (its output goes where rd's would); rd_wait collects it like rd.
rd_start() {
  _rd_begin "$@"
  : > "$_out_file" # (now: a probe reads it before the background shell may have opened it)
  ( _rd "$@"; exit "$RC" ) > "$_out_file" 2>&1 &
  _rd_bg=$!
}

rd_wait() {
  wait "$_rd_bg" # (the background _rd has emptied the sandbox before it ends)
  RC=$?
  OUT=$(tail -n 40 "$_out_file") ERR=
  _keep_run
  return "$RC"
}

# rd_kill: stops the background rd and everything it started at once, as a power cut would (nothing can
# catch it), and collects it like rd_wait.
rd_kill() {
  _sandbox_reset
  rd_wait
}

_keep_run() { _kept_cmd=$CMD _kept_out=$OUT _kept_err=$ERR _kept_rc=$RC _kept_trace=$TRACE; }

# same_run: right after `check NAME`, brings back CMD, OUT, ERR and RC of the last rd call, so that one
# container start (each costs two Node starts) can serve several checks.
same_run() { CMD=$_kept_cmd OUT=$_kept_out ERR=$_kept_err RC=$_kept_rc TRACE=$_kept_trace; }

# ran_ok [STATUS]: true if the last rd call exited with STATUS (default 0). Otherwise fails the current check,
# saying what rd did instead (its own error message is in the output that goes along), and returns false.
ran_ok() {
  [ "$RC" = "${1:-0}" ] && return 0
  if rd_timed_out; then
    fail "does the parent wait for an 'exit' event that never comes, or the container for input?"
  else
    _why=$(rd_error)
    fail "rd exited with status $RC where the command exits with ${1:-0}: ${_why:-rd could not start it, or did not pass its status on (rd's output says more)}" "${1:-0}" "$RC"
  fi
  return 1
}

# rd_error: the runtime's own error in its output ("rd: <call> failed: … hint: …", on one line), which says best
# what went wrong; empty if it printed none.
rd_error() { printf '%s\n%s\n' "$OUT" "$ERR" | grep -m1 -A1 '^rd: ' | grep -E '^(rd: |  hint: )' | sed 's/^  //' | tr '\n' ' ' | sed 's/ $//'; }

# has_line REGEX [TEXT]: true if a line of TEXT (default OUT) matches the extended REGEX.
has_line() { printf '%s\n' "${2-$OUT}" | grep -Eq -- "$1"; }

# subordinate_ids: root's subordinate ids for --userns auto, a range of 5000 from a random start, the same for uids
# and gids (level 11's checker writes its own, where it runs).
subordinate_ids() { vm "echo root:$(random_in 20000 20000):5000 | tee /etc/subuid > /etc/subgid"; }

# random_in START COUNT: a random whole number from START to START+COUNT-1 (COUNT at most 65536), for test values
# that differ each run, so that a runtime cannot be fitted to one.
random_in() { echo $(( $1 + $(od -An -N2 -tu2 /dev/urandom) % $2 )); }
# pick N WORDS: N of the words, drawn at random, a space apart.
pick() { _k=$1; shift; for _w in "$@"; do echo "$(od -An -N2 -tu2 /dev/urandom | tr -d ' ') $_w"; done | sort -n | head -n "$_k" | cut -d' ' -f2 | paste -s -d ' '; }

# container_items DIR: what containers left in the container folder DIR: its entries (the unpacked images aside)
# and the mounts under it, a line each.
container_items() { ls -A "$(s_file "$1")" 2> /dev/null | grep -vx images; mounts_under "$1"; }
# cgroups_left: the containers' cgroups in rubber-workshop (as the sandbox has it), one name a line.
cgroups_left() { for _d in "$SANDBOX_CGROUP"/rubber-workshop/*/; do [ -d "$_d" ] && basename "$_d"; done; }

# clear_cgroups_left: removes the containers' cgroups that earlier rd calls in this VM left (empty: every rd call
# ends with the sandbox's processes killed), so that a check of what rd leaves judges its own containers alike
# wherever it runs. An rd killed halfway (04's interrupted unpack) may leave one that no runtime could remove.
clear_cgroups_left() {
  for _d in $(cgroups_left); do find "$SANDBOX_CGROUP/rubber-workshop/$_d" -depth -type d -exec rmdir {} \; 2> /dev/null; done
}

# rd_leaves ARGS...: rd_split ARGS, then sets LEFT to the cgroups and MADE to the container folder's items (see
# container_items) that the call left and were not there before it, a space between them: what a failed start
# must not leave.
rd_leaves() {
  _before=$(cgroups_left) _items=$(container_items "$CONTAINERS")
  rd_split "$@"
  LEFT=$(cgroups_left | grep -vxF "${_before:-/}" | tr '\n' ' ') MADE=$(container_items "$CONTAINERS" | grep -vxF "${_items:-/}" | tr '\n' ' ')
  LEFT=${LEFT% } MADE=${MADE% }
}

# refused FLAG TAKES OPTIONS…: the runtime started with bad OPTIONS (`rd run -i busybox OPTIONS -- /bin/true`)
# refused them with its own error naming FLAG (e.g. --pids-limit) on stderr, no stack trace, and nothing created:
# no new cgroup in rubber-workshop. True if it did; else fails the current check (TAKES: what FLAG takes, for the
# message). Sets REFUSED to the OPTIONS tried.
refused() {
  _flag=$1 _takes=$2
  shift 2
  REFUSED=$(_quote "$@")
  rd_leaves run -i busybox "$@" -- /bin/true
  _both=$(printf '%s\n%s\n' "$OUT" "$ERR")
  _said=$(printf '%s\n' "$_both" | grep -m1 '^rd: ' || echo '(no rd: line)')
  if [ "$RC" = 0 ]; then
    fail "rd ran the container with $REFUSED: refuse it with rd's own error, before creating anything ($_flag takes $_takes)" \
      "rd: $_flag … (exit status 1)" 'exit status 0'
  elif has_line '^ +at ' "$_both"; then
    fail "rd refused $REFUSED with a stack trace: throw an Error whose message says what $_flag takes ($_takes); main() prints it as 'rd: …'" \
      "rd: $_flag …" 'a stack trace'
  elif ! has_line "^rd: .*$_flag" "$_both" && [ -n "$LEFT" ]; then
    fail "rd took $REFUSED and began the container: what failed was a later step on it (rd's error, below, does not name $_flag; the kernel refuses such a limit with EINVAL). Check the flag yourself before creating anything, and say what it takes ($_takes)" \
      "rd: $_flag …" "$_said; left: $LEFT"
  elif ! has_line "^rd: .*$_flag" "$_both"; then
    fail "rd failed with $REFUSED but its error does not name $_flag: say which flag is wrong and what it takes ($_takes)" \
      "rd: $_flag …" "$_said"
  elif ! has_line "^rd: " "$ERR"; then
    errors_on_stdout
  elif [ -n "$LEFT" ]; then
    fail "rd refused $REFUSED, but left a cgroup behind: check the flag before creating anything" '(none)' "$LEFT"
  elif [ -n "$MADE" ]; then
    fail "rd refused $REFUSED, but left this in its container folder, $CONTAINERS: check the flag before creating anything (every mistyped flag would leave one more)" \
      '(none)' "$MADE"
  else
    return 0
  fi
  return 1
}

# errors_on_stdout: a fail for an rd whose error ("rd: …") came out on its stdout, the command's alone.
errors_on_stdout() {
  fail "rd printed its error on stdout: stdout is the command's alone (rd run -- cat f > copy must copy f, nothing more), so rd's own lines, its errors too, go to stderr (console.error)" \
    'rd: … on stderr' "$(printf '%s\n' "$OUT" | grep -m1 '^rd: ') on stdout"
}

# rd_timed_out: true if the last rd call was stopped at its time limit.
rd_timed_out() { [ "$RC" = 124 ]; }

# mounts_under DIR: the VM's mount points below DIR, one per line, sorted (the sandbox's mount table).
mounts_under() { awk -v dir="${1%/}/" 'index($2, dir) == 1 { print $2 }' "/proc/$SANDBOX/mounts" | sort; }

# vm SHELL-COMMAND: runs a command as root in the VM as the runtime sees it (the sandbox), with the sandbox's
# own programs: for setting things up. Learner code may have changed those programs, so nothing a pass rests
# on comes from here: observe from outside (probe, the p_* and s_* functions below).
# A step that fails (a folder that would not go: a mount rd left on it) leaves what the next checks rely on set up
# as rd had it: from then on no check of this VM passes, as after a sandbox changed.
vm() {
  in_sandbox /bin/sh -c "$1" && return
  _rc=$?
  [ -e "$_tampered" ] || echo "the checker's own step in the sandbox failed (exit status $_rc): $1. Something rd left there (a mount over a folder, a file it holds) keeps the checker from setting up its next test, so it cannot trust this run any more. rd's mounts go in a container's own mount namespace (level 02) and end with it" > "$_tampered"
  return $_rc
}

# as_root_login: the rd calls after it run the way a root login has it, with root's supplementary groups
# (the VM's init has none), so that a container which keeps them shows it: node started by su, as root's shell.
# (A command line, not a script in the sandbox's /run, which rd could rewrite to drop the groups itself.)
as_root_login() { _node='su -p -s /usr/local/bin/node root --'; }

# ---- Observing from outside the sandbox, in the harness's own /proc: what the kernel says. ----

# probe SCRIPT [RD-OPTIONS...]: starts `rd run RD-OPTIONS -- /bin/sh -c SCRIPT` in the background (PROBE_SHELL
# names another shell, words apart, e.g. `env sh` for a lookup through PATH of a program that is not in /bin;
# RD_STDIN another stdin than /dev/null), the script
# ending in `exec sleep <marker>` (a random number no other process has), and waits until the container's
# process has become that sleep. PROBE is then its PID in the harness's /proc, or empty if it never got there
# (PROBES says how many processes carried the marker). The container holds still while a checker looks;
# probe_end kills it and collects rd like rd_wait. PROBE_ON_TERM=yes: the command holds as a shell instead
# (`sh -c INNER rw-hold-<marker>`), blocked reading a fifo of its own (no background job: before level 02 there is
# no /dev/null for one), and a SIGTERM makes it `sleep $TERM_MARKER`: execve keeps its PID, and only the shell
# itself can do that, so the harness sees that the command got the signal. PROBE is found once its trap is set.
probe() {
  _script=$1
  shift
  _marker=$(_sleep_marker)
  # (PROBE_SPLIT=yes writes it `rd run RD-OPTIONS SHELL -- [ITS ARGS] -c SCRIPT`, the other form rd run accepts.)
  _shell=${PROBE_SHELL:-/bin/sh}
  # shellcheck disable=SC2086 # (the shell's words)
  if [ "$PROBE_SPLIT" = yes ]; then set -- "$@" ${_shell%% *} -- ${_shell#"${_shell%% *}"}; else set -- "$@" -- $_shell; fi
  # _held: the command line of the process the command becomes, as /proc shows it; _exec: the same, as sh reads it.
  _held="sleep $_marker" _exec="sleep $_marker"
  if [ -n "${PROBE_ON_TERM:-}" ]; then
    TERM_MARKER=$(_sleep_marker)
    # ($$ is the inner shell's: the fifo's name is part of the command line the harness looks for.)
    # (The sleep keeps SIGTERM ignored, as execve leaves an ignored signal: a second one rd passes on changes nothing.)
    _inner='trap "trap \"\" TERM; exec sleep '"$TERM_MARKER"'" TERM; mkfifo /tmp/.rw-hold-$$ && exec 3<> /tmp/.rw-hold-$$ && rm -f /tmp/.rw-hold-$$; read -r _ <&3'
    _held="sh -c $_inner rw-hold-$_marker" _exec="sh -c '$_inner' rw-hold-$_marker"
  fi
  rd_start run "$@" -c "$_script
echo '$_PROBE_READY'
exec $_exec"
  PROBE= PROBES=0
  if [ "${PROBE_PAUSED:-}" = yes ]; then _pause_start; return 0; fi
  _held_wait "$_held" "$_rd_bg" "$_out_file"
  PROBES=$(echo $_found | wc -w)
  [ "$PROBES" = 1 ] && PROBE=$_found
  # (The inner shell's trap is set once its fifo is open, up to 2 s later.)
  _i=0
  while [ -n "$PROBE" ] && [ -n "${PROBE_ON_TERM:-}" ] && [ $((_i += 1)) -le 80 ]; do
    case $(readlink "/proc/$PROBE/fd/3" 2> /dev/null) in */.rw-hold-*) break ;; esac
    _pause 0.025
  done
  OUT=$(tail -n 40 "$_out_file") # what rd has printed so far
  [ -n "$PROBE" ]
}

# _held_wait HELD RD-BG OUT-FILE: waits until a process runs as HELD (its command line), or its rd has ended;
# _found is then their PIDs. Scanning /proc takes CPU the container's start needs (one vCPU): it scans when the
# command says in OUT-FILE that it is about to hold (a hint only: the scan decides), when rd has ended, and
# every 2 s whatever it says. The wait is counted in 0.025 s steps, not read from the clock.
_held_wait() {
  _steps=$(( RD_TIMEOUT * 40 )) _n=0 _found=
  while [ $((_steps -= 1)) -ge 0 ]; do
    if _said_ready "$3" || ! kill -0 "$2" 2> /dev/null || [ $((_n += 1)) -ge 80 ]; then
      _n=0
      _found=$(_processes_running "$1 ")
      if [ -n "$_found" ] || ! kill -0 "$2" 2> /dev/null; then break; fi
    fi
    _pause 0.025
  done
}

# _pause_start: once the background rd call has started its init stage (rd's program, node, below rd on a command
# line of its own: Node cannot fork, so rd starts itself again), stops every process below rd (SIGSTOP), as a busy
# machine might hold them there: rd is then past what it does before that, and the container not made yet. Not
# rd itself: nsenter, its parent, would stop itself too (it passes a stop on) and stay stopped. _paused is then
# their PIDs; empty if rd ended first, or its command ran before the checker saw an init stage (one that keeps
# rd's command line, told its part another way): the starts then only follow each other, which judges less.
_pause_start() {
  _paused=
  _await_init || return 0
  # (Twice: a process can start another between the scan and its stop; a stopped one starts none.)
  for _i in 1 2; do
    # shellcheck disable=SC2086 # (PIDs)
    kill -STOP $_tree 2> /dev/null
    _paused="$_paused $_tree"
    [ "$_i" = 2 ] || _tree=$(_below "$_rd_own" | sed 1d)
  done
}

# _await_init: waits until the background rd call (rd_start) has started its init stage, and is then true: _rd_own
# is rd's own process (the call's first in the sandbox, below the harness's nsenter), _tree every process below it.
# False once rd has ended, or its command has said it is ready, without one seen. (Looked for every 0.025 s: an
# init stage is a Node start, 0.1 s at the least.)
_await_init() {
  _rd_own= _steps=$(( RD_TIMEOUT * 40 )) _harness=$(readlink /proc/self/ns/pid)
  while [ $((_steps -= 1)) -ge 0 ] && kill -0 "$_rd_bg" 2> /dev/null && ! _said_ready "$_out_file"; do
    [ -n "$_rd_own" ] || for _p in $(_below "$_rd_bg"); do
      [ "$(readlink "/proc/$_p/ns/pid")" != "$_harness" ] && _rd_own=$_p && break
    done
    _tree=$([ -n "$_rd_own" ] && _below "$_rd_own" | sed 1d)
    # shellcheck disable=SC2086 # (PIDs)
    [ -n "$_tree" ] && _init_started "$_rd_own" $_tree && return 0
    _pause 0.025
  done
  return 1
}

# _init_started RD PID…: one of the PIDs runs rd's program on a command line of its own (as node rd.js init …
# or /proc/self/exe …): not a fork of rd's before its exec, which has rd's command line still (spawning tar, say).
_init_started() {
  _rd_line=$(tr '\0' ' ' < "/proc/$1/cmdline" 2> /dev/null) _rd_exe=/proc/$1/exe
  shift
  for _p; do
    [ "/proc/$_p/exe" -ef "$_rd_exe" ] && [ "$(tr '\0' ' ' < "/proc/$_p/cmdline" 2> /dev/null)" != "$_rd_line" ] && return 0
  done
  return 1
}

# _below PID: PID and every process below it, as the kernel lists each task's children.
_below() {
  _todo=$1
  while [ -n "$_todo" ]; do
    # shellcheck disable=SC2086 # (PIDs)
    set -- $_todo
    _todo=
    for _p; do
      echo "$_p"
      _todo="$_todo $(cat "/proc/$_p"/task/*/children 2> /dev/null)"
    done
  done
}

# _sleep_marker: a number of seconds to sleep that no other process has on its command line (an hour and more).
_sleep_marker() { echo "$(( 3600 + $(od -An -N2 -tu2 /dev/urandom) )).$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"; }

_PROBE_READY='(the command holds still now, for the checker to look at it)'
# _said_ready OUT-FILE: the probe's line is in rd's output so far (read with the shell alone: no process started).
_said_ready() {
  while IFS= read -r _line; do [ "$_line" = "$_PROBE_READY" ] && return 0; done < "$1"
  return 1
}

# _processes_running "ARGV ": the PIDs whose command line (arguments and a space each) is ARGV.
_processes_running() {
  for _p in $(grep -lx -- "${1%% *}" /proc/[0-9]*/comm 2> /dev/null); do
    _p=${_p%/comm}
    [ "$(tr '\0' ' ' < "$_p/cmdline" 2> /dev/null)" = "$1" ] && echo "${_p#/proc/}"
  done
}

# probe_aside: sets the running probe aside, its PID in PROBE_ASIDE, so that a second probe can start while
# the first holds still: two containers at once. probe_end then ends both; RC, OUT and CMD are the second's.
# (Start the first with PROBE_HOLDS=2 set: its rd then has time for both starts before its time is up.)
probe_aside() {
  PROBE_ASIDE=$PROBE _aside_bg=$_rd_bg _aside_cmd=$CMD _aside_trace=$TRACE _aside_held=$_held _aside_paused=$_paused
  _paused= _aside_timer=
  # (A held start goes on after 5 s whatever the second does: a runtime whose starts wait for each other, a lock
  # held until the first is wired, would otherwise wait for ever. The second has taken its address by then.)
  # shellcheck disable=SC2086 # (PIDs)
  [ -z "$_aside_paused" ] || { (_pause 5; kill -CONT $_aside_paused 2> /dev/null) & _aside_timer=$!; }
  mv "$_out_file" "$_out_file.aside" # (its rd goes on writing there)
}

# aside_wait: for a first probe started with PROBE_PAUSED=yes (probe returns once rd has started its init stage,
# having stopped every process below rd: see _pause_start) and set aside at once, so that a second starts while
# the first's start is under way: starts that overlap. Once the second probe holds (or 5 s after it was set
# aside, whichever is first), lets the first go on; then waits for it to hold too: PROBE_ASIDE is then its PID
# (empty if it never got there). probe_end lets a held start go on too.
aside_wait() {
  _aside_go
  _held_wait "$_aside_held" "$_aside_bg" "$_out_file.aside"
  [ "$(echo $_found | wc -w)" = 1 ] && PROBE_ASIDE=$_found
  [ -n "$PROBE_ASIDE" ]
}

# shellcheck disable=SC2086 # (PIDs)
_aside_go() {
  [ -z "$_aside_timer" ] || { kill "$_aside_timer" 2> /dev/null; wait "$_aside_timer"; }
  [ -z "$_aside_paused$_paused" ] || kill -CONT $_aside_paused $_paused 2> /dev/null
  _aside_paused= _paused= _aside_timer=
}

# aside_end: ends the probe set aside (SIGKILL, from outside) and collects its rd, while the current probe
# holds still: a container ending while another runs. probe_aside may then set the current one aside in turn.
aside_end() {
  kill -KILL "$PROBE_ASIDE" 2> /dev/null
  wait "$_aside_bg"
  _aside_bg= PROBE_ASIDE=
}

# aside_run: after probe_end, CMD, OUT and the trace of the probe that was set aside, for a check about it.
aside_run() { CMD=$_aside_cmd OUT=$(tail -n 40 "$_out_file.aside") ERR= TRACE=$_aside_trace; }

# probe_end: kills the probe's process from outside (SIGKILL, as docker kill does) and collects rd (and
# the one set aside: the end of an rd call empties the sandbox).
probe_end() {
  for _p in $PROBE $PROBE_ASIDE; do kill -KILL "$_p" 2> /dev/null; done
  _aside_go
  rd_wait
  if [ -n "$_aside_bg" ]; then
    wait "$_aside_bg"
    _sandbox_reset
  fi
  _aside_bg= PROBE_ASIDE=
  return "$RC"
}

# probe_end_by_term: ends a probe started with PROBE_ON_TERM=yes as `kill <rd's PID>` (or docker stop) does: a
# SIGTERM to rd's own process alone, meant for the container. Then watches the probe's shell, the command, for 3 s:
# TERM_GOT=yes once it has become `sleep $TERM_MARKER` (it got the signal: no other process can make it exec),
# TERM_ENDED=yes if it ended otherwise. Once the command got it, a second SIGTERM to rd (TERM_SECOND=yes if rd
# was still there for it 0.15 s later): a guard that held once only (process.once) ends rd now. TERM_RD_ALIVE=yes
# if rd still ran 0.3 s after that (an rd that passes it on and quits shows), when the command ended, or after 3 s.
# TERM_SENT=yes if rd and the shell were there to send it to. Then ends what is left and collects rd, as probe_end.
probe_end_by_term() {
  TERM_SENT= TERM_GOT= TERM_ENDED= TERM_RD_ALIVE= TERM_SECOND=
  _to=$(rd_process) _shell=$PROBE
  # (An rd that became the command has no process of its own to send the signal to: TERM_SELF=yes.)
  TERM_SELF=$([ -n "$_to" ] && [ "$_to" = "$_shell" ] && echo yes)
  [ -z "$TERM_SELF" ] || _to=""
  # (Its start time, which execve keeps: a new process given the same PID would have another.)
  _born=$(_started "$_shell")
  if [ -n "$PROBE" ] && [ -n "$_to" ] && [ -n "$_born" ] && kill -TERM "$_to" 2> /dev/null; then
    TERM_SENT=yes _i=0
    while [ $((_i += 1)) -le 120 ]; do
      # (Ended: by _ended. Not an empty command line: one is read so while the shell's execve replaces it.)
      if [ "$(tr '\0' ' ' < "/proc/$_shell/cmdline" 2> /dev/null)" = "sleep $TERM_MARKER " ] && [ "$(_started "$_shell")" = "$_born" ]; then TERM_GOT=yes
      elif _ended "$_shell" "$_born"; then TERM_ENDED=yes; fi
      [ -n "$TERM_GOT$TERM_ENDED" ] && break
      _pause 0.025
    done
    if [ -n "$TERM_GOT" ]; then
      # (Not at once: an rd that passes the first on and then quits by itself has ended by then.)
      _pause 0.15
      kill -0 "$_to" 2> /dev/null && kill -TERM "$_to" 2> /dev/null && TERM_SECOND=yes && _pause 0.3
    fi
    kill -0 "$_to" 2> /dev/null && TERM_RD_ALIVE=yes
  fi
  # (The shell, become the other sleep, is the container's command now: killed as probe_end kills the probe.)
  [ -n "$TERM_GOT" ] && kill -KILL "$_shell" 2> /dev/null
  if [ -n "$TERM_RD_ALIVE" ] && [ -z "$TERM_GOT$TERM_ENDED" ]; then rd_kill; else probe_end; fi
}

# _ended PID BORN: PID's process, started at BORN (_started), has ended: gone, a zombie its parent has not reaped
# yet, or its PID another process's now.
_ended() {
  _state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null)
  [ -z "$_state" ] || [ "${_state%% *}" = Z ] || [ "$(echo "$_state" | cut -d ' ' -f 20)" != "$2" ]
}

# _started PID: when PID's process started (clock ticks after boot, /proc/PID/stat's field 22).
_started() { sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d ' ' -f 20; }

# rd_report: the line in which the last rd call reported how the command ended ("<pid> exited with status N",
# "<pid> killed by signal S"), if it printed one.
rd_report() { printf '%s\n%s\n' "$OUT" "$ERR" | grep -E '^[0-9]+ (exited with|killed by) '; }

# term_verdict HOW: after probe_end_by_term, passes if the command got the SIGTERM and rd lived on (to report the
# end the command chooses and clean up), else fails saying what happened instead; HOW says how to pass it on.
term_verdict() {
  if [ -n "$TERM_SELF" ]; then
    fail "rd's own process is the command: rd replaced itself with it (execve) instead of starting it as a child, so nothing is left to pass on a SIGTERM meant for the container, nor to report its end. Spawn the init stage, and let it become the command" \
      "rd's process, the command's parent" 'rd is the command'
  elif [ -z "$TERM_SENT" ]; then
    fail "rd's own process, or the command's, had gone before the harness could send rd a SIGTERM: rd waits for the init stage, which becomes the command"
  elif [ -n "$TERM_GOT" ] && [ -n "$TERM_RD_ALIVE" ]; then
    pass
  elif [ -n "$TERM_GOT" ] && [ -n "$TERM_SECOND" ] && [ "$RC" = 143 ]; then
    fail "rd passed the SIGTERM on, then died of a second one (status 143, 128 + SIGTERM's 15) while the command ran on, unreported, nothing of it cleaned up: the harness sends two, as a user who types kill twice, and a guard that holds once (process.once) is gone after the first. Pass every one on: process.on" \
      'rd running until the command ends' 'rd killed by the second SIGTERM'
  elif [ -n "$TERM_GOT" ]; then
    fail "rd passed the SIGTERM on, but ended (status $RC) instead of waiting for the command: it ran on, unreported, and nothing of it was cleaned up. Pass it on and nothing more: the end the command chooses is reported as ever" \
      'rd running until the command ends' "rd ended (status $RC)"
  elif _report=$(rd_report); then
    fail "the command ended without getting the SIGTERM that rd got (rd reported: $_report): pass on the SIGTERM itself, and let the command decide how to end: $1" \
      'the command gets SIGTERM' "$_report"
  elif [ -n "$TERM_RD_ALIVE" ]; then
    fail "rd outlived a SIGTERM (kill's default, docker stop's), but the command never got it: its trap would have made it another sleep, and for 3 s it did not. The signal was meant for the container: $1" \
      'the command gets SIGTERM' 'rd and the command running on, the command without it'
  elif [ "$RC" = 143 ]; then
    fail "rd died of the SIGTERM meant for the container (status 143, 128 + SIGTERM's 15), and the command, which never got it, ran on, orphaned, unreported, nothing of it cleaned up: $1" \
      'the command gets SIGTERM' 'rd ended (status 143), the command running on'
  else
    fail "rd ended (status $RC) on a SIGTERM that the command never got: it ran on, orphaned, unreported. Wait for the command's end, and $1" \
      'the command gets SIGTERM' "rd ended (status $RC), the command running on"
  fi
}

# probe_missing: a fail that says why there was no container process to look at.
probe_missing() {
  if [ "$PROBES" -gt 1 ]; then
    fail "$PROBES processes were running the container's command at once: rd must start it once, as one process" \
      'one process' "$PROBES processes"
  elif rd_timed_out || [ "$RC" != 137 ]; then
    ran_ok 137
  else
    fail "the container's command never ran (no process became 'sleep' as the command asks): see rd's output"
  fi
}

# rd_processes: the probe's ancestors up to rd's own process (PIDs in the harness's /proc), the nearest first;
# rd_process: the last of them, rd's own: the call's first process in the sandbox (timeout execs rd there), found
# by its place among the probe's ancestors, not by its program (rd may run Node under another name). Empty if the
# probe is gone, or if rd is: its orphans are the sandbox holder's (PID 1 of the sandbox), which is never rd; and
# empty past 30 processes up (a runtime needs a few). A check of rd's own process fails when it is empty (rd_lost):
# a command hidden from rd is no reason to judge nothing.
rd_processes() {
  _p=$PROBE _n=0 _harness=$(readlink /proc/self/ns/pid) _chain=
  while [ $((_n += 1)) -le 30 ]; do
    _up=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$_p/status" 2> /dev/null)
    [ -n "$_up" ] && [ "$_up" != 0 ] && [ "$_up" != "$SANDBOX" ] || return 0
    # (rd's parent, nsenter, is in the harness's PID namespace.)
    if [ "$(readlink "/proc/$_up/ns/pid")" = "$_harness" ]; then echo ${_chain:-$_p}; return 0; fi
    _chain="$_chain $_up" _p=$_up
  done
}
rd_process() { _r=$(rd_processes) && echo "${_r##* }"; }
# rd_strayed KIND: STRAYED names the process of rd's whose namespace of KIND (mnt, uts, net, pid_for_children) is not
# the sandbox's, rd's own first ("rd's own process (PID N in the VM)"), STRAYED_NS is that namespace; both empty if
# none. Every process between rd's own and the command that runs rd's program (Node: the same file as rd's, or
# the same bytes) is judged: any of them may be the one that spawns the init stage and does rd's work (behind a
# first process that only waits). A helper such as unshare(1), nsenter(1) or a shell only makes or enters
# namespaces and starts what comes next (level 11's is one): left out, as is a process gone meanwhile.
rd_strayed() {
  STRAYED= STRAYED_NS= _top=$(rd_process) _want=$(s_ns "$1")
  _rd_exe=/proc/$_top/exe _rd_size=$(stat -L -c %s "/proc/$_top/exe" 2> /dev/null)
  # (Nearest the command first: the last found is the one nearest rd's own.)
  for _p in $(rd_processes); do
    same_file "/proc/$_p/exe" "$_rd_exe" || { [ "$(stat -L -c %s "/proc/$_p/exe" 2> /dev/null)" = "$_rd_size" ] &&
      cmp -s "/proc/$_p/exe" "$_rd_exe"; } || continue
    _ns=$(readlink "/proc/$_p/ns/$1") || continue
    [ "$_ns" = "$_want" ] && continue
    STRAYED_NS=$_ns STRAYED="a process of rd's between its own and the command (PID $_p in the VM: $(tr '\0' ' ' < "/proc/$_p/cmdline" 2> /dev/null | cut -c 1-60))"
    if [ "$_p" = "$_top" ]; then STRAYED="rd's own process (PID $_p in the VM)"; fi
  done
}

# process_group PID: the process group of PID, as the harness numbers it (the fifth field of its stat, which
# follows the program's name in parentheses).
process_group() { [ -n "$1" ] && sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d ' ' -f 3; }

# rd_lost: a fail for a probe whose command is not below rd's own process (rd_process is empty): orphaned, or
# started through more processes than a runtime needs, so the checks of rd's own process have none to look at.
rd_lost() {
  fail "the container's command is not below rd's own process: it was orphaned (a process between them ended), or more than 30 processes lie between them. rd spawns the init stage itself and waits for it, and the init stage becomes the command (execve): the harness judges rd's own process through that line" \
    "rd's process among the command's ancestors" 'not among them'
}

# mount_id PATH: the mount PATH is on, by its id in mountinfo (mnt_id of an open of PATH).
mount_id() { (exec 8< "$1" && sed -n 's/^mnt_id:[[:space:]]*//p' /proc/self/fdinfo/8) 2> /dev/null; }
# p_ns NAME / s_ns NAME: the probe's / the sandbox's namespace of a kind (mnt, pid, net, uts, cgroup, user).
p_ns() { readlink "/proc/$PROBE/ns/$1"; }
s_ns() { readlink "/proc/$SANDBOX/ns/$1"; }
# p_status FIELD: a field of the probe's /proc/PID/status (Uid, Gid, Groups, NSpid…), blanks collapsed.
p_status() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$PROBE/status" | tr -s ' \t' ' ' | sed 's/ $//'; }
# p_ids: sets uids, gids and groups, the probe's ids (/proc/PID/status) as the sandbox numbers them.
p_ids() { uids=$(inside_ids "$(p_status Uid)") gids=$(inside_ids "$(p_status Gid)") groups=$(inside_ids "$(p_status Groups)"); }
# inside_ids IDS: ids as the kernel keeps them, as the sandbox sees them (its 0 is SANDBOX_ID outside).
inside_ids() { for _id in $1; do printf '%s ' $((_id - SANDBOX_ID)); done | sed 's/ $//'; }
# p_cgroup: the probe's cgroup as the sandbox names it (its root is $SANDBOX_CGROUP); p_cgroup_dir: its folder.
p_cgroup() { sed -n "s#^0::${SANDBOX_CGROUP#/sys/fs/cgroup}##p" "/proc/$PROBE/cgroup"; }
p_cgroup_dir() { echo "$SANDBOX_CGROUP$(p_cgroup)"; }
# p_cgroup_strangers: the processes in the probe's cgroup, or in any cgroup below it, that are not the container's
# (in another PID namespace than the probe's: rd's own, or its helper's), "PID(NAME)" a space apart.
p_cgroup_strangers() {
  _ns=$(p_ns pid)
  # (Every cgroup below the container's too: its limits count the whole subtree.)
  for _p in $(find "$(p_cgroup_dir)" -name cgroup.procs -exec cat {} + 2> /dev/null); do
    [ "$(readlink "/proc/$_p/ns/pid")" = "$_ns" ] || printf '%s(%s)\n' "$_p" "$(cat "/proc/$_p/comm" 2> /dev/null)"
  done | paste -s -d ' '
}
# p_output_not_rds: those of the probe's fds 1 and 2 that are not rd's own output (the file its rd writes to),
# " FD:WHAT" each, WHAT as /proc shows it: a pipe rd reads and copies, say.
p_output_not_rds() {
  for _fd in 1 2; do
    same_file "/proc/$PROBE/fd/$_fd" "$_out_file" || printf ' %s:%s' "$_fd" "$(readlink "/proc/$PROBE/fd/$_fd" 2> /dev/null || echo closed)"
  done
}
# p_cwd: the probe's working directory as a learner names it: RD_CWD of the VM when it is still the folder rd
# was started in (the harness's own path to it would not say so).
p_cwd() {
  if same_file "/proc/$PROBE/cwd" "/proc/$SANDBOX/root$RD_CWD"; then echo "$RD_CWD of the VM, where rd was started"
  else readlink "/proc/$PROBE/cwd"; fi
}
# p_mounts: the probe's mount table, "MOUNT-POINT FSTYPE SOURCE OPTIONS" a line, points relative to its root
# (mounts its root cannot reach are not listed).
p_mounts() { sed 's/ - / /' "/proc/$PROBE/mountinfo" | awk '{ print $5, $(NF - 2), $(NF - 1), $NF }'; }
# in_root ROOT PATH: PATH inside ROOT (a /proc/PID/root), as the harness reaches it; refuses (prints nothing,
# false) a path whose folders pass through a symbolic link: an absolute link resolves in the root of whoever
# follows it, here the harness's own files. (The last part may be a link: read it with readlink, or test -L.)
in_root() {
  _path=$1 _folders=$(dirname "$2") _ifs=$IFS
  IFS=/ # (a part may hold a space)
  for _part in ${_folders#/}; do
    _path=$_path/$_part
    [ -L "$_path" ] && IFS=$_ifs && return 1
  done
  IFS=$_ifs
  echo "$_path/$(basename "$2")"
}
# p_file PATH: PATH inside the probe's root.
p_file() { in_root "/proc/$PROBE/root" "$1"; }
# s_file PATH: PATH inside the sandbox's root (the VM as rd sees it), for a file or folder the checker reads or
# writes there; its last part may not be a link either. Refused, it prints a path that is nowhere (its folder
# does not exist: no read, write or test finds anything there) and is false.
s_file() {
  _s=$(in_root "/proc/$SANDBOX/root" "$1") && [ ! -L "$_s" ] && echo "$_s" && return
  echo /run/check/refused-link/here
  return 1
}
# s_put PATH: stdin made the file PATH of the sandbox (an image's tar the checker gives rd), in place of whatever
# is there. Written under a fresh name beside it (mktemp's O_EXCL: no link can stand in for it), then renamed over
# PATH: a rename replaces a link rd may have left there, where an open or tar -f would follow it out into the
# harness's own files (-T: a folder there refuses it, rather than taking it in). False, leaving nothing, if that
# or a link on the way to PATH's folder stops it.
s_put() {
  _put_dir=$(s_file "$(dirname "$1")") || return 1
  _put_tmp=$(mktemp -p "$_put_dir" .rw-put.XXXXXX) || return 1
  cat > "$_put_tmp" && chmod 644 "$_put_tmp" && mv -fT "$_put_tmp" "$_put_dir/${1##*/}" || { rm -f "$_put_tmp"; return 1; }
}
# s_linked PATH…: those of the sandbox's PATHs that s_file refuses, for a check to fail on (a path that is nowhere
# to the harness is no proof of anything); links_refused: that fail.
s_linked() { for _p in "$@"; do s_file "$_p" > /dev/null || echo "$_p"; done; }
links_refused() {
  _at=$(echo $1 | sed 's/ /, /g')
  fail "in the VM, a symbolic link is at or on the way to $_at: rd must keep the VM's folders and files as they are. (The checker reaches the VM's files from outside it, where such a link leads into other files than rd's.)" \
    'folders and files' "a link at or above $_at"
}
# The default image as the VM was built with it: the sandbox's root is an overlay on it, out of rd's reach.
BUSYBOX_TAR=/run/sandbox/image$IMAGES/busybox.tar
# tar_cut_halfway: the first half of BUSYBOX_TAR, on stdout: an image's tar cut off in its middle, which tar fails on.
tar_cut_halfway() { head -c $(( $(stat -c %s "$BUSYBOX_TAR") / 2 )) "$BUSYBOX_TAR"; }
# p_hostname: the hostname of the probe's UTS namespace (the harness's own hostname program).
p_hostname() { nsenter -t "$PROBE" -u hostname; }
# same_file A B: true if A and B are one file (device and inode), e.g. /proc/$PROBE/root and …/cwd.
same_file() { [ "$(stat -L -c '%d:%i' "$1" 2>&1)" = "$(stat -L -c '%d:%i' "$2" 2>&1)" ]; }

# ---- rd's trace: what the runtime says it did. The toolkit (linux.ts) appends a line per call to the file
# RD_TRACE names, e.g. "init 418 mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0". The learner's code
# can write there too: it only explains a failure beside the evidence, never decides a check. ----

# TRACE_CALLS (set by a checker for its level): an extended regex of the calls that matter to it, e.g.
# 'unshare|mount'; their lines are marked "*" in what a failure shows.
TRACE_CALLS=

# trace_point REGEX: marks "!" the trace lines the current check's failure points at (e.g. the call after
# which one is missing). Set before `fail`; `check` clears it.
trace_point() { _trace_point=$1; }

# trace_has REGEX: true if a line of the last rd call's trace matches, to say in a message which call is
# missing or misplaced. Never a reason to pass or fail.
trace_has() { _trace_read | grep -Eq -- "$1"; }

# _trace_read: the trace of the last rd call, bounded: read by the harness only while no process of the
# sandbox runs (the rd call's end killed them all), and only if neither the file nor the sandbox's /tmp is
# a symbolic link, which would lead into the harness's own files.
_trace_read() {
  [ -n "$TRACE" ] && _sandbox_empty &&
    [ ! -L "/proc/$SANDBOX/root/tmp" ] && [ ! -L "$TRACE" ] && [ -f "$TRACE" ] || return 0
  tail -c 32768 "$TRACE" | tail -n 60 | cut -c 1-200
}

# _trace_shown: what a failure, or a level's first pass, carries: the last 60 lines of the trace of the
# check's rd call (nothing if the check ran none, or rd made no call through linux.ts), each after a mark:
# "!" pointed at, "*" matters to the level, " " any other. When no line matches the pointer, rd's last
# failed call (`= -1 E…`) is pointed at, unless the check passed (`_trace_shown pass`): then nothing is.
_trace_shown() {
  case $CMD in rd\ *) ;; *) return 0 ;; esac
  # Through the environment: awk -v would take the backslashes of a regex as escapes.
  _trace_read | TRACE_CALLS=$TRACE_CALLS TRACE_POINT=$_trace_point PASSED=${1-} awk 'BEGIN { calls = ENVIRON["TRACE_CALLS"]; passed = ENVIRON["PASSED"] != ""; point = passed ? "" : ENVIRON["TRACE_POINT"] }
    { line[NR] = $0; name[NR] = $3; if (point != "" && $0 ~ point) pointed[NR] = found = 1; if ($0 ~ / = -1 [A-Z]/) failed = NR }
    END {
      if (!found && failed && !passed) pointed[failed] = 1
      for (i = 1; i <= NR; i++) {
        m = " "; if (i in pointed) m = "!"; else if (calls != "" && name[i] ~ ("^(" calls ")\\(")) m = "*"
        print m line[i]
      }
    }'
}

# The pointers of levels 03–14 (CHECKERS_DIR: where the checkers are, for a test outside the VM).
. "${CHECKERS_DIR:-/run/payload/checkers}/pointers.sh"
