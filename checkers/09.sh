# Level 09: memory cgroup. --memory 128m --memory-swap 150m set the container cgroup's memory.max to 134217728
# and memory.swap.max to 23068672 (v2 limits swap on its own: memory-swap minus memory); 64 MiB fit, 200 MiB
# get killed by the cgroup's OOM killer, and the VM carries on. Judged from outside: the container process's
# cgroup, its limits, its peak use and its OOM kills, in the harness's /proc and /sys.
TRACE_CALLS='write|mkdir|rmdir'

check memory-limits
# What the limits do is part of this check, not checks of their own: with memory.max right in the process's
# own cgroup, 64 MiB fit and 200 MiB are OOM-killed there by the kernel; no runtime mistake changes that
# without changing the limits.
privileged
# The command allocates with dd, whose block buffer (bs=) is one allocation that reading /dev/zero fills:
# 64 MiB, then 200 MiB in a child, but only under a limit (unlimited, that would starve the VM: 256 MiB, no
# swap). It reads its limits through a cgroup2 mount of its own (it is still root: level 10 is next).
probe 'mkdir /tmp/cg && mount -t cgroup2 cgroup2 /tmp/cg && d=/tmp/cg$(sed -n "s/^0:://p" /proc/self/cgroup)
  max=$(cat $d/memory.max)
  echo "limits: $max $(cat $d/memory.swap.max)"
  dd if=/dev/zero of=/dev/null bs=64M count=1 2> /dev/null && echo "64 MiB: fit"
  [ "$max" -le 134217728 ] 2> /dev/null && dd if=/dev/zero of=/dev/null bs=200M count=1 2> /dev/null
  echo "200 MiB: dd ended with status $?"' -i busybox --memory 128m --memory-swap 150m $PRIVILEGED
if [ -n "$PROBE" ]; then
  dir=$(p_cgroup_dir)
  limits="$(cat "$dir/memory.max" 2>&1) $(cat "$dir/memory.swap.max" 2>&1)"
  peak=$(cat "$dir/memory.peak" 2> /dev/null)
  oom_kills=$(sed -n 's/^oom_kill //p' "$dir/memory.events.local" 2> /dev/null)
  cgroup=$(p_cgroup)
fi
probe_end
# Other ways to write a size: an upper-case suffix and plain bytes.
probe '' -i busybox --memory 1G --memory-swap 1499996160
[ -n "$PROBE" ] && limits2="$(cat "$(p_cgroup_dir)/memory.max" 2>&1) $(cat "$(p_cgroup_dir)/memory.swap.max" 2>&1)"
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$cgroup" = /init ] || [ "$cgroup" = / ]; then
  point_cgroup_procs
  fail "the container runs in the VM's own cgroup ($cgroup), so no limit of its own applies: move the init stage into its cgroup (level 08)" \
    'limits: 134217728 23068672' "cgroup: $cgroup"
elif has_line 'No such file' "$limits"; then
  point_cgroup_handed_down
  fail "the container's cgroup ($cgroup) has no memory.max: a cgroup has memory.max and memory.swap.max only if its parent hands the memory controller down, so write +memory to /sys/fs/cgroup/rubber-workshop/cgroup.subtree_control as well" \
    'limits: 134217728 23068672' "limits: $limits"
elif [ "$limits; $limits2" != '134217728 23068672; 1073741824 426254336' ]; then
  point_09_memory_limits
  expect_eq 'limits: 134217728 23068672; with 1G and 1499996160: 1073741824 426254336' "limits: $limits; with 1G and 1499996160: ${limits2:-(rd failed)}" \
    "memory.max and memory.swap.max of the container's cgroup: --memory 128m is 128 MiB, 134217728 bytes (k, m and g, in either case, are powers of 1024; no suffix means bytes), and cgroup v2 limits swap on its own, so memory.swap.max is memory-swap minus memory"
elif ! [ "${peak:-0}" -ge 67108864 ] 2> /dev/null; then
  fail "the container's cgroup never held 64 MiB (its memory.peak is ${peak:-missing}): with --memory 128m, allocating 64 MiB must fit. Was memory.max already 128 MiB when the command started?" \
    'memory.peak ≥ 67108864' "memory.peak ${peak:-missing}"
elif [ "${oom_kills:-0}" -ge 1 ] 2> /dev/null; then
  pass
else
  fail "the command allocated 200 MiB with --memory 128m, and the container's cgroup OOM-killed nothing (oom_kill ${oom_kills:-0} in its memory.events.local): set memory.max in the container's own cgroup, before the command starts" \
    'oom_kill 1' "oom_kill ${oom_kills:-0}"
fi
