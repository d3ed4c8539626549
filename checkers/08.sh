# Level 08: cpu cgroup. Each container, with flags or without, runs in a cgroup of its own,
# /sys/fs/cgroup/rubber-workshop/<id> as the VM names it, from its first instruction on; --cpu-shares N sets its cpu.weight to 1 + ((N - 2) * 9999) / 262142;
# the weight shows when CPUs are busy; the cgroup is removed once the container exits. Judged from outside:
# the container process's cgroup and that cgroup's files and CPU time, in the harness's /proc and /sys.
TRACE_CALLS='write|mkdir|rmdir'

cg=$SANDBOX_CGROUP/rubber-workshop
ref=$cg/checker-reference
clear_cgroups_left

# measure DIR: runs a busy loop in DIR, the container's cgroup, and one in a sibling cgroup weighted like a
# --cpu-shares 1024 container (cpu.weight 39), both pinned to CPU 0, and prints the CPU time (ms) each cgroup
# got in one second. (The checker's loop, not the command's: a fork of the command's after its first child, or
# any command it waited for, would let its shell reap that child, which in-own-cgroup judges by its zombie.)
measure() {
  mkdir "$ref" && echo 39 > "$ref/cpu.weight" || return
  ( echo 0 > "$1/cgroup.procs" && exec taskset 1 /bin/sh -c 'while :; do :; done' ) &
  _loop=$!
  ( echo 0 > "$ref/cgroup.procs" && exec taskset 1 /bin/sh -c 'while :; do :; done' ) &
  sleep 0.2
  r1=$(usage "$ref") c1=$(usage "$1")
  sleep 1
  r2=$(usage "$ref") c2=$(usage "$1")
  kill -9 $! "$_loop"
  wait $! "$_loop" 2> /dev/null
  rmdir "$ref"
  echo "$(( (c2 - c1) / 1000 )) $(( (r2 - r1) / 1000 ))"
}
usage() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
# children_ended PID: PID's children that have ended and are not reaped (zombies), a space apart, once none runs
# (up to 5 s). All of them: the init stage, the same process before its execve, may have
# children of its own there too, born first.
children_ended() {
  _i=0
  while [ $((_i += 1)) -le 200 ]; do
    read -r _kids < "/proc/$1/task/$1/children"
    _ended= _running=
    for _k in $_kids; do
      case $(sed 's/^.*) //' "/proc/$_k/stat" 2> /dev/null) in
        Z*) _ended="$_ended $_k" ;;
        '') ;;
        *) _running=yes ;;
      esac
    done
    [ -z "$_running" ] && break
    _pause 0.025
  done
  echo $_ended
}

check in-own-cgroup
# Every container gets a cgroup, with or without a limit to write into it (as in Docker): one without flags
# first, so that the container below is the last rd call, whose output and trace a failure shows.
probe '' -i busybox
[ -n "$PROBE" ] && plain_cgroup=$(p_cgroup) plain_host=$(p_hostname) plain_weight=$(cat "$(p_cgroup_dir)/cpu.weight" 2> /dev/null)
plain_probe=$PROBE
probe_end
plain_rc=$RC
# rubber-workshop as after a boot, for the container with a flag below: made again by it, which must hand the cpu
# controller down before it writes the container's cpu.weight (the container without flags has just done so).
clear_cgroups_left
rmdir "$cg" 2> /dev/null
# The command's first act starts a child that ends at once (a process moved into a cgroup takes none of its
# children along, and a dead one cannot be moved at all: its zombie, which the command never reaps, shows for good
# where it lived, so a runtime that moves the command in only once it runs is too late, however often it moves
# what it finds); then it holds still at once (busybox's sh reaps an ended child when it forks again, or waits for a
# command, so its first child is its last: measure runs the busy loop). 369 shares: weight 14,
# where a formula rounding up, without its "- 2", with "- 1", or multiplying by 10000 (and clamping at 10000, to pass
# 262144) gives 15. (Of the values up to 1000, only 369, 736 and 972 tell every formula below from the right one
# alongside 2048 and 262144.)
probe ': &' -i busybox --cpu-shares 369
if [ -n "$PROBE" ]; then
  host=$(p_hostname)
  cgroup=$(p_cgroup)
  dir=$(p_cgroup_dir)
  weight=$(cat "$dir/cpu.weight" 2> /dev/null)
  # Both read from inside the container's cgroup namespace (which may be its own, as Docker makes one).
  in_cgroup_ns() { /usr/local/sbin/nsenter -t "$PROBE" -C cat "/proc/$1/cgroup" 2> /dev/null | sed -n 's/^0:://p'; }
  now_inside=$(in_cgroup_ns "$PROBE")
  # The command's ended children (its first, and any the init stage had), and early: the cgroup the first of them
  # found outside the command's ended in, else the command's own (empty when none ended).
  early_children=$(children_ended "$PROBE") early=
  for c in $early_children; do
    early=$(in_cgroup_ns "$c")
    [ "$early" = "$now_inside" ] || break
  done
  ignored=$(p_status SigIgn)
  # (SIGCHLD is signal 17: bit 16 of the mask's last 32.)
  low=${ignored#????????}
  sigchld_ignored=$(( 0x${low:-0} >> 16 & 1 ))
  # (Two empty answers are no proof: the early children must be found in the command's cgroup. With SIGCHLD
  # ignored the kernel reaps the command's children at once: those found may be none of its own.)
  [ -n "$now_inside" ] && [ "$early" = "$now_inside" ] && [ "$sigchld_ignored" = 0 ] && from_start=yes || from_start=
  [ "$cgroup" = "/rubber-workshop/$host" ] && [ -n "$weight" ] && cpu=$(measure "$dir")
  # Cgroups below the container's, two deep, as its root may make them (it can mount cgroup2): rmdir refuses a
  # cgroup that has any, so rd must remove those first, at every depth.
  [ "$cgroup" = "/rubber-workshop/$host" ] && mkdir -p "$dir/made-inside/deeper" &&
    chown "$SANDBOX_ID:$SANDBOX_ID" "$dir/made-inside" "$dir/made-inside/deeper" && made_inside=yes
fi
probe_end
left=$(cgroups_left)
[ -n "$made_inside" ] && [ -d "$dir" ] && left_inside=yes
handed_down=$(cat "$cg/cgroup.subtree_control" 2> /dev/null)
if [ -z "$PROBE" ] && [ -d "$cg" ] && ! echo "$handed_down" | grep -qw cpu && has_line 'cpu\.weight'; then
  point_cgroup_handed_down
  fail "rd could not write the container's cpu.weight (its error is below): /sys/fs/cgroup/rubber-workshop hands no cpu controller down to its children, so they have no cpu.weight file, and no file can be made in a cgroup. Write +cpu to /sys/fs/cgroup/rubber-workshop/cgroup.subtree_control when creating rubber-workshop" \
    'cgroup.subtree_control: cpu' "cgroup.subtree_control: ${handed_down:-(empty)}"
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ "$cgroup" = "/rubber-workshop/$host" ] && [ -n "$from_start" ] && [ -z "$plain_probe" ]; then
  fail "rd run without --cpu-shares did not start its container (rd's exit status $plain_rc), where the same with --cpu-shares 369 did: every flag is optional. Try rubber-workshop rd run -- /bin/true" \
    'a container' "exit status $plain_rc"
elif [ "$cgroup" = "/rubber-workshop/$host" ] && [ -n "$from_start" ] && [ "$plain_cgroup" != "/rubber-workshop/$plain_host" ]; then
  fail "a container started without --cpu-shares ran in ${plain_cgroup:-?}, not in a cgroup of its own: every container gets one, /sys/fs/cgroup/rubber-workshop/<id>, with or without a limit to write into it (the later levels' limits and cleanup rely on it)" \
    "cgroup: /rubber-workshop/$plain_host" "cgroup: $plain_cgroup"
elif [ "$cgroup" = "/rubber-workshop/$host" ] && [ -n "$from_start" ]; then
  pass
elif [ "$cgroup" = "/rubber-workshop/$host" ] && [ "$sigchld_ignored" = 1 ]; then
  fail "the command runs with SIGCHLD ignored (SigIgn: $ignored): the kernel then reaps its children itself, so the checker's first child, which ends at once, leaves nothing to show where it lived, and the command's own wait() finds no child. Leave SIGCHLD at its default in the init stage" \
    'SIGCHLD at its default' 'SIGCHLD ignored'
elif [ "$cgroup" = "/rubber-workshop/$host" ] && [ -z "$early_children" ]; then
  fail "the command's first child, which ends at once and which the command never reaps, was not among its children as a zombie: something reaped it or took it away, and where it lived cannot be seen" \
    'its first child, ended, still its child' 'no such child'
elif [ "$cgroup" = "/rubber-workshop/$host" ]; then
  point_cgroup_procs
  fail "the command started outside its cgroup and was moved in later: the child it started first, which ended at once, ended in ${early:-no cgroup} (a process moved takes none of its children along, and an ended one cannot be moved). The init stage must move itself into /sys/fs/cgroup/rubber-workshop/<id> (write its PID to cgroup.procs) before execve, so that everything the command does counts" \
    "cgroup: $now_inside from the start" "cgroup: ${early:-?} at first"
elif [ "$cgroup" = /init ] || [ "$cgroup" = / ]; then
  point_cgroup_procs
  fail "the command ran in the VM's own cgroup ($cgroup): the init stage must move itself into /sys/fs/cgroup/rubber-workshop/<id> (write its PID to cgroup.procs) before execve" \
    "cgroup: /rubber-workshop/$host" "cgroup: $cgroup"
elif [ "$cgroup" = /rubber-workshop ]; then
  point_cgroup_procs
  fail "the container is in /sys/fs/cgroup/rubber-workshop itself, which every container would share: give each container a cgroup of its own, /sys/fs/cgroup/rubber-workshop/<id>, and move the init stage into it" \
    "cgroup: /rubber-workshop/$host" "cgroup: $cgroup"
else
  point_cgroup_procs
  fail "the container must be in its own cgroup, /sys/fs/cgroup/rubber-workshop/<id>, named after its id (which is also its hostname)" \
    "cgroup: /rubber-workshop/$host" "cgroup: $cgroup"
fi

check cpu-weight
# Two more values, where formulas that happen to agree at 369 part: 2048 shares (weight 79; shares * 10000 /
# 262144 gives 78) and the largest, 262144 (weight 10000; dividing by 262144 gives 9999, and multiplying by 10000
# 10001, which the kernel refuses). The CPU time measured beside it is part of this check, not one of its own:
# once the process is in its cgroup and the weight in cpu.weight, the share is the kernel's doing, and no runtime
# mistake moves one without the other.
# Beside it: an empty cgroup in rubber-workshop, as a container's is while its init stage starts, which rd must
# leave alone; and a container without flags started while it runs, which must leave its weight alone (the
# cgroup.subtree_control of rubber-workshop is every container's).
decoy=$cg/$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
[ -d "$cg" ] && mkdir "$decoy" && chown "$SANDBOX_ID:$SANDBOX_ID" "$decoy" || decoy=
probe '' -i busybox --cpu-shares 2048
probed=$PROBE
if [ -n "$PROBE" ]; then
  rd run -i busybox -- /bin/true
  plain_beside_rc=$RC
  weight2048=$(cat "$(p_cgroup_dir)/cpu.weight" 2>&1)
fi
[ -n "$decoy" ] && { [ -d "$decoy" ] && rmdir "$decoy" || decoy_gone=$decoy; }
probe_end
if [ -n "$probed" ]; then
  probe '' -i busybox --cpu-shares 262144
  [ -n "$PROBE" ] && weight_max=$(cat "$(p_cgroup_dir)/cpu.weight" 2> /dev/null)
  probe_end
  [ -n "$PROBE" ] || weight_max="none, no container (rd's exit status $RC, its output below)"
  # And the smallest, 2 (weight 1): a bound checked one off refuses it.
  probe '' -i busybox --cpu-shares 2
  [ -n "$PROBE" ] && weight_min=$(cat "$(p_cgroup_dir)/cpu.weight" 2> /dev/null)
  # (cgroup v2's default: no quota. --cpu-shares is a weight; a cap is --cpus', a flag rd does not have.)
  [ -n "$PROBE" ] && quota=$(cat "$(p_cgroup_dir)/cpu.max" 2> /dev/null)
  probe_end
  min_ran=$PROBE
fi
container=${cpu% *} reference=${cpu#* }
if [ -z "$probed" ]; then
  probe_missing
elif [ "$cgroup" != "/rubber-workshop/$host" ]; then
  fail "the container has no cgroup of its own to weight: fix in-own-cgroup first"
elif [ -z "$weight" ]; then
  point_cgroup_handed_down
  fail "the container's cgroup has no cpu.weight file: a cgroup gets the cpu controller's files only if its parent hands the controller down. Write +cpu to /sys/fs/cgroup/rubber-workshop/cgroup.subtree_control when creating rubber-workshop" \
    'weight: 14' 'no cpu.weight'
elif [ "$weight" = 14 ] && has_line 'No such file' "$weight2048"; then
  point_cgroup_handed_down
  fail "a container started without --cpu-shares (rd's exit status $plain_beside_rc) while one with --cpu-shares 2048 ran took that one's cpu.weight away: it wrote -cpu (or no +cpu) to rubber-workshop's cgroup.subtree_control, which hands the controller down to every container's cgroup, the running ones' too. Only ever add to it (+cpu)" \
    'weight: 79 (2048 shares), still' 'no cpu.weight any more'
elif [ "$weight $weight2048 $weight_max" = '14 79 10000' ] && [ -z "$min_ran" ]; then
  point_08_cpu_weight
  fail "rd did not start a container with --cpu-shares 2 (its exit status $RC, its output below): 2 is the smallest value cgroup v1 and Docker take (cpu.weight 1), and a good one. Take every whole number from 2 to 262144, both ends too" \
    'weight: 1 (2 shares)' 'no container (2 shares)'
elif [ "$weight $weight2048 $weight_max $weight_min" != '14 79 10000 1' ]; then
  point_08_cpu_weight
  expect_eq 'weight: 14 (369 shares), 79 (2048 shares), 10000 (262144 shares), 1 (2 shares)' "weight: $weight (369 shares), ${weight2048:-none} (2048 shares), $weight_max (262144 shares), ${weight_min:-none} (2 shares)" \
    "--cpu-shares 369 means cpu.weight 14, 2048 means 79, 262144 means 10000 and 2 means 1: cgroup v2's cpu.weight (1–10000, default 100) replaced v1's cpu.shares (2–262144, both ends taken; default 1024). Convert in integers, 1 + ((shares - 2) * 9999) / 262142 rounded down, and write it to the container's cpu.weight"
elif [ -n "$quota" ] && [ "$quota" != 'max 100000' ]; then
  point_first 'write\("[^"]*/cpu\.max"' "$_cgroup_mkdir"
  fail "with --cpu-shares 2 the container's cgroup has cpu.max \"$quota\": a quota, which caps the container at that share of a CPU even when the VM is idle. Shares are a weight, for when CPUs are busy, and cpu.weight alone carries them: leave cpu.max as it is (max 100000), as Docker does (a cap is what docker run --cpus sets)" \
    'cpu.max: max 100000' "cpu.max: $quota"
elif [ -n "$plain_weight" ] && [ "$plain_weight" != 100 ]; then
  point_08_cpu_weight
  fail "a container started without --cpu-shares has cpu.weight $plain_weight: without the flag, write no weight, so that the container keeps cgroup v2's default, 100, as Docker's does (1024 shares are v1's default, not a value to write)" \
    'weight: 100 (no --cpu-shares)' "weight: $plain_weight (no --cpu-shares)"
elif [ -z "$cpu" ]; then
  fail "the checker could not measure the container's CPU share beside a cgroup of its own in /sys/fs/cgroup/rubber-workshop" \
    'a CPU time for each' '(none)'
elif [ $((container * 100)) -lt $((reference * 14)) ]; then
  fail "on one CPU, a busy loop in the cgroup of a container with --cpu-shares 369 got ${container} ms of CPU in a second while one in a cgroup beside it, weighted as --cpu-shares 1024 would be, got ${reference} ms: the container's cgroup got almost nothing, less than a seventh of its neighbour's, where its weight (14 against 39) is worth about a third" \
    'about 1/3 of the CPU of a 1024-share neighbour' "$container ms : $reference ms"
elif [ $((reference * 10)) -ge $((container * 14)) ]; then
  pass
else
  fail "on one CPU, a busy loop in the cgroup of a container with --cpu-shares 369 got ${container} ms of CPU in a second while one in a cgroup beside it, weighted as --cpu-shares 1024 would be, got ${reference} ms: the container's cgroup should get about a third as much (14 against 39), at most 1/1.4. Set its cpu.weight before the command starts" \
    'about 1/3 of the CPU of a 1024-share neighbour' "$container ms : $reference ms"
fi

check cgroups-removed
same_run
if [ "$cgroup" != "/rubber-workshop/$host" ]; then
  fail "the container had no cgroup of its own, so none was left to remove: fix in-own-cgroup first"
elif [ -n "$left_inside" ]; then
  point_cgroup_removed
  fail "the cgroup of the container with --cpu-shares 369 was left in /sys/fs/cgroup/rubber-workshop: it had cgroups below it, made-inside and made-inside/deeper (the checker made them, as the container's root may: it can mount cgroup2 and mkdir there), and rmdir refuses a cgroup that has any (EBUSY). Remove the container's cgroup depth first, at every depth: the folders below each folder, then the folder" \
    '(none)' "$(echo $left)"
elif [ -n "$decoy_gone" ]; then
  point_cgroup_removed
  fail "rd removed ${decoy_gone##*/} from /sys/fs/cgroup/rubber-workshop, an empty cgroup that was not its container's: a container's cgroup is empty until its init stage has moved in, so sweeping empty cgroups takes a starting container's away. rd removes its own container's cgroup alone" \
    "${decoy_gone##*/} still there" 'removed'
elif [ -n "$left" ]; then
  point_cgroup_removed
  fail "cgroups were left in /sys/fs/cgroup/rubber-workshop after their containers exited: once the command has exited, rmdir the container's cgroup (allowed as soon as no process is left in it; its files go with it)" \
    '(none)' "$(echo $left)"
else
  # A start that fails leaves none either: here the image's tar is there but cut off halfway, so its unpack fails
  # (as a full disk would make it), which rd finds out only if it unpacks the image before it makes the cgroup, or
  # removes the cgroup when the start fails. (An image that is not there at all fails earlier still.)
  cut=cut-off-tar
  tar_cut_halfway | s_put "$IMAGES/$cut.tar"
  rd_leaves run -i $cut -- /bin/true
  rm -f "$(s_file "$IMAGES")/$cut.tar"
  if [ -z "$LEFT" ]; then
    pass
  else
    fail "rd run -i $cut (its tar is there, cut off halfway: tar fails on it) left a cgroup in /sys/fs/cgroup/rubber-workshop: make the container's cgroup once its image is unpacked, not before (nor before looking the image up), or remove the cgroup when the start fails" \
      '(none)' "$LEFT"
  fi
fi

# Shares out of range, below or above (cpu.weight takes up to 10000: 262145 would be 10000 too, and more EINVAL once
# the cgroup is made), not all digits: refused before anything is made (parseInt would read 512x as 512; Number()
# reads 1e3 as 1000, a whole number, which a check for NaN alone, or for a whole number, lets through).
# A refusal counts only from a runtime that takes good shares: one that knows no --cpu-shares refuses them all.
check bad-shares-refused
if [ "$weight $weight2048 $weight_max" != '14 79 10000' ]; then
  fail "rd does not take good --cpu-shares yet (369, 2048 and 262144 gave the containers' cgroups cpu.weight ${weight:-none}, ${weight2048:-none} and ${weight_max:-none}), so refusing bad ones says nothing: fix cpu-weight first"
elif refused --cpu-shares 'a whole number from 2 to 262144' --cpu-shares 1 &&
  refused --cpu-shares 'a whole number from 2 to 262144' --cpu-shares 262145 &&
  refused --cpu-shares 'a whole number from 2 to 262144, all of it a number' --cpu-shares 512x &&
  refused --cpu-shares 'a whole number from 2 to 262144, in digits: 1e3 is a number to Number(), and a whole one, but no number to Docker' --cpu-shares 1e3 &&
  refused --cpu-shares "a whole number from 2 to 262144: an empty one, as --cpu-shares=\$S gives with S unset, is none (if (options.cpuShares) skips it)" --cpu-shares ''; then
  pass
fi
