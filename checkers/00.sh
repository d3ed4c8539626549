# Level 00: rd runs the command as its child, passes its output and exit status through, and reports how
# it ended ("<pid> exited with status N" / "<pid> killed by signal NAME").

# One run shows stdout, stderr, arguments and the exit status; stdout and stderr are captured apart.
check stdout
rd_split run -- /bin/sh -c 'echo "out:$1"; echo "err:$1" >&2; exit 3' sh 'two  words'
if rd_timed_out; then
  ran_ok 3
elif has_line '^out:two  words$'; then
  pass
elif has_line '^out:'; then
  fail "the command's arguments changed on the way: pass the command and its arguments to execve exactly as given" \
    'out:two  words' "$(printf '%s\n' "$OUT" | grep '^out:')"
elif [ "$RC" != 3 ]; then
  ran_ok 3
else
  fail "the command's stdout never reached rd's stdout: clear close-on-exec on fds 0-2 (linux.clearCloexec) before execve, and spawn the init stage with stdio: 'inherit'" \
    'out:two  words' "$OUT"
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
report=$(printf '%s\n%s\n' "$OUT" "$ERR" | grep -E '^[0-9]+ (exited with|killed by) ')
if rd_timed_out; then
  ran_ok 3
elif ! has_line '^[0-9]+ exited with status 3$' "$report"; then
  fail "after the command exits with status 3, rd must print one line '<pid> exited with status 3' (linux.describeExit)" \
    '<pid> exited with status 3' "${report:-(no such line)}"
else
  ran_ok 3 && pass
fi

# A command name without a slash, and the `rd run OPTIONS CMD -- ARGS` form of the command line.
check path-lookup
rd run -i busybox sh -- -c 'echo found-by-path; kill -TERM $$'
if has_line '^found-by-path$' || [ "$RC" = 143 ]; then
  pass # the command ran, so 'sh' was found
elif rd_timed_out || ! has_line 'ENOENT'; then
  ran_ok 143
else
  fail "rd could not start 'sh': execve does not search PATH, so look the name up first (linux.which) and pass the full path" \
    'found-by-path' "$OUT"
fi

check signal
# Killed from outside, as `docker kill` does: from level 06 the command is its namespace's PID 1, which
# ignores signals sent from inside it, but SIGKILL from an ancestor namespace always arrives.
rd_start run -i busybox sh -- -c 'echo ready; exec sleep 317'
if output_has '^ready$'; then
  for pid in $(_processes_running "sleep 317 "); do kill -KILL "$pid"; done
  started=yes
else
  started=no
fi
rd_wait
report=$(printf '%s\n' "$OUT" | grep -E '^[0-9]+ (exited with|killed by) ')
if [ "$started" = no ] || rd_timed_out; then
  ran_ok 137 # rd never started the command: say what rd said instead
elif ! has_line '^[0-9]+ killed by signal SIGKILL$' "$report"; then
  fail "the command was killed by SIGKILL: when Node's 'exit' event gives a signal instead of a code, report '<pid> killed by signal SIGKILL' (linux.describeExit)" \
    '<pid> killed by signal SIGKILL' "${report:-(no such line)}"
elif [ "$RC" != 137 ]; then
  fail "rd exited with status $RC after the command was killed by SIGKILL: exit with 128 + the signal's number (137), like a shell does" 137 "$RC"
else
  pass
fi
