# Level 06: PID namespace. The command is PID 1, /proc inside lists only the container's processes (so
# /proc/1/root no longer leads to the VM's files), and the runtime still reports how the command ended.
# Judged from outside: the container process's PID namespace and NSpid, and what its /proc mount holds.
TRACE_CALLS='unshare|mount'

check command-is-pid-1
probe 'echo "pid: $$"; cd /proc && echo proc: [0-9]*'
if [ -n "$PROBE" ]; then
  inside_ns=$(p_ns pid)
  nspid=$(p_status NSpid)
  pid=${nspid##* }
  proc_fs=$(p_mounts | awk '$1 == "/proc" { print $2 }')
  procs=$(f=$(p_file /proc/1) && cd "${f%/1}" 2> /dev/null && echo [0-9]*)
  proc1_ns=$(f=$(p_file /proc/1/ns/pid) && readlink "$f")
  # (Through the container's own /proc/1/root: a link the kernel resolves, or a learner's that leads the
  # harness into its own files, which have /etc/rubber-vm too; either way, found means not isolated.)
  [ -e "/proc/$PROBE/root/proc/1/root/etc/rubber-vm" ] && escape=yes || escape=
fi
probe_end
if [ -z "$PROBE" ] && [ "$RC" != 124 ] && has_line 'ENOMEM'; then
  fail "rd could not start a process (ENOMEM, see its output): after unshare(CLONE_NEWPID), the first process the parent starts becomes PID 1 of the new namespace, and once that one exits no process can start there again. Was it a helper (tar, mkdir…) rather than the init stage? Spawn the init stage right after unshare, with everything else done before" \
    'the init stage as PID 1' 'ENOMEM'
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ "$pid" = 1 ] && [ "$inside_ns" != "$(s_ns pid)" ]; then
  pass
elif [ "$inside_ns" = "$(s_ns pid)" ]; then
  point_06_pid_namespace
  fail "the command is PID $pid of the VM's PID namespace: unshare(CLONE_NEWPID) moves only the caller's children to come, never the caller. Call it in the parent right before spawning the init stage, which then starts as PID 1 of the new namespace and stays PID 1 through execve" \
    'pid: 1' "pid: $pid"
else
  point_06_not_pid_1
  fail "the command is in a new PID namespace but is PID $pid there, not 1: the process spawned right after unshare(CLONE_NEWPID) becomes PID 1, so that must be the init stage, which then execs the command" \
    'pid: 1' "pid: $pid"
fi

check proc-lists-container
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$proc_fs" = proc ] && [ "$procs" = 1 ] && [ "$proc1_ns" = "$inside_ns" ]; then
  pass
else
  point_06_proc
  fail "/proc in the container lists processes of the VM ($(echo "$procs" | wc -w) of them): a proc filesystem shows the PID namespace of the process that mounted it. Mount a new proc from the init stage, which is already in the container's PID namespace, rather than reusing the VM's" \
    'proc: 1' "proc: $(echo "$procs" | cut -c 1-60)"
fi

check proc-1-root-inside
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$inside_ns" = "$(s_ns pid)" ]; then
  fail "the command is in the VM's PID namespace, so its /proc/1 is the VM's: fix command-is-pid-1 first"
elif [ -n "$escape" ]; then
  point_06_proc
  fail "/proc/1/root in the container is the root of the VM's PID 1, so the command can read the VM's files through it (here /etc/rubber-vm, which only the VM has): with the command as PID 1 of its own PID namespace and a proc of that namespace, /proc/1 is the command itself" \
    'no /proc/1/root/etc/rubber-vm' 'escape: /proc/1/root/etc/rubber-vm'
else
  pass
fi

check exit-status
rd run -- /bin/sh -c 'exit 7'
report=$(printf '%s\n' "$OUT" | grep -E '^[0-9]+ (exited with|killed by) ')
if [ -z "$inside_ns" ] || [ "$inside_ns" = "$(s_ns pid)" ]; then
  fail "the command had no PID namespace of its own, so its exit status did not come from a namespace's PID 1: fix command-is-pid-1 first"
elif has_line '^[0-9]+ exited with status 7$' "$report"; then
  ran_ok 7 && pass
else
  fail "the command, PID 1 inside, ran \`exit 7\`: outside it is the parent's ordinary child, so wait for it as before and report '<pid> exited with status 7'" \
    '<pid> exited with status 7' "${report:-(no such line)}"
fi
