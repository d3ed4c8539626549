# Level 00: rd runs the command as its child, passes its output and exit status through, and reports how
# it ended ("<pid> exited with status N" / "<pid> killed by signal NAME").
TRACE_CALLS='execve|which|clearCloexec'

# part: one run shows stdout, stderr, arguments and the exit status; stdout and stderr are captured apart. The
# command's arguments hold a `--` of its own: only the first, rd's, is dropped. Then an option rd does not know.
check stdout
rd_split run -- /bin/sh -c 'echo "out:$*"; echo "err:$2" >&2; exit 3' sh -- 'two  words'
has_line '^out:' && ran_command=yes || ran_command=
if rd_timed_out; then
  ran_ok 3
elif has_line '^out:-- two  words$' && [ "$OUT" = 'out:-- two  words' ]; then
  pass
elif has_line '^out:-- two  words$'; then
  fail "rd's stdout carried lines of rd's own beside the command's output: stdout is the command's alone (rd run -- cat f > copy must copy f, nothing more), so print rd's own lines, its report too, to stderr (console.error)" \
    'out:-- two  words' "$OUT"
elif has_line '^out:two  words$'; then
  fail "the command's own \`--\` was dropped (its arguments were -- and 'two  words'): only the first \`--\`, the one that ends rd's options, is rd's; every later one is the command's (rd run -- grep -- -v f)" \
    'out:-- two  words' 'out:two  words'
elif has_line '^out:'; then
  fail "the command's arguments changed on the way: pass the command and its arguments to execve exactly as given" \
    'out:-- two  words' "$(printf '%s\n' "$OUT" | grep '^out:')"
elif [ "$RC" != 3 ]; then
  ran_ok 3
else
  fail "the command's stdout never reached rd's stdout: clear close-on-exec on fds 0-2 (linux.clearCloexec) before execve, and spawn the init stage with stdio: 'inherit'" \
    'out:-- two  words' "$OUT"
fi

check stderr
same_run
if rd_timed_out; then
  ran_ok 3
elif has_line '^err:' "$ERR" && ! has_line '^err:'; then
  pass
elif has_line '^err:'; then
  fail "the command's stderr came out on rd's stdout: the container must write its errors to rd's own stderr (stdio: 'inherit')" \
    'err:two  words on stderr' 'err:two  words on stdout'
elif [ "$RC" != 3 ]; then
  ran_ok 3
else
  fail "the command's stderr was lost: the init stage must inherit rd's stderr (stdio: 'inherit') and keep fd 2 open across execve (linux.clearCloexec)" \
    'err:two  words' "$ERR"
fi

check exit-status
same_run
report=$(rd_report)
if rd_timed_out; then
  ran_ok 3
elif ! has_line '^[0-9]+ exited with status 3$' "$report"; then
  fail "after the command exits with status 3, rd must print one line '<pid> exited with status 3' (linux.describeExit)" \
    '<pid> exited with status 3' "${report:-(no such line)}"
elif ran_ok 3; then
  # And a command that succeeds: its end is reported too (a report only of failures would look like this one). A
  # command of one word, too: no other check of the levels before 08 gives one.
  rd_split run -- /bin/true
  report=$(rd_report)
  if ran_ok 0 && has_line '^[0-9]+ exited with status 0$' "$report"; then
    pass
  elif [ "$RC" = 0 ]; then
    fail "after the command exits with status 0, rd printed no line '<pid> exited with status 0': report how the command ended whatever the end, a success too (linux.describeExit)" \
      '<pid> exited with status 0' "${report:-(no such line)}"
  fi
fi

# A mistyped option: skipped, the container would run without what was asked, without a word (--memroy 64m: no
# limit at all); taken for the command, it would fail only at the lookup. (Misspellings of rd's own options, and
# one no runtime has; not one of Docker's that rd lacks, which a learner may have added: --rm, say.) What the
# kernel shows, not what rd says: a program of the option's name is on rd's PATH, and runs (exit status 0) if the
# option is taken for the command where the VM's PATH is searched (level 00); and rd is watched as it runs, an
# init stage started for the call showing the same wherever the command is then looked up.
check unknown-option-refused
if [ -z "$ran_command" ]; then
  fail "rd does not run a command yet (see stdout), so refusing an option it does not know says nothing: fix stdout first"
else
  case $(random_in 0 7) in
    0) set -- --usr 1000 ;; 1) set -- --memroy 64m ;; 2) set -- --cpu-share 512 ;; 3) set -- --imag busybox ;;
    4) set -- --pid-limit 10 ;; 5) set -- --user-ns auto ;; *) set -- "--rw-$(random_in 1000 9000)" 1 ;;
  esac
  vm "mkdir -p /run/rw-opt && printf '#!/bin/sh\necho \"(a program the checker put on PATH ran: /run/rw-opt/$1)\"\n' > '/run/rw-opt/$1' && chmod +x '/run/rw-opt/$1'"
  vm_path=$PATH
  PATH=/run/rw-opt:$PATH RD_WATCH_INIT=yes
  refused "$1" "nothing: it is no option of rd run's, which has only those its usage lists" "$@" && was_refused=yes || was_refused=
  PATH=$vm_path RD_WATCH_INIT=
  if [ -n "$was_refused" ]; then
    if [ -n "$SPAWNED" ] || trace_has ' (which|execve)\('; then
      trace_point 'which|execve'
      fail "rd took $1, an option it does not know, for the command$([ -n "$SPAWNED" ] && echo ': it started its init stage for it (the harness saw it run)'), and failed only when it looked that up: an option rd does not know is refused as one in the parser (\`rd: unknown option $1\`), before anything is made or started" \
        "rd: unknown option $1" "$(rd_error)"
    else
      pass
    fi
  fi
fi

# part: the command's stdin is rd's: the checker's pipe, as the kernel sees the command's fd 0. The same container
# is then killed from outside, for the signal check.
check stdin
mkfifo /run/check/stdin && exec 7<> /run/check/stdin && echo 'a line for the command' >&7
RD_STDIN=/run/check/stdin streams_not_rds= end_signal=KILL
probe 'read -r line'
RD_STDIN=
if [ -n "$PROBE" ]; then
  same_file "/proc/$PROBE/fd/0" /run/check/stdin && stdin_ok=yes || stdin_ok=
  stdin_is=$(readlink "/proc/$PROBE/fd/0" 2> /dev/null || echo 'closed')
  # Its stdout and stderr: rd's own (the file the probe's rd writes to), not pipes rd copies from.
  streams_not_rds=$(p_output_not_rds)
  vm_pid=$(p_status NSpid | cut -d ' ' -f 2)
  # A ^C at the terminal reaches rd too (the whole foreground group gets SIGINT): rd must outlive it and report
  # how the command ended. The harness sends it to every process of rd's group above the command (rd's own and
  # any it runs through), sparing the command, then kills the command as below. (No wait: a SIGINT rd does not
  # handle ends it when it next runs, before it can see the command end.) A second ^C, once rd has had time to
  # take the first: a guard that held once only (process.once) ends rd now.
  rd_pids=$(rd_processes)
  rd_group=$(process_group "${rd_pids##* }") command_group=$(process_group "$PROBE")
  sigint_rd() { for p in $rd_pids; do [ "$(process_group "$p")" = "$rd_group" ] && kill -INT "$p"; done; }
  sigint_rd; usleep 200000; sigint_rd
  # Then killed from outside, as docker kill --signal TERM does: with SIGTERM where the command is not its PID
  # namespace's first process (before level 06: without a handler, it dies of it), else with SIGKILL (a namespace's
  # PID 1 takes from outside only SIGKILL and the signals it handles). end_signal: the one it died of.
  born=$(_started "$PROBE")
  if [ "$(p_status NSpid | awk '{ print $NF }')" != 1 ] && kill -TERM "$PROBE" 2> /dev/null; then
    i=0
    until _ended "$PROBE" "$born" || [ $((i += 1)) -gt 80 ]; do _pause 0.025; done
    _ended "$PROBE" "$born" && end_signal=TERM
  fi
fi
probe_end
exec 7>&-
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$stdin_ok" ]; then
  pass
else
  fail "the command's stdin is $stdin_is, not rd's (a pipe the checker writes to): start the init stage with stdio: 'inherit' for all three streams, so that \`echo x | rd run -- cat\` works" \
    "stdin: rd's stdin" "stdin: $stdin_is"
fi

check streams-inherited
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$streams_not_rds" ]; then
  pass
else
  fail "the command's stdout and stderr must be rd's own, as the kernel hands them on (stdio: 'inherit'), not pipes rd reads and copies: the command then never sees rd's terminal (no colours, no line editing, no job control), and dies of SIGPIPE when rd goes. Seen by the harness, the command's fds:$streams_not_rds" \
    "fds 1 and 2: rd's stdout and stderr" "$(echo $streams_not_rds)"
fi

check signal
# The stdin check's container, killed from outside as `docker kill` does: with SIGTERM, or from level 06, where
# the command is its namespace's PID 1 and ignores signals it does not handle, with SIGKILL (see stdin). The PID
# rd reports must be the command's, as rd's own PID namespace (the VM's) numbers it. rd had a SIGINT first (above).
same_run
report=$(rd_report) end_status=$((128 + $(kill -l "$end_signal")))
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$rd_group" ]; then
  rd_lost
elif [ "$command_group" != "$rd_group" ]; then
  fail "the command runs in a process group of its own, not rd's: a ^C at the terminal goes to the foreground group, rd's, so the command gets none (only what rd might pass on), and runs on. rd gives the container no terminal of its own: keep the command in rd's group, starting the init stage without detached: true (no setsid or setpgid)" \
    "process group $rd_group, rd's" "process group ${command_group:-(none)}"
elif has_line '^[0-9]+ killed by signal SIGINT$' "$report"; then
  fail "rd reported an end by SIGINT, though the harness sent its ^C only to rd's processes above the command (rd's own, and any between it and the command), to see the command killed as docker kill does: either rd passed the ^C on to the command, or a process between rd and the command died of it and rd reported that one. A terminal's ^C reaches the command itself (it is in rd's group): rd only outlives it, and waits for the init stage, which becomes the command (execve)" \
    "$vm_pid killed by signal SIG$end_signal" "$report"
elif [ "$RC" = 130 ] && [ -z "$report" ]; then
  fail "rd itself died of a SIGINT (what ^C sends to the terminal's whole foreground group, rd and the command alike; the harness sent rd two, 0.2 s apart) while the command ran, so no one reported how the command ended: in the parent, process.on('SIGINT', () => {}) before spawning (on, not once: every ^C), and let the command decide" \
    "rd outlives SIGINT; $vm_pid killed by signal SIG$end_signal" 'rd killed by SIGINT (exit status 130)'
elif ! has_line "^[0-9]+ killed by signal SIG$end_signal\$" "$report"; then
  fail "the command was killed by SIG$end_signal: when Node's 'exit' event gives a signal instead of a code, report '<pid> killed by signal SIG$end_signal' (linux.describeExit)" \
    "$vm_pid killed by signal SIG$end_signal" "${report:-(no such line)}"
elif [ "${report%% *}" != "$vm_pid" ]; then
  fail "rd reported PID ${report%% *}, but the command's PID, as rd's PID namespace numbers it, is $vm_pid: report the PID of the child that became the command (child.pid), not rd's own" \
    "$vm_pid killed by signal SIG$end_signal" "$report"
elif rd_timed_out; then
  fail "rd reported how the command ended, then did not exit itself: once the init stage's 'exit' event has come and been reported, end rd with process.exit(128 + the signal's number), $end_status here, like a shell does" \
    "$end_status" 'rd still running'
elif [ "$RC" != "$end_status" ]; then
  fail "rd exited with status $RC after the command was killed by SIG$end_signal: exit with 128 + the signal's number ($end_status), like a shell does$([ "$end_signal" = TERM ] && [ "$RC" = 0 ] && echo ". Not by sending rd the same signal: rd's own SIGTERM handler takes it, and rd ends with 0")" "$end_status" "$RC"
else
  pass
fi

# part: a command name without a slash, and the `rd run OPTIONS CMD -- ARGS` form of the command line; the same
# container is then stopped as `kill <rd's PID>` (or docker stop) does: a SIGTERM to rd alone.
# (chroot is in /usr/sbin, env in /usr/bin, neither in /bin, in the VM and in the image alike: /bin/NAME is no lookup,
# and a lookup in a fixed /bin:/usr/bin, not PATH's folders, does not find chroot.)
check path-lookup
# The command is chroot, into / (which changes nothing), then env: env sets a variable of the checker's on its way
# to sh, so the command's environment shows that both ran (chroot execs env, env execs sh). And rd
# is started with one of the checker's: the command gets rd's environment (busybox's sh gives itself a PATH
# when it has none, so a PATH says nothing).
# Its PATH, too, is one of the checker's (the VM's own is Docker's default for containers, which a runtime that
# sets that one would pass on unchanged), with a folder of the checker's first. There, in the VM (not in an
# image), a chroot of its own that goes on to the VM's and marks the environment: a command run in the VM's
# root (level 00) must be found there first, not in a list of folders of rd's own that has /usr/sbin, and gets
# that PATH. (From level 01 on the command runs in an image, which may give it a PATH of its own, as Docker does.)
# First, the command's own words: `sleep <a number>` given by name runs as the harness reads its /proc/PID/cmdline,
# its first word the name given (programs read argv[0]: busybox's applets, login shells, ps -C): not the path rd
# found (execve(path, [path, …]), a C habit). (Before the probe below, whose run the sigterm check takes up.)
named=$(_sleep_marker) argv0=
rd_start run -i busybox -- sleep "$named"
i=0
while [ -z "$argv0" ] && [ $((i += 1)) -le $((RD_TIMEOUT * 10)) ] && kill -0 "$_rd_bg" 2> /dev/null; do
  _pause 0.1
  for comm in $(grep -lx sleep /proc/[0-9]*/comm 2> /dev/null); do
    words=$(tr '\0' ' ' < "${comm%/comm}/cmdline" 2> /dev/null)
    case $words in *" $named ") argv0=${words%% *} ;; esac
  done
done
rd_kill
via_env=RW_VIA_ENV=$(random_in 1000 60000) environ=
export RW_GIVEN_TO_RD=$(random_in 1000 60000)
first=/run/rw-path-$(random_in 1000 60000) via_path=RW_VIA_PATH=$(random_in 1000 60000)
vm "mkdir -p $first && printf '#!/bin/sh\nexec env $via_path /usr/sbin/chroot \"\$@\"\n' > $first/chroot && chmod +x $first/chroot"
vm_path=$PATH rd_path=$first:$PATH
# (The command holds as a shell with a trap for SIGTERM: for the sigterm check below.)
PROBE_SHELL="chroot / env $via_env sh" PROBE_SPLIT=yes PROBE_ON_TERM=yes PATH=$rd_path
probe '' -i busybox
PROBE_SHELL= PROBE_SPLIT= PROBE_ON_TERM= PATH=$vm_path
if [ -n "$PROBE" ]; then
  environ=$(tr '\0' '\n' < "/proc/$PROBE/environ")
  same_file "/proc/$PROBE/root" "/proc/$SANDBOX/root/" && ran_in_vm=yes || ran_in_vm=
fi
probe_end_by_term
vm "rm -rf $first"
given=RW_GIVEN_TO_RD=$RW_GIVEN_TO_RD
unset RW_GIVEN_TO_RD
env_ran=$(printf '%s\n' "$environ" | grep -x "$via_env") env_kept=$(printf '%s\n' "$environ" | grep -x "$given")
path_seen=$(printf '%s\n' "$environ" | sed -n 's/^PATH=//p') path_first=$(printf '%s\n' "$environ" | grep -x "$via_path")
if [ -n "$env_ran" ] && [ -n "$ran_in_vm" ] && [ -z "$path_first" ]; then
  fail "rd ran /usr/sbin/chroot, not $first/chroot, which comes first on rd's PATH ($first:…; the checker put it there): execve does not search PATH, so look the name up in every folder PATH lists, in its order (linux.which), not in a list of folders of your own" \
    "$first/chroot, found first" '/usr/sbin/chroot'
elif [ -n "$env_ran" ] && [ -n "$env_kept" ] && { [ "$path_seen" = "$rd_path" ] || [ -z "$ran_in_vm" ]; } && [ -n "$argv0" ] && [ "$argv0" != sleep ]; then
  fail "rd run -i busybox -- sleep $named ran with the words '$argv0 $named' (the harness read its /proc/PID/cmdline): the path rd found took the place of the name given. The command's words go to execve as they were typed, argv[0] too (programs read it: busybox's applets, login shells, ps -C), and only the path to run is looked up: linux.execve(linux.which(command[0]), command, process.env)" \
    "sleep $named" "$argv0 $named"
elif [ -n "$env_ran" ] && [ -n "$env_kept" ] && { [ "$path_seen" = "$rd_path" ] || [ -z "$ran_in_vm" ]; }; then
  pass # the command's process ran through chroot and env, so 'chroot' was found, and it has rd's environment
elif [ -n "$env_ran" ] && [ -n "$env_kept" ]; then
  fail "rd was started with PATH=$rd_path, and the command has PATH=${path_seen:-(none)}: the command gets rd's environment, PATH and all, as a shell's command gets the shell's (a program in a folder only rd's PATH lists is found by rd, and then not by the command's own shell). Pass process.env on unchanged" \
    "PATH=$rd_path" "PATH=${path_seen:-(none)}"
elif [ -n "$env_ran" ]; then
  fail "rd was started with $given in its environment, and the command's (the harness read its /proc/PID/environ) does not have it: the command gets rd's environment, PATH and all, as a shell's command gets the shell's. Pass it on: linux.execve(path, argv, process.env)" \
    "$given in the environment" "$(printf '%s\n' "$environ" | tr '\n' ' ')"
elif [ -n "$PROBE" ]; then
  fail "the command ran without 'chroot / env $via_env', which were the command and its first arguments: in \`rd run OPTIONS CMD -- ARGS\`, CMD is the command and ARGS its arguments (the first \`--\` is dropped wherever it is); the harness saw no $via_env, which env sets, in the command's environment" \
    "$via_env in the environment" 'env never ran'
elif rd_timed_out || ! has_line 'ENOENT'; then
  probe_missing
else
  fail "rd could not start 'chroot', which is /usr/sbin/chroot (in the image as in the VM; rd's PATH has /usr/sbin): execve does not search PATH, so look the name up first in every folder PATH lists, in its order (linux.which), not in a list of your own, and pass the full path" \
    'chroot found through PATH' "$OUT"
fi

check sigterm
# The path-lookup check's container: its command, a shell, becomes `sleep <another number>` when it gets a
# SIGTERM (a trap, as a server stops gracefully: execve keeps its PID, and the harness sees it). kill's SIGTERM
# to rd alone (docker stop's, a timeout's) is meant for the container: rd passes it on and lives on, to report
# the end (00/signal) and clean up. (From level 06 the command is PID 1, which gets from outside only the
# signals it handles: this one it does.)
same_run
if [ -z "$PROBE" ]; then
  fail "the command never held still for the harness to stop it (see path-lookup): fix path-lookup first"
else
  term_verdict "in the parent, process.on('SIGTERM', () => child.kill('SIGTERM'))"
fi

