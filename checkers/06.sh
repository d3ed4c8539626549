# Level 06: PID namespace. The command is PID 1, /proc inside lists only the container's processes (so
# /proc/1/root no longer leads to the VM's files), and the runtime still reports the command's exit status.

vm_pid_ns=$(vm 'readlink /proc/self/ns/pid')

check command-is-pid-1
# Only shell builtins run before the glob, so in a PID namespace of its own /proc lists just "1".
rd run -- /bin/sh -c '
  echo "pid: $$"; echo "ns: $(readlink /proc/self/ns/pid)"; cd /proc && echo proc: [0-9]*
  [ -e /proc/1/root/etc/rubber-vm ] && echo "escape: /proc/1/root/etc/rubber-vm"
  exit 7'
pid=$(printf '%s\n' "$OUT" | sed -n 's/^pid: //p')
if [ -z "$pid" ]; then
  ran_ok 7 && fail "the command printed nothing (rd's output is below)"
elif [ "$pid" = 1 ]; then
  pass
elif has_line "^ns: $vm_pid_ns\$"; then
  fail "the command is PID $pid of the VM's PID namespace: unshare(CLONE_NEWPID) moves only the caller's children to come, never the caller. Call it in the parent right before spawning the init stage, which then starts as PID 1 of the new namespace and stays PID 1 through execve" \
    'pid: 1' "pid: $pid"
else
  fail "the command is in a new PID namespace but is PID $pid there, not 1: the process spawned right after unshare(CLONE_NEWPID) becomes PID 1, so that must be the init stage, which then execs the command" \
    'pid: 1' "pid: $pid"
fi

check proc-lists-container
same_run
procs=$(printf '%s\n' "$OUT" | sed -n 's/^proc: //p')
if [ -z "$pid" ]; then
  ran_ok 7 && fail "the command printed nothing (rd's output is below)"
elif [ "$procs" = 1 ]; then
  pass
else
  fail "/proc in the container lists processes of the VM ($(echo "$procs" | wc -w) of them): a proc filesystem shows the PID namespace of the process that mounted it. Mount a new proc from the init stage, which is already in the container's PID namespace, rather than reusing the VM's" \
    'proc: 1' "proc: $(echo "$procs" | cut -c 1-60)…"
fi

check proc-1-root-inside
same_run
if [ -z "$pid" ]; then
  ran_ok 7 && fail "the command printed nothing (rd's output is below)"
elif has_line '^escape: '; then
  fail "/proc/1/root in the container is the root of the VM's PID 1, so the command can read the VM's files through it (here /etc/rubber-vm, which only the VM has): with the command as PID 1 of its own PID namespace and a proc of that namespace, /proc/1 is the command itself" \
    'no /proc/1/root/etc/rubber-vm' "$(printf '%s\n' "$OUT" | grep '^escape: ')"
else
  pass
fi

check exit-status
same_run
report=$(printf '%s\n' "$OUT" | grep -E '^[0-9]+ (exited with|killed by) ')
if has_line '^[0-9]+ exited with status 7$' "$report"; then
  ran_ok 7 && pass
else
  fail "the command, PID 1 inside, ran \`exit 7\`: outside it is the parent's ordinary child, so wait for it as before and report '<pid> exited with status 7'" \
    '<pid> exited with status 7' "${report:-(no such line)}"
fi
