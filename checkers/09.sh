# Level 09: memory cgroup. --memory 128m --memory-swap 150m set the container cgroup's memory.max to 134217728
# and memory.swap.max to 23068672 (v2 limits swap on its own: memory-swap minus memory); 64 MiB fit, 200 MiB
# get the command killed by its cgroup's OOM killer, and the VM carries on.

cg=/sys/fs/cgroup/rubber-workshop
ooms() { sed -n 's/^oom //p' "$cg/memory.events" 2> /dev/null; }
ooms_before=$(ooms)

check memory-limits
# The command reads its own limits through a cgroup2 mount of its own (it is still root: level 10 is next),
# then allocates with dd, whose block buffer (bs=) is one allocation that reading /dev/zero fills. It tries
# 200 MiB only under a limit: unlimited, that would starve the VM (256 MiB, no swap).
rd run -i busybox --memory 128m --memory-swap 150m -- /bin/sh -c '
  mkdir /tmp/cg && mount -t cgroup2 cgroup2 /tmp/cg && d=/tmp/cg$(sed -n "s/^0:://p" /proc/self/cgroup)
  max=$(cat $d/memory.max)
  echo "limits: $max $(cat $d/memory.swap.max)"
  dd if=/dev/zero of=/dev/null bs=64M count=1 2> /dev/null && echo "64 MiB: fit"
  [ "$max" -le 134217728 ] 2> /dev/null && exec dd if=/dev/zero of=/dev/null bs=200M count=1'
ooms_after=$(ooms)
limits=$(printf '%s\n' "$OUT" | grep '^limits: ')
report=$(printf '%s\n' "$OUT" | grep -E '^[0-9]+ (exited with|killed by) ')
if [ -n "$limits" ]; then
  expect_eq 'limits: 134217728 23068672' "$limits" \
    "memory.max and memory.swap.max of the container's cgroup: --memory 128m is 128 MiB, 134217728 bytes (k, m and g are powers of 1024), and cgroup v2 limits swap on its own, so memory.swap.max is memory-swap minus memory"
elif has_line 'killed by signal SIGKILL$' "$report"; then
  fail "the container was killed before its command printed anything: is memory.max a few bytes? --memory 128m means 128 MiB, 134217728 bytes" \
    'limits: 134217728 23068672' "$report"
elif has_line 'memory\.(swap\.)?max'; then
  fail "rd could not set the container's memory limits (its error is below): a cgroup has memory.max and memory.swap.max only if its parent hands the memory controller down, so write +memory to $cg/cgroup.subtree_control as well"
else
  ran_ok && fail "the command printed nothing (rd's output is below)"
fi

check small-allocation-fits
same_run
if has_line '^64 MiB: fit$'; then
  pass
else
  fail "allocating 64 MiB in a container with --memory 128m failed: memory.max must be 128 MiB (134217728) when the command starts" \
    '64 MiB: fit' "${limits:-(no output from the command)}"
fi

check oom-killed
same_run
max=$(echo "$limits" | cut -d ' ' -f 2)
if ! has_line '^64 MiB: fit$'; then
  fail "the command never got as far as allocating 200 MiB: fix memory-limits and small-allocation-fits first"
elif ! [ "$max" -le 134217728 ] 2> /dev/null; then
  fail "not tried: memory.max is $max, and 200 MiB without a limit could starve the VM. Fix memory-limits first"
elif ! has_line 'killed by signal SIGKILL$' "$report"; then
  fail "the command allocated 200 MiB with --memory 128m: the cgroup's OOM killer must kill it (it is PID 1, dd) and rd report '<pid> killed by signal SIGKILL'" \
    '<pid> killed by signal SIGKILL' "${report:-(no such line)}"
elif [ "${ooms_after:-0}" -le "${ooms_before:-0}" ]; then
  fail "the command was killed, but not by the OOM killer of a cgroup in $cg (the oom count in its memory.events stayed at ${ooms_after:-0}): set memory.max in the container's own cgroup" \
    "oom $(( ${ooms_before:-0} + 1 ))" "oom ${ooms_after:-0}"
else
  ran_ok 137 && pass
fi
