# Level 06: PID namespace. The command is PID 1, rd's own process goes back to the VM's PID namespace for its
# children, and /proc inside lists only the container's processes (so /proc/1/root no longer leads to the VM's files). How the command ended is still reported: 00/exit-status and
# 00/signal, which run cumulatively, see to that.
# Judged from outside: the container process's PID namespace and NSpid, and what its /proc mount holds.
TRACE_CALLS='unshare|mount'

check command-is-pid-1
probe 'echo "pid: $$"; cd /proc && echo proc: [0-9]*'
if [ -n "$PROBE" ]; then
  inside_ns=$(p_ns pid)
  # Where the command's own children go: its namespace, unless the init stage unshared CLONE_NEWPID once more.
  children_ns=$(p_ns pid_for_children)
  nspid=$(p_status NSpid)
  pid=${nspid##* }
  proc_fs=$(p_mounts | awk '$1 == "/proc" { print $2 }')
  procs=$(f=$(p_file /proc/1) && cd "${f%/1}" 2> /dev/null && echo [0-9]*)
  proc1_ns=$(f=$(p_file /proc/1/ns/pid) && readlink "$f")
  # (Through the container's own /proc/1/root: a link the kernel resolves, or a learner's that leads the
  # harness into its own files, which have /etc/rubber-vm too; either way, found means not isolated.)
  [ -e "/proc/$PROBE/root/proc/1/root/etc/rubber-vm" ] && escape=yes || escape=
  # rd's own process: where its next child would go.
  parent=$(rd_process)
  [ -n "$parent" ] && rd_strayed pid_for_children && children_left=$STRAYED children_left_ns=$STRAYED_NS
fi
probe_end
if [ -z "$PROBE" ] && [ "$RC" != 124 ] && has_line 'ENOMEM'; then
  fail "rd could not start a process (ENOMEM, see its output): after unshare(CLONE_NEWPID), the first process the parent starts becomes PID 1 of the new namespace, and once that one exits no process can start there again. Was it a helper (tar, mkdir…) rather than the init stage? Spawn the init stage right after unshare, with everything else done before" \
    'the init stage as PID 1' 'ENOMEM'
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$parent" ]; then
  rd_lost
elif [ "$pid" = 1 ] && [ "$inside_ns" != "$(s_ns pid)" ] && [ "$children_left_ns" = "$inside_ns" ]; then
  trace_point '^parent [0-9]+ unshare\(.*CLONE_NEWPID'
  fail "$children_left stayed set to start its children in the container's PID namespace: right after spawning the init stage, go back with setns on the fd of /proc/self/ns/pid opened before unshare. Until then Node can start no thread, and a second child would be born where PID 1 may be gone" \
    "rd's pid_for_children: $(s_ns pid)" "rd's pid_for_children: $children_left_ns"
elif [ "$pid" = 1 ] && [ "$inside_ns" != "$(s_ns pid)" ] && [ "$children_ns" != "$inside_ns" ]; then
  trace_point '^init [0-9]+ unshare\(.*CLONE_NEWPID'
  fail "the command is PID 1, but its children would be born in yet another PID namespace (its pid_for_children): the init stage unshared CLONE_NEWPID too. The command's first child becomes PID 1 there, and once that child ends no process can start there again (fork fails: sh -c 'ls; ls' runs one ls). Unshare CLONE_NEWPID in the parent only, and take it out of the init stage's unshare" \
    "the command's pid_for_children: $inside_ns" "the command's pid_for_children: ${children_ns:-(none)}"
elif [ "$pid" = 1 ] && [ "$inside_ns" != "$(s_ns pid)" ]; then
  pass
elif [ "$inside_ns" = "$(s_ns pid)" ]; then
  point_06_pid_namespace
  fail "the command is PID $pid of the VM's PID namespace: unshare(CLONE_NEWPID) moves only the caller's children to come, never the caller. Call it in the parent right before spawning the init stage (and not in the init stage), which then starts as PID 1 of the new namespace and stays PID 1 through execve" \
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
elif [ "$proc_fs" = proc ] && [ "$procs" = 1 ] && [ "$proc1_ns" = "$inside_ns" ] && [ -z "$escape" ]; then
  pass
else
  point_06_proc
  # /proc/1/root leading to the VM's files follows from a proc of the VM's PID namespace: its PID 1 is the VM's.
  fail "/proc in the container lists processes of the VM ($(echo "$procs" | wc -w) of them${escape:+, and /proc/1/root leads to the VM's files}): a proc filesystem shows the PID namespace of the process that mounted it. Mount a new proc from the init stage, which is already in the container's PID namespace, rather than reusing the VM's" \
    'proc: 1' "proc: $(echo "$procs" | cut -c 1-60)${escape:+ (/proc/1/root/etc/rubber-vm found)}"
fi
