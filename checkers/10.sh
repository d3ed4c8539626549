# Level 10: dropping to a user. With --user U:G (random ids each run, neither listed in the image) or --user 1000
# (the group then coming from the image's /etc/passwd: learner, group 1100) the command runs with every uid U and
# every gid G, no supplementary groups and no capabilities, and what it creates belongs to U:G. Uid, gid and group
# differ on purpose: a mix-up of any two shows. Judged from outside: the container process's ids and
# capabilities, and the owner of its file, in the harness's /proc (ids as the sandbox numbers them).
TRACE_CALLS='setgroups|setgid|setuid'

as_root_login


# part: --user with a group, as numbers; a name the image does not have is refused
# (The ids are none the image lists: with a group given, nothing is looked up, and a runtime that wants the uid
# in /etc/passwd all the same shows.)
U=$(random_in 3000 3000) G=$(random_in 6000 3000)
check user-and-group
# (--user given as --user=U:G, the form with =, then --cpu-shares: a parser that took the next word as its value
# all the same would lose --cpu-shares, and take its value for the command.)
# (What was there before, for rd-stays-root: an earlier rd call in this VM may have left something.)
left_before=$( { container_items "$CONTAINERS"; cgroups_left; } | sort)
probe 'id; touch /tmp/made-by-the-command
  hostname renamed-by-the-command 2> /dev/null && echo "root left: sethostname worked"
  mount -t tmpfs none /tmp 2> /dev/null && echo "root left: mount worked"' --user=$U:$G --cpu-shares 1024
if [ -n "$PROBE" ]; then
  p_ids
  caps=$(p_status CapEff)
  owner=$(f=$(p_file /tmp/made-by-the-command) && [ ! -L "$f" ] && stat -c '%u %g' "$f" 2> /dev/null)
  owner=$(inside_ids "$owner" | tr ' ' :)
fi
probe_end
left_after_user=$( { container_items "$CONTAINERS"; cgroups_left; } | sort | grep -vxF "${left_before:-/}" | tr '\n' ' ')
point_10_ids # also when rd stopped at a call root was needed for (probe_missing)
if [ -z "$PROBE" ]; then
  probe_missing
else
  # The file shows the filesystem ids at work: the kernel gives a new file the process's fsuid and fsgid. The
  # capabilities are part of this check: setuid from 0 to 1000 drops them all, and execve as uid 1000 gives
  # none back, so no runtime mistake leaves them without leaving a uid at 0.
  want="uid $U $U $U $U, gid $G $G $G $G, file $U:$G, CapEff 0000000000000000"
  seen="uid $uids, gid $gids, file ${owner:-(none made)}, CapEff $caps"
  [ "$seen" = "$want" ] && user_dropped=yes
  expect_eq "$want" "$seen" \
    "with --user $U:$G every uid (real, effective, saved, filesystem) must be $U and every gid $G (/proc/PID/status), a file the command creates belongs to $U:$G, and the command holds no capability: as the init stage's last step before execve, call setgid($G), then setuid($U) — the other way round, setgid is no longer allowed. With a group given, nothing needs looking up: neither id is in the image's /etc/passwd"
fi

check no-supplementary-groups
same_run
if [ -z "$PROBE" ]; then
  probe_missing
else
  point_10_groups
  expect_eq 'groups: (none)' "groups: ${groups:-(none)}" \
    "the command kept supplementary groups: rd ran with root's (0), and setuid/setgid leave them alone. Call setgroups([]) before setgid"
fi

# rd itself, waiting for the command, stays root: its cleanup (the container's folder, the cgroup) needs it.
check rd-stays-root
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$user_dropped" ]; then
  fail "rd does not run the command as the user --user names yet: fix user-and-group first"
elif [ "$RC" != 137 ] || [ -n "$left_after_user" ]; then
  why=$(has_line '^ +at ' "$OUT" && echo ', with a stack trace')
  fail "once the command of --user $U:$G was killed (SIGKILL: 137), rd exited with status $RC$why and left ${left_after_user:-nothing}: rd itself must stay root, for its cleanup needs root (the container's folder and cgroup are root's); only the init stage becomes the user, as its last step before execve" \
    'exit status 137; nothing left' "exit status $RC; left: ${left_after_user:-nothing}"
else
  pass
fi

# A name is no number: taken for one (Number('12x') is NaN, which koffi hands to setgid as 0), it runs the
# command in root's group; parseInt and a pattern without $ read it as 12. A runtime that knows names finds no
# such group in the image. Nor is a number past 32 bits: koffi hands setuid and setgid 4294967296 as 0 too (given
# as the group beside a good uid, and as the user beside a good gid: a runtime that checks one side alone shows).
check user-as-numbers
if [ -z "$user_dropped" ]; then
  fail "rd does not run the command as the user --user names yet: fix user-and-group first"
elif refused --user "UID or UID:GID, each a number, whole: ${G}x is none (Number('${G}x') is NaN, which reaches setgid as 0; parseInt and a pattern without \$ take it for $G)" --user "$U:${G}x" &&
  refused --user "ids from 0 to 2147483647, as Docker does (the group is an id too): 2147483648 is past them, and the kernel would refuse it only once the container is made, as 4294967296 does not even fit an id's 32 bits (koffi hands it to setgid as 0, root's group)" --user "$U:2147483648" &&
  refused --user "ids from 0 to 2147483647, the user's too: 4294967296 does not fit an id's 32 bits, and koffi hands it to setuid as 0, root" --user "4294967296:$G" &&
  refused --user "UID or UID:GID, each a number: an empty group is no number (Number('') is 0, root's group), nor 'the user's own' (1000 is listed)" --user "1000:" &&
  refused --user "UID or UID:GID, each a number: an empty user is no number (Number('') is 0, root)" --user ":$G" &&
  refused --user "UID or UID:GID, one colon at most: a third part is neither (split(':') drops it without a word)" --user "$U:$G:$G" &&
  refused --user "UID or UID:GID: an empty one, as --user=\$U gives with U unset, is none (if (options.user) skips it, and the command runs as root, every capability kept)" --user ''; then
  pass
fi

# part: --user without a group, which comes from the image's /etc/passwd; a uid it does not list is refused
# (not run with group 0, root's, as a runtime that falls back to 0 would); with a group, the listed user gets it,
# and root too.
check user-without-group
probe 'id' -i busybox --user 1000
if [ -n "$PROBE" ]; then
  p_ids
fi
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "uid $uids, gid $gids, groups: ${groups:-(none)}" != 'uid 1000 1000 1000 1000, gid 1100 1100 1100 1100, groups: (none)' ]; then
  point_10_ids
  expect_eq 'uid 1000 1000 1000 1000, gid 1100 1100 1100 1100, groups: (none)' "uid $uids, gid $gids, groups: ${groups:-(none)}" \
    "with --user 1000 and no group, the group is the user's primary group in the image's /etc/passwd (learner:x:1000:1100:…): read it after pivot_root, where /etc/passwd is the image's, not the VM's"
elif refused --user "UID:GID, or a UID the image's /etc/passwd lists (1100 is no user's uid there, though learner's group is 1100: look at each line's third field, the uid), or there is no group to take" --user 1100; then
  pass
fi

# id_probe USER WANT WHY: a container of --user USER, whose ids must be WANT ("uid …, gid …, groups: …").
id_probe() {
  probe 'id' -i busybox --user "$1"
  [ -n "$PROBE" ] && p_ids
  probe_end
  if [ -z "$PROBE" ]; then
    probe_missing
  else
    point_10_ids
    expect_eq "$2" "uid $uids, gid $gids, groups: ${groups:-(none)}" "$3"
  fi
}

# A listed user with a group given: the group given wins over the one /etc/passwd lists, group 0 too (root's group
# is a group like any other, as in docker run --user 1000:0, OpenShift's way; if (gid) takes it for none).
check listed-user-given-group
id_probe 1000:0 'uid 1000 1000 1000 1000, gid 0 0 0 0, groups: (none)' \
  "with --user 1000:0 the group is 0, as given, though /etc/passwd lists user 1000 with group 1100: look the group up only when --user names none, and 0 is a group like any other (a test like if (gid) takes it for none)"

# Root with a group given: the uid stays 0, but the groups change as for any other user (docker run --user 0:G).
check root-user-given-group
G3=$(random_in 6000 3000)
id_probe "0:$G3" "uid 0 0 0 0, gid $G3 $G3 $G3 $G3, groups: (none)" \
  "with --user 0:$G3 the command stays root but in group $G3 alone, as docker run --user 0:$G3 runs it: to --user, root is a user like any other, so setgroups([]) and setgid($G3) are called for it too (setuid(0) changes nothing)"
