# Level 12: pids cgroup. --pids-limit N writes N to the container cgroup's pids.max before the command starts;
# without the flag the container has no limit of its own (pids.max is max, as with Docker); what is not a whole
# number from 1 to 4194304 is refused by rd. A fork bomb in the container stops at N tasks while the VM can still start
# processes. Judged from outside: the container's cgroup files and the processes in it, in the harness's
# /proc and /sys.
TRACE_CALLS='write|mkdir|rmdir'

cg=$SANDBOX_CGROUP/rubber-workshop
clear_cgroups_left
# A limit new each run (24–39), so that no fixed number can pass; above the dozen threads a Node process has,
# so that rd's own threads in the container's cgroup leave the bomb visibly fewer processes than the limit.
limit=$(random_in 24 16)

check pids-limit
# The default first: no flag, no limit of the container's own.
probe '' -i busybox
[ -n "$PROBE" ] && default_max=$(cat "$(p_cgroup_dir)/pids.max" 2>&1)
probe_end
# The bomb, the command's first act: a subshell starts up to 64 sleeping children, one after another, until a
# fork fails (busybox sh gives up on the first "can't fork"); the command then holds still with what is left.
probe '( i=0; while [ $i -lt 64 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null' -i busybox --pids-limit "$limit"
if [ -n "$PROBE" ]; then
  cgroup=$(p_cgroup)
  dir=$(p_cgroup_dir)
  max=$(cat "$dir/pids.max" 2> /dev/null || echo none)
  # (Counted apart from pids.current, which a cgroup without the pids controller does not have.)
  current=$(wc -l < "$dir/cgroup.threads")
  refused=$(sed -n 's/^max //p' "$dir/pids.events" 2> /dev/null)
  strangers=$(p_cgroup_strangers)
  # The VM, while the container is at its limit: its shell must still be able to start a process. (Not vm: a
  # fork refused here is what this looks for, not a setting-up step gone wrong.)
  in_sandbox /bin/sh -c 'sleep 0 & wait $!' && vm_forks=yes
fi
parent_max=$(cat "$cg/pids.max" 2> /dev/null)
own_max=$(cat "$SANDBOX_CGROUP/init/pids.max" 2> /dev/null)
probe_end
# The container's cgroup as rd left it: removed, once its last process (the bomb's too) was gone.
left=$(cgroups_left)
handed_down=$(cat "$cg/cgroup.subtree_control" 2> /dev/null)
if [ -d "$cg" ] && ! echo "$handed_down" | grep -qw pids && { [ -z "$PROBE" ] || [ "$max" = none ]; }; then
  point_cgroup_handed_down
  fail "the container's cgroup has no pids.max to hold --pids-limit $limit: /sys/fs/cgroup/rubber-workshop hands no pids controller down to its children, so their cgroups have no pids files (and no file can be made in a cgroup). Write +pids to /sys/fs/cgroup/rubber-workshop/cgroup.subtree_control with +cpu and +memory" \
    'cgroup.subtree_control: cpu memory pids' "cgroup.subtree_control: ${handed_down:-(empty)}"
elif [ "$own_max" != max ] && [ -n "$own_max" ]; then
  point_12_pids_max
  fail "the VM's own cgroup, where rd itself runs (/sys/fs/cgroup/init), has pids.max $own_max: the limit belongs to the container's cgroup, /sys/fs/cgroup/rubber-workshop/<id>. (In rd's cgroup it counts rd's own Node threads and the VM's processes)" \
    "pids.max $limit in /rubber-workshop/<id>" "pids.max $own_max in /init"
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ "${cgroup#/rubber-workshop/}" = "$cgroup" ]; then
  fail "the container runs in $cgroup, not in a cgroup of its own, /sys/fs/cgroup/rubber-workshop/<id> (level 08): no limit of its own can apply" \
    "cgroup: /rubber-workshop/<id>" "cgroup: $cgroup"
elif [ "$max" = max ] && [ "$parent_max" = "$limit" ]; then
  point_12_pids_max
  fail "with --pids-limit $limit, the container's own cgroup has pids.max max while /sys/fs/cgroup/rubber-workshop has $limit: that limit holds all containers together, one bomb takes the others' share. Write it to the container's cgroup, <CGROUPS>/<id>/pids.max" \
    "pids.max $limit in $cgroup" "pids.max $max in $cgroup, $parent_max in /rubber-workshop"
elif [ "$max" = "$((limit + 1))" ]; then
  point_12_pids_max
  fail "with --pids-limit $limit, the container's pids.max is $max, one too many: pids.max counts every task of the cgroup, the command's first process included, so write the number as it is given" \
    "pids.max $limit" "pids.max $max"
elif [ "$max" = max ]; then
  point_12_pids_max
  fail "with --pids-limit $limit, the container's cgroup has pids.max max, no limit: is the flag parsed but never written? Write the number to pids.max of the container's cgroup before the init stage starts" \
    "pids.max $limit" "pids.max $max"
elif [ "$max" = "$limit" ] && [ "$default_max" != max ] && [ -n "$default_max" ]; then
  fail "without --pids-limit, the container's cgroup has pids.max $default_max: a container without the flag has no limit of its own, as with Docker. Write pids.max only when the flag is given (a new cgroup's pids.max is max)" \
    "pids.max max without --pids-limit" "pids.max $default_max without it"
else
  point_12_pids_max
  expect_eq "pids.max $limit with --pids-limit $limit, max without it" "pids.max $max with --pids-limit $limit, ${default_max:-(rd failed)} without it" \
    "pids.max of the container's cgroup: the number --pids-limit gives (written before the command starts), and without the flag no limit of its own, max, as Docker does"
fi

check fork-bomb-contained
same_run
# Judged on what the bomb got, whatever pids.max says: the limit must hold from the command's first fork on.
if [ -z "$PROBE" ]; then
  fail "there was no container with --pids-limit $limit to bomb: fix pids-limit first"
elif [ -n "$strangers" ]; then
  point_cgroup_procs
  fail "the container's cgroup also held processes that are not the container's: $strangers. Their tasks (a Node process has a dozen threads) count against --pids-limit $limit too (the cgroup held $current tasks, theirs among them), leaving the command less room: only the init stage moves into the container's cgroup, never rd itself" \
    "only the container's processes" "also $strangers"
elif [ "${refused:-0}" -lt 1 ]; then
  fail "the bomb ran $current tasks with --pids-limit $limit, and the kernel refused none of its forks (pids.max of its cgroup: $max): no limit held the container. Write the number to the container's pids.max when creating its cgroup, before the init stage starts (a limit written later, below pids.current, stops new forks only: it ends nothing)" \
    "forks refused at $limit tasks" "$current tasks, none refused"
elif [ "$current" != "$((limit - 1))" ]; then
  fail "the bomb was stopped with $current tasks left in the container's cgroup (pids.max $max): --pids-limit $limit allows $limit, the command, its subshell and $((limit - 2)) sleeps, and the subshell's end then leaves $((limit - 1)). The limit must be the number given, and only the container's processes may count against it" \
    "$((limit - 1)) tasks left" "$current tasks left"
elif [ "$vm_forks" != yes ]; then
  fail "the VM could not start a process while the container's bomb was at its limit: the VM must keep working whatever the container does"
elif [ -n "$left" ]; then
  point_cgroup_removed
  fail "rd left the container's cgroup behind after the bomb (its last process gone, rd exited with status $RC): remove it with rmdir once the container has exited" \
    '(none)' "$(echo $left)"
else
  pass
fi

check bad-limit-refused
# A refusal counts only from a runtime that takes good limits: one that knows no --pids-limit refuses them all. The
# smallest, 1 (the command alone, which starts nothing), is one, as Docker takes it, and so is the largest, 4194304:
# a bound checked one off refuses it.
if [ "$max" = "$limit" ]; then
  probe '' -i busybox --pids-limit 1
  min_max=$([ -n "$PROBE" ] && cat "$(p_cgroup_dir)/pids.max" 2> /dev/null)
  probe_end
  # (Only then: a failure shows the rd call it is about.)
  # (With --userns auto: the start through unshare(1) must write the limit too, as the other does.)
  if [ "$min_max" = 1 ]; then
    subordinate_ids
    probe '' -i busybox --pids-limit 4194304 --userns auto
    top_max=$([ -n "$PROBE" ] && cat "$(p_cgroup_dir)/pids.max" 2> /dev/null)
    probe_end
  fi
fi
if [ "$max" != "$limit" ]; then
  fail "rd does not take a good --pids-limit yet (with --pids-limit $limit the container's pids.max was ${max:-not there}), so refusing a bad one says nothing: fix pids-limit first"
elif [ "$min_max" != 1 ]; then
  point_12_pids_max
  fail "with --pids-limit 1 the container's pids.max must be 1: 1 is the smallest limit, and a good one (the command alone, which starts nothing). Take every whole number from 1 to 4194304" \
    'pids.max 1 with --pids-limit 1' "${min_max:+pids.max $min_max}${min_max:-no container (rd's exit status $RC, its output below)}"
elif [ "$top_max" = max ]; then
  point_12_pids_max
  fail "with --pids-limit 4194304 --userns auto the container's pids.max stayed max: the start through a user namespace (unshare(1)) never wrote the limit. rd run writes every limit into the container's cgroup when it makes it, whichever way the container then starts" \
    'pids.max 4194304 with --pids-limit 4194304 --userns auto' 'pids.max max'
elif [ "$top_max" != 4194304 ]; then
  point_12_pids_max
  fail "with --pids-limit 4194304 (and --userns auto) the container's pids.max must be 4194304: the most PIDs Linux hands out, and so the largest limit pids.max takes. Take every whole number from 1 to 4194304" \
    'pids.max 4194304 with --pids-limit 4194304 --userns auto' "${top_max:+pids.max $top_max}${top_max:-no container (rd's exit status $RC, its output below)}"
else
  # 0, a negative number, a number with a letter after it (what parseInt would still read as the limit), a
  # fraction (a number to Number(), and no whole one), one more than the most PIDs Linux hands out, and an
  # exponent (a whole number to Number() and Number.isInteger, and no number to Docker), and nothing.
  all_refused=yes
  for bad in 0 "-$limit" "${limit}x" 1.5 4194305 1e2 ''; do
    refused --pids-limit "a whole number from 1 to 4194304, in digits: 0 could not start a single process, the kernel hands out no more PIDs than that, and all of it must be digits, as parseInt reads ${limit}x as $limit and Number() 1e2 as 100; an empty one, as --pids-limit=\$N gives with N unset, is none (if (options.pidsLimit) skips it)" \
      --pids-limit "$bad" || { all_refused=; break; }
  done
  [ -n "$all_refused" ] && pass
fi
