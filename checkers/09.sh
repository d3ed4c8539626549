# Level 09: memory cgroup. --memory 128m sets the container cgroup's memory.max to 134217728 and leaves swap
# unlimited (memory.swap.max max); 64 MiB fit, 200 MiB get killed by the cgroup's OOM killer, and the VM
# carries on. --memory-swap counts memory and swap together (v1's way): v2's memory.swap.max is memory-swap
# minus memory. Sizes are bytes or k, m, g in either case, powers of 1024; --memory-swap without --memory, or
# smaller than it, is refused. Judged from outside: the container process's cgroup, its limits, its peak use
# and its OOM kills, in the harness's /proc and /sys.
TRACE_CALLS='write|mkdir|rmdir'

# limits_of_probe: the probe's cgroup's memory.max and memory.swap.max, as "MAX SWAP".
limits_of_probe() { echo "$(cat "$(p_cgroup_dir)/memory.max" 2>&1) $(cat "$(p_cgroup_dir)/memory.swap.max" 2>&1)"; }

# part: the limit at work: --memory alone, as docker run is mostly given it
check memory-limits
# What the limit does is part of this check, not a check of its own: with memory.max right in the process's
# own cgroup, 64 MiB fit and 200 MiB are OOM-killed there by the kernel; no runtime mistake changes that
# without changing the limit.
privileged
# rubber-workshop as a level-08 rd leaves it, handing cpu down and not memory: rd must hand down what it needs
# each time it starts a container, not only when it makes rubber-workshop (made once, it outlives the rd that
# made it; runc writes its controllers into the parent's subtree_control at every start too). Made here, if no
# rd made it yet, as rd would: the sandbox's root owns it.
clear_cgroups_left
rw_cgroup=$SANDBOX_CGROUP/rubber-workshop
[ -d "$rw_cgroup" ] || { mkdir "$rw_cgroup" && chown "$SANDBOX_ID:$SANDBOX_ID" "$rw_cgroup" "$rw_cgroup/cgroup.procs" "$rw_cgroup/cgroup.threads" "$rw_cgroup/cgroup.subtree_control"; }
echo '+cpu -memory' 2> /dev/null > "$rw_cgroup/cgroup.subtree_control"
# The command allocates with dd, whose block buffer (bs=) is one allocation that reading /dev/zero fills:
# 64 MiB, then 200 MiB in a child, but only under a limit (unlimited, that would starve the VM: 256 MiB, no
# swap). It reads its limit through a cgroup2 mount of its own (it is still root: level 10 is next).
probe 'mkdir /tmp/cg && mount -t cgroup2 cgroup2 /tmp/cg && d=/tmp/cg$(sed -n "s/^0:://p" /proc/self/cgroup)
  max=$(cat $d/memory.max)
  echo "limits: $max $(cat $d/memory.swap.max)"
  dd if=/dev/zero of=/dev/null bs=64M count=1 2> /dev/null && echo "64 MiB: fit"
  [ "$max" -le 134217728 ] 2> /dev/null && dd if=/dev/zero of=/dev/null bs=200M count=1 2> /dev/null
  echo "200 MiB: dd ended with status $?"' -i busybox --memory 128m $PRIVILEGED
if [ -n "$PROBE" ]; then
  limits=$(limits_of_probe)
  # (cgroup v2's default: none. With it at the limit, the kernel throttles and reclaims the container hard before
  # memory.max's OOM kill: a program near its limit stalls instead. Docker's --memory sets memory.max alone.)
  high=$(cat "$(p_cgroup_dir)/memory.high" 2> /dev/null)
  peak=$(cat "$(p_cgroup_dir)/memory.peak" 2> /dev/null)
  oom_kills=$(sed -n 's/^oom_kill //p' "$(p_cgroup_dir)/memory.events.local" 2> /dev/null)
  cgroup=$(p_cgroup)
  # A container without flags, started while this one runs, must leave its limits in place: rubber-workshop's
  # cgroup.subtree_control hands memory down to every container's cgroup, the running ones' too.
  if [ "$limits" = '134217728 max' ] && [ "${high:-max}" = max ]; then
    rd run -i busybox -- /bin/true
    plain_beside_rc=$RC
    limits_after=$(limits_of_probe)
  fi
fi
probe_end
if [ -z "$PROBE" ] && [ "$PROBES" -le 1 ] && ! rd_timed_out && [ "$RC" != 137 ] && ! trace_has 'memory\.max'; then
  # (The trace only tells this from a limit that left the command no room to start: memory.max was written.)
  fail "rd failed with --memory 128m and no --memory-swap before it wrote memory.max (exit status $RC; its error is below): --memory-swap is optional, and without it rd limits memory alone and leaves swap unlimited" \
    'a container with memory.max 134217728' "exit status $RC"
elif [ -z "$PROBE" ]; then
  point_09_memory_limits
  probe_missing
elif [ "$cgroup" = /init ] || [ "$cgroup" = / ]; then
  point_cgroup_procs
  fail "the container runs in the VM's own cgroup ($cgroup), so no limit of its own applies: move the init stage into its cgroup (level 08)" \
    'limits: 134217728 max' "cgroup: $cgroup"
elif has_line 'No such file' "$limits"; then
  point_cgroup_handed_down
  fail "the container's cgroup ($cgroup) has no memory.max: a cgroup has memory.max and memory.swap.max only if its parent hands the memory controller down, so write +memory to /sys/fs/cgroup/rubber-workshop/cgroup.subtree_control as well, at every start (rubber-workshop may be there already, made by an rd that handed down cpu alone, as this check left it)" \
    'limits: 134217728 max' "limits: $limits"
elif [ "$limits" != '134217728 max' ]; then
  point_09_memory_limits
  expect_eq 'limits: 134217728 max' "limits: $limits" \
    "memory.max and memory.swap.max of the container's cgroup with --memory 128m alone: 128m is 128 MiB, 134217728 bytes (k, m and g are powers of 1024), and without --memory-swap rd leaves swap unlimited (max)"
elif [ -n "$high" ] && [ "$high" != max ]; then
  point_first 'write\("[^"]*/memory\.high"' "$_cgroup_mkdir"
  fail "with --memory 128m the container's cgroup also has memory.high $high: above it the kernel throttles the container and reclaims its memory hard, so a program near its limit stalls instead of running until memory.max's OOM kill. --memory is memory.max alone, as Docker's: leave memory.high as it is (max)" \
    'memory.high: max' "memory.high: $high"
elif [ "$limits_after" != "$limits" ]; then
  point_cgroup_handed_down
  fail "a container started without flags (rd's exit status $plain_beside_rc) while one with --memory 128m ran took that one's limits away: it wrote -memory (or left +memory out) to rubber-workshop's cgroup.subtree_control, which hands the controller down to every container's cgroup, the running ones' too, and their memory.max goes with it. Only ever add to it (+memory)" \
    'limits: 134217728 max, still' "limits: $limits_after"
elif ! [ "${peak:-0}" -ge 67108864 ] 2> /dev/null; then
  fail "the container's cgroup never held 64 MiB (its memory.peak is ${peak:-missing}): with --memory 128m, allocating 64 MiB must fit. Was memory.max already 128 MiB when the command started?" \
    'memory.peak ≥ 67108864' "memory.peak ${peak:-missing}"
elif [ "${oom_kills:-0}" -ge 1 ] 2> /dev/null; then
  pass
else
  fail "the command allocated 200 MiB with --memory 128m, and the container's cgroup OOM-killed nothing (oom_kill ${oom_kills:-0} in its memory.events.local): set memory.max in the container's own cgroup, before the command starts" \
    'oom_kill 1' "oom_kill ${oom_kills:-0}"
fi

# part: sizes in every unit, --memory-swap as Docker means it, and the sizes rd must refuse
check sizes-and-swap
# Every way to write a size: an upper-case G, a lower-case k, an upper-case K, plain bytes, an upper-case M and a
# lower-case g (and memory-limits' lower-case m), over three containers; each swap worked out from both, with values
# that a swap of the two flags, a swap written as given, or powers of 1000 all change. The second's swap is 0
# (--memory-swap equal to --memory, Docker's way to allow no swap): neither refused nor skipped as if no swap had been
# asked for. The first's sizes are over 4 GiB: worked out in 32 bits, as JavaScript's bit operators do (n << 30, | 0, or
# >>> 0), they go wrong. The second has --cpu-shares beside them, as docker run is often given both: each flag takes
# effect (one limit per container, an early return or an else-if, drops the others).
probe '' -i busybox --memory 5G --memory-swap 5709576k
[ -n "$PROBE" ] && limits1=$(limits_of_probe)
probe_end
probe '' -i busybox --cpu-shares 2048 --memory 262144K --memory-swap 268435456
[ -n "$PROBE" ] && limits2="$(limits_of_probe) $(cat "$(p_cgroup_dir)/cpu.weight" 2>&1)"
probe_end
probe '' -i busybox --memory 300M --memory-swap 1g
[ -n "$PROBE" ] && limits3=$(limits_of_probe)
probe_end
if [ "$limits1; $limits2; $limits3" = '5368709120 477896704; 268435456 0 79; 314572800 759169024' ]; then
  pass
elif has_line 'No such file' "$limits1 $limits2"; then
  fail "the container's cgroup has no memory.max or memory.swap.max: hand the memory controller down (memory-limits says more)" \
    '5368709120 477896704' "${limits1:-(no container)}"
else
  point_09_memory_limits
  expect_eq '--memory 5G --memory-swap 5709576k: 5368709120 477896704; --cpu-shares 2048 --memory 262144K --memory-swap 268435456: 268435456 0 79; --memory 300M --memory-swap 1g: 314572800 759169024' \
    "--memory 5G --memory-swap 5709576k: ${limits1:-(rd failed)}; --cpu-shares 2048 --memory 262144K --memory-swap 268435456: ${limits2:-(rd failed)}; --memory 300M --memory-swap 1g: ${limits3:-(rd failed)}" \
    "memory.max, memory.swap.max (and cpu.weight) of the container's cgroup: k, m and g, in either case, are powers of 1024, no suffix means bytes, and cgroup v2 limits swap on its own, so memory.swap.max is memory-swap minus memory (0 when the two are equal: no swap, written as 0); flags given together each take effect (--cpu-shares 2048 is cpu.weight 79, as at level 08)"
fi

# A refusal counts only from a runtime that takes good sizes: one that knows no --memory refuses them all.
sizes_not_taken="rd does not take good sizes yet (with --memory 5G --memory-swap 5709576k the container's limits were ${limits1:-not there}), so refusing bad ones says nothing: fix sizes-and-swap first"

check swap-without-memory-refused
if [ "$limits1" != '5368709120 477896704' ]; then
  fail "$sizes_not_taken"
else
  all_refused=yes
  # (The third in other units: a runtime comparing the numbers as written takes it.)
  for bad in '--memory-swap 150m' '--memory 128m --memory-swap 100m' '--memory 1g --memory-swap 512m'; do
    refused --memory-swap 'a size at least --memory, and only beside --memory: it counts memory and swap together' \
      $bad || { all_refused=; break; }
  done
  [ -n "$all_refused" ] && pass
fi

check bad-size-refused
# (What parseInt would read as 12 bytes; a suffix that is no unit. A sign: Number() reads -128 and the kernel
# refuses the limit only once the container's cgroup is made, with an error that names no flag. And nothing.)
if [ "$limits1" != '5368709120 477896704' ]; then
  fail "$sizes_not_taken"
elif refused --memory 'a size: a number of bytes, or of k, m or g (powers of 1024), such as 128m' --memory 12x &&
  refused --memory 'a size: digits, then k, m or g if any (-128m has a sign, which Number() keeps: the kernel would refuse the limit only once the cgroup is made)' --memory -128m &&
  refused --memory "a size: one digit at least (an empty one, as --memory=\$LIMIT gives with LIMIT unset, is none: a pattern of \\d* reads it as 0 bytes, and if (options.memory) skips it, leaving no limit)" --memory '' &&
  refused --memory-swap "a size too (an empty one is none: if (options.memorySwap) skips it, leaving swap unlimited)" --memory 128m --memory-swap '' &&
  refused --memory "a size rd can hold exactly, at most 2^53 - 1 bytes: past it a number loses digits, and from 1e21 String() writes an exponent that memory.max refuses, once the cgroup is made" --memory 1000000000000g; then
  pass
fi
