# Level 08: cpu cgroup. Each container runs in a cgroup of its own, /sys/fs/cgroup/rubber-workshop/<id>, from
# its first instruction on; --cpu-shares N sets its cpu.weight to 1 + ((N - 2) * 9999) / 262142; the weight
# shows when CPUs are busy; the cgroup is removed once the container exits.

cg=/sys/fs/cgroup/rubber-workshop
ref=$cg/checker-reference

# measure: waits for a container cgroup whose command has started its busy loop (three processes or more),
# starts a busy loop of its own in a sibling cgroup weighted like a --cpu-shares 1024 container (cpu.weight
# 39), both pinned to CPU 0, prints the CPU time each cgroup got in one second, and then tells the
# container to stop (SIGUSR1, which its PID 1 traps).
measure() {
  i=0
  while [ $i -lt 100 ]; do
    for d in "$cg"/*/; do
      d=${d%/}
      [ "$d" != "$ref" ] && [ "$(wc -l < "$d/cgroup.procs" 2> /dev/null)" -ge 3 ] 2> /dev/null && break 2
    done
    sleep 0.1
    i=$((i + 1))
  done
  [ $i -lt 100 ] || return
  mkdir "$ref" && echo 39 > "$ref/cpu.weight"
  ( echo 0 > "$ref/cgroup.procs" && exec taskset 1 /bin/sh -c 'while :; do :; done' ) &
  sleep 0.2
  r1=$(usage "$ref") c1=$(usage "$d")
  sleep 1
  r2=$(usage "$ref") c2=$(usage "$d")
  kill -9 $!
  wait $! 2> /dev/null
  rmdir "$ref"
  kill -USR1 $(cat "$d/cgroup.procs") 2> /dev/null
  echo "cpu: $(( (c2 - c1) / 1000 )) $(( (r2 - r1) / 1000 ))"
}
usage() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }

check in-own-cgroup
# The command first reads its cgroup (a runtime that moves the process only once it runs is too late for
# that), then spins until the checker has measured, or for 4 s at most. PID 1 of a PID namespace ignores
# signals it has no handler for, hence the trap.
measure > /run/check/08-cpu 3>&- &
measurer=$!
rd run -i busybox --cpu-shares 200 -- /bin/sh -c '
  echo "host: $(hostname)"; echo "cgroup: $(cat /proc/self/cgroup)"
  echo "weight: $(mkdir /tmp/cg && mount -t cgroup2 cgroup2 /tmp/cg && cat /tmp/cg$(sed -n "s/^0:://p" /proc/self/cgroup)/cpu.weight)"
  taskset 1 /bin/sh -c "while :; do :; done" & loop=$!
  trap "kill $loop" USR1
  (sleep 4; kill -USR1 $$) &
  wait $loop; exit 0'
kill $measurer 2> /dev/null; wait $measurer 2> /dev/null
# Had the measure not finished, its loop would outlive it.
[ -d "$ref" ] && { kill -9 $(cat "$ref/cgroup.procs") 2> /dev/null; sleep 0.2; rmdir "$ref"; }
host=$(printf '%s\n' "$OUT" | sed -n 's/^host: //p')
cgroup=$(printf '%s\n' "$OUT" | sed -n 's/^cgroup: //p')
if [ -z "$cgroup" ]; then
  ran_ok && fail "the command printed nothing (rd's output is below)"
elif [ "$cgroup" = "0::/rubber-workshop/$host" ]; then
  ran_ok && pass
elif [ "$cgroup" = "0::/" ]; then
  fail "the command ran in the VM's root cgroup: the init stage must move itself into $cg/<id> (write its PID to cgroup.procs) before execve; a process moved once the command has started is too late for what it did meanwhile" \
    "cgroup: 0::/rubber-workshop/$host" "cgroup: $cgroup"
elif [ "$cgroup" = "0::/rubber-workshop" ]; then
  fail "the container is in $cg itself, which every container would share: give each container a cgroup of its own, $cg/<id>, and move the init stage into it" \
    "cgroup: 0::/rubber-workshop/$host" "cgroup: $cgroup"
else
  fail "the container must be in its own cgroup, $cg/<id>, named after its id (which is also its hostname)" \
    "cgroup: 0::/rubber-workshop/$host" "cgroup: $cgroup"
fi

check cpu-weight
same_run
if ! ran_ok; then
  :
elif [ "$cgroup" != "0::/rubber-workshop/$host" ]; then
  fail "the container has no cgroup of its own to weight: fix in-own-cgroup first"
elif has_line '^weight: $'; then
  fail "the container's cgroup has no cpu.weight file: a cgroup gets the cpu controller's files only if its parent hands the controller down. Write +cpu to $cg/cgroup.subtree_control when creating rubber-workshop" \
    'weight: 8' 'no cpu.weight'
else
  expect_eq 'weight: 8' "$(printf '%s\n' "$OUT" | grep '^weight: ')" \
    "--cpu-shares 200 means cpu.weight 8: cgroup v2's cpu.weight (1–10000, default 100) replaced v1's cpu.shares (2–262144, default 1024). Convert in integers, 1 + ((shares - 2) * 9999) / 262142, and write it to the container's cpu.weight"
fi

check cpu-share-ratio
same_run
cpu=$(sed -n 's/^cpu: //p' /run/check/08-cpu)
container=${cpu% *} reference=${cpu#* }
if ! ran_ok; then
  :
elif [ -z "$cpu" ]; then
  fail "the checker found no container cgroup under $cg with the command's processes in it to measure: fix in-own-cgroup first"
elif [ $((reference * 10)) -ge $((container * 25)) ]; then
  pass
else
  fail "on one CPU, a busy container with --cpu-shares 200 got ${container} ms of CPU in a second while a busy cgroup beside it, weighted as --cpu-shares 1024 would be, got ${reference} ms: the container should get about a fifth as much (1024/200), at most 1/2.5. Set its cpu.weight before the command starts" \
    'at most 1/2.5 of the CPU of a 1024-share neighbour' "$container ms : $reference ms"
fi

check cgroups-removed
same_run
left=$(for d in "$cg"/*/; do [ -d "$d" ] && basename "$d"; done)
if [ -z "$left" ]; then
  pass
else
  fail "cgroups were left in $cg after their containers exited: once the command has exited, rmdir the container's cgroup (allowed as soon as no process is left in it; its files go with it)" \
    '(none)' "$(echo $left)"
fi
