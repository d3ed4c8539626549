# Level 11: a user namespace (--userns auto). The container's root is root only in a user namespace of its
# own, whose uid_map and gid_map come from root's subordinate ids, written here with random starts each run
# (so a range written into rd shows), uid and gid ranges apart and of different sizes (so a mix-up shows).
# Judged from outside: the container process's maps, setgroups, ids and namespaces in the harness's /proc,
# the owners of its files, its hostname, and a setting of the VM's IPC namespace it must not be able to change.
TRACE_CALLS='setgroups|setgid|setuid|unshare|write'

# inside_owner UID:GID: an owner the kernel names, as the sandbox numbers it.
inside_owner() { inside_ids "$(echo "$1" | tr : ' ')" | tr ' ' :; }
UIDS="$(random_in 10000 10000) $(random_in 3000 1000)" # start count; within the VM's 0–65535
GIDS="$(random_in 30000 20000) $(random_in 5000 1000)"
# Other users' ranges come before and after root's in each file, as they may (usermod adds lines in any order):
# rd must take root's line, not the first or the last, nor one whose name only starts with root.
OTHER_UIDS="$(random_in 25000 10000) $(random_in 1000 1000)" OTHER_GIDS="$(random_in 2000 5000) $(random_in 1000 1000)"
vm "printf 'rootless:%s:%s\nroot:%s:%s\nlearner:%s:%s\n' $OTHER_UIDS $UIDS $OTHER_UIDS > /etc/subuid && printf 'rootless:%s:%s\nroot:%s:%s\nlearner:%s:%s\n' $OTHER_GIDS $GIDS $OTHER_GIDS > /etc/subgid"
# kernel ids, as the harness sees the container's root
ROOT_UID=$(( SANDBOX_ID + ${UIDS% *} )) ROOT_GID=$(( SANDBOX_ID + ${GIDS% *} ))

# p_lowerdir: the lowerdir of the probe's root, an overlay.
p_lowerdir() { p_mounts | awk '$1 == "/" { print $4 }' | tr ',' '\n' | sed -n 's/^lowerdir=//p'; }

# A setting of the VM's IPC namespace (rd gives the container none of its own): only a root privileged over
# the VM's user namespace may change it.
_msg_max() { nsenter -t "$SANDBOX" -i cat /proc/sys/fs/mqueue/msg_max; }
MSG_MAX=$(random_in 20 200)
HOST=ns$(random_in 1000 9000) # (the harness sets it, as the container's root)

# _map FILE: a uid_map or gid_map as the VM numbers its ids, its lines joined by "; ".
_map() { awk -v o="$SANDBOX_ID" '{ printf "%s%s %s %s", (NR > 1 ? "; " : ""), $1, $2 - o, $3 }' "$1" 2> /dev/null; }

# _expect_map FILE ACTUAL RANGE SUBID-FILE OTHER-RANGE LEARNER-RANGE: passes if the map FILE (uid_map,
# gid_map) is "0 RANGE", root's line in SUBID-FILE; else fails with the likely cause.
_expect_map() {
  case $2 in
    "0 $6") _cause="that is the line of another user, rootless (the first in $4) or learner (the last): take the line whose name is root, up to the colon (rd runs as root)" ;;
    '') _cause="the map is empty: rd run must write /proc/PID/$1 of unshare(1)'s process, once the init stage says it is in the namespace" ;;
    "0 $5") _cause="that is the other kind's range: are uid_map and gid_map swapped, or one read from the wrong subordinate-id file?" ;;
    '0 0 65536') _cause="that is the VM's own map: the container has no user namespace of its own (unshare --user)" ;;
    '0 '*' 1') _cause="only root is mapped (COUNT 1): map the whole range, so that --user can give the command other ids" ;;
    *) _cause="write the line 0 START COUNT, as root's line in $4 says" ;;
  esac
  point_11_map "$1"
  expect_eq "0 $3" "$2" "the container's $1 (as the VM numbers ids) is not root's line in $4, root:${3% *}:${3#* }: $_cause"
}

# part: a container in a user namespace of its own, as root
check uid-map
# A container without a user namespace first, so that the image is unpacked as it is, owned by the VM's root:
# a runtime that keeps one copy of an image for every user namespace then shows. rd starts as a root login does,
# with root's supplementary groups, which the container's root must not keep (setgroups is denied inside).
as_root_login
rd run -i busybox -- /bin/true
# /etc is the image's, /tmp's file new: who owns them outside says whose ids the image and the command use.
privileged
# (The command holds as a shell with a trap for SIGTERM, and ends by one sent to rd: for sigterm-passed-on.)
PROBE_ON_TERM=yes
# (With limits: the start through unshare(1) must write them as the other start does; 512 shares are weight 20.
# rd's stdin a file of the checker's, told apart from the /dev/null a start that ignores it gives: for
# streams-inherited.)
: > /run/check/stdin-11
RD_STDIN=/run/check/stdin-11
probe "touch /tmp/made-by-root; echo $MSG_MAX > /proc/sys/fs/mqueue/msg_max" -i busybox --userns auto --memory 48m --cpu-shares 512 $PRIVILEGED
PROBE_ON_TERM= RD_STDIN=
if [ -n "$PROBE" ]; then
  streams_not_rds=$(p_output_not_rds)
  # (Its stdin is where the shell holding it keeps fd 0 while its read waits on the hold's fifo: at fd 10 or above.)
  stdin_kept=$(for fd in /proc/$PROBE/fd/*; do [ "${fd##*/}" -ge 10 ] && readlink "$fd"; done 2> /dev/null | head -n 1)
  for fd in /proc/$PROBE/fd/*; do same_file "$fd" /run/check/stdin-11 && break; done ||
    streams_not_rds=" 0:${stdin_kept:-closed}$streams_not_rds"
  own_userns=$(p_ns user) vm_userns=$(s_ns user)
  vm_pid=$(p_status NSpid | cut -d ' ' -f 2)
  uid_map=$(_map /proc/$PROBE/uid_map) gid_map=$(_map /proc/$PROBE/gid_map)
  setgroups=$(cat /proc/$PROBE/setgroups)
  p_ids
  ids="uid $(p_status Uid), gid $(p_status Gid)"
  caps=$(p_status CapEff)
  made=$(f=$(p_file /tmp/made-by-root) && [ ! -L "$f" ] && stat -c '%u:%g' "$f" 2> /dev/null)
  lowerdir=$(p_lowerdir)
  cgroup=$(p_cgroup) strangers=$(p_cgroup_strangers)
  limits=$(for f in memory.max cpu.weight; do cat "$(p_cgroup_dir)/$f" 2> /dev/null || echo none; done | paste -s -d ' ')
  etc=$(f=$(p_file /etc) && stat -c '%u:%g' "$f")
  # The image's one file not root's: /home/learner, 1000:1100. Moved by the starts, it is not the root's.
  home=$(f=$(p_file /home/learner) && stat -c '%u:%g' "$f")
  # A file, and a symbolic link's own owner (stat does not follow it): each is moved too, not only folders.
  passwd=$(f=$(p_file /etc/passwd) && [ ! -L "$f" ] && stat -c '%u:%g' "$f")
  sh_link=$(f=$(p_file /bin/sh) && [ -L "$f" ] && stat -c '%u:%g' "$f")
  # The image's set-user-ID file (mode 4755) and set-group-ID one (2755): chown clears both bits, which must go back.
  suid_mode=$(for e in setuid setgid; do f=$(p_file /usr/local/bin/$e-example) && [ ! -L "$f" ] && stat -c %a "$f" || echo '?'; done | paste -s -d ' ')
  # And every other file of its root (the overlay; not what is mounted on it): owners outside the maps are nobody
  # inside. (The few above name the likely mistake; this one finds a move that stopped short.)
  # (find names the points where others are mounted, /proc and /sys, with their mounts' owners: not judged.)
  # Modes too: a file that is no link may not have become writable by anyone (chmod follows a link, whose own
  # mode is 777: a mode put back through one lands on its target). Its root's own owner, the upper folder's.
  find "/proc/$PROBE/root/" -xdev -exec stat -c '%u %g %A %n' {} + 2> /dev/null | sed 's#^\([^ ]* [^ ]* [^ ]*\) /proc/[0-9]*/root/#\1 /#' > /run/check/11-files
  # (The points as words, never as patterns: a mount point named /usr/*/* must not stand for the harness's files.)
  points=" $(p_mounts | awk '{ print $1 }' | tr '\n' ' ')"
  unmapped=$(awk -v u="$ROOT_UID" -v g="$ROOT_GID" -v uc="${UIDS#* }" -v gc="${GIDS#* }" -v points="$points" \
      'index(points, " " $4 " ") { next }
       $1 < u || $1 >= u + uc || $2 < g || $2 >= g + gc { n++; if (n <= 3) printf "%s%s", (n > 1 ? ", " : ""), $4 }
       END { if (n > 3) printf " and %d more", n - 3 }' /run/check/11-files)
  writable=$(awk -v points="$points" 'index(points, " " $4 " ") { next }
       $3 !~ /^l/ && substr($3, 9, 1) == "w" && substr($3, 10, 1) !~ /[tT]/ { n++; if (n <= 3) printf "%s%s (%s)", (n > 1 ? ", " : ""), $4, $3 }
       END { if (n > 3) printf " and %d more", n - 3 }' /run/check/11-files)
  top=$(stat -c '%u:%g' "/proc/$PROBE/root/")
  # What the container's root may do, tried by the harness with its own programs, entering the container's
  # namespaces as its root (whatever the command did or left out): make a file in the image's /etc, set the
  # hostname of the container's UTS namespace (only its user namespace's root may), and, below, change a
  # setting of the VM's IPC namespace (only a root privileged over the VM may).
  # (Its root stays the harness's: an /etc that is a link, which would lead there, is not written through; the
  # file's name is one rd never saw, so nothing can wait there for the write.)
  as_root() { /usr/local/sbin/nsenter --user="/proc/$PROBE/ns/user" "$@" 2> /dev/null; }
  as_root --mount="/proc/$PROBE/ns/mnt" --root=/ --wd="/proc/$PROBE/root" sh -c "[ ! -L etc ] && : > etc/.made-by-root-$(random_in 0 60000)" && etc_made=makes || etc_made='cannot make'
  as_root --uts="/proc/$PROBE/ns/uts" hostname "$HOST" && uts_owned=yes || uts_owned=
  msg_max=$(_msg_max)
  # (Said, not read from the exit status: a try that rd's processes stopped must not count as refused.)
  ipc_try=$(as_root --ipc="/proc/$SANDBOX/ns/ipc" sh -c "echo $((MSG_MAX + 1)) 2> /dev/null > /proc/sys/fs/mqueue/msg_max && echo changed || echo refused")
fi
probe_end_by_term
nsenter -t "$SANDBOX" -i sh -c 'echo 10 > /proc/sys/fs/mqueue/msg_max' # the VM's default, for what comes after
if [ -z "$PROBE" ]; then
  point_11_maps "$UIDS" "$GIDS"
  probe_missing
elif [ "$own_userns" = "$vm_userns" ]; then
  fail "the container runs in the VM's user namespace ($own_userns): with --userns auto, start the init stage through unshare --user (Node cannot unshare CLONE_NEWUSER itself)" \
    "a user namespace of its own" "$own_userns"
else
  _expect_map uid_map "$uid_map" "$UIDS" /etc/subuid "$GIDS" "$OTHER_UIDS"
fi

check gid-map
same_run
if [ -z "$PROBE" ]; then
  probe_missing
else
  _expect_map gid_map "$gid_map" "$GIDS" /etc/subgid "$UIDS" "$OTHER_GIDS"
fi

check setgroups-denied
same_run
if [ -z "$PROBE" ]; then
  probe_missing
else
  point_11_setgroups
  expect_eq deny "$setgroups" \
    "/proc/PID/setgroups of the container says '$setgroups': write deny to it before gid_map, as a writer without privilege over the VM's ids must, so that no process inside can shed a group"
fi

check root-without-groups
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$own_userns" = "$vm_userns" ]; then
  fail "the container runs in the VM's user namespace, so whose groups its root holds there says nothing of this level: fix uid-map first"
else
  point_first '^parent [0-9]+ setgroups\(' 'write\("/proc/[^/]+/setgroups"'
  expect_eq 'groups: (none)' "groups: ${groups:-(none)}" \
    "the container's root kept rd's supplementary groups (rd ran as a root login, with root's group 0), and with setgroups denied nothing inside can ever shed them: rd run calls setgroups([]) before it starts unshare, with or without --user"
fi

check files-owned-by-mapped-root
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$uid_map; $gid_map" != "0 $UIDS; 0 $GIDS" ]; then
  fail "the container's maps are not root's ranges (see uid-map and gid-map), so the ids it has outside say nothing yet: fix the maps first"
elif [ "$ids" != "uid $ROOT_UID $ROOT_UID $ROOT_UID $ROOT_UID, gid $ROOT_GID $ROOT_GID $ROOT_GID $ROOT_GID" ]; then
  trace_point '^init [0-9]+ set[gu]id\('
  fail "the container's root must be uid ${UIDS% *} and gid ${GIDS% *} outside (0 inside): once rd run has written the maps, the init stage is still the VM's root, unmapped (nobody) in there: call setgid(0), then setuid(0)" \
    "uid $(inside_ids "$ROOT_UID"), gid $(inside_ids "$ROOT_GID")" "$(inside_ids "${ids#uid }" | sed 's/ gid/, gid/')"
elif [ -z "$made" ]; then
  fail "the container's root could not make /tmp/made-by-root (the command's output is below): is the image's /tmp its own? (see image-files-mapped)" \
    "owner: ${UIDS% *}:${GIDS% *}" 'no file'
else
  expect_eq "owner: ${UIDS% *}:${GIDS% *}" "owner: $(inside_owner "$made")" \
    "a file the container's root makes (/tmp/made-by-root) must belong to uid ${UIDS% *}, gid ${GIDS% *} outside, the ids its 0 maps to"
fi

check image-files-mapped
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$uid_map; $gid_map" != "0 $UIDS; 0 $GIDS" ]; then
  fail "the container's maps are not root's ranges (see uid-map and gid-map), so the ids it has outside say nothing yet: fix the maps first"
elif [ "$etc" = "$SANDBOX_ID:$SANDBOX_ID" ] && [ "$lowerdir" = "$CONTAINERS/images/busybox" ]; then
  fail "the container runs on $lowerdir, the copy of the image a container without a user namespace unpacked, owned by the VM's root (unmapped in the container's namespace, nobody inside): its root cannot write there. Keep a copy of the image for each pair of ranges, its owners moved up by their starts (e.g. $CONTAINERS/images/busybox@START.START)" \
    "/etc owned by ${UIDS% *}:${GIDS% *}" "/etc owned by 0:0, in $lowerdir"
elif [ "$etc" != "$ROOT_UID:$ROOT_GID" ]; then
  fail "the image's /etc belongs to $(inside_owner "$etc") outside, ids the container's user namespace does not map (nobody inside): its root cannot write there. Move every owner of the unpacked image up by the ranges' starts (lchownSync), as Docker's userns-remap does" \
    "/etc owned by ${UIDS% *}:${GIDS% *}" "/etc owned by $(inside_owner "$etc")"
elif [ "$home" != "$((ROOT_UID + 1000)):$((ROOT_GID + 1100))" ]; then
  fail "the image's /home/learner, owned by 1000:1100 in the image, belongs to $(inside_owner "$home") outside: every owner must move up by the ranges' starts (uid + ${UIDS% *}, gid + ${GIDS% *}), so that learner is still learner inside, not be set to the starts" \
    "/home/learner owned by $((${UIDS% *} + 1000)):$((${GIDS% *} + 1100))" "/home/learner owned by $(inside_owner "$home")"
elif [ "$passwd" != "$ROOT_UID:$ROOT_GID" ]; then
  fail "the image's /etc/passwd belongs to $(inside_owner "$passwd") outside, where its folder /etc was moved: move the owner of every file in the unpacked image, not only of its folders" \
    "/etc/passwd owned by ${UIDS% *}:${GIDS% *}" "/etc/passwd owned by $(inside_owner "$passwd")"
elif [ "$sh_link" != "$ROOT_UID:$ROOT_GID" ]; then
  fail "the image's /bin/sh, a symbolic link, itself belongs to $(inside_owner "$sh_link") outside: a link has an owner of its own, which lchownSync moves (chownSync would change its target instead; a link left alone stays the VM root's, nobody inside)" \
    "/bin/sh (the link) owned by ${UIDS% *}:${GIDS% *}" "/bin/sh (the link) owned by $(inside_owner "$sh_link")"
elif [ "$suid_mode" != '4755 2755' ]; then
  fail "the image's /usr/local/bin/setuid-example (mode 4755 in the image, set-user-ID) and setgid-example (2755, set-group-ID) have modes $suid_mode in the container's copy: chown (lchownSync) clears the set-user-ID bit, and the set-group-ID bit of a file its group may run, so a program such as su (set-user-ID) or crontab (set-group-ID) would lose its powers. Put the mode back after moving the owner, on files that are no links, whichever bit they have (fs.chmodSync(file, mode & 0o7777): chmod follows a link)" \
    'modes 4755 2755' "modes $suid_mode"
elif [ -n "$unmapped" ]; then
  fail "some of the image's files still belong to ids outside the container's maps (nobody inside), though /etc, /etc/passwd, /home/learner and /bin/sh were moved: move the owner of every file and folder of the unpacked image, at every depth" \
    'every owner within the maps' "not moved: $unmapped"
elif [ -n "$writable" ]; then
  fail "files of the image became writable by anyone in the container's copy: $writable. chmod follows a symbolic link, whose own mode is 777, so a mode put back through a link lands on its target: put modes back on files that are no links only" \
    'modes as in the image' "writable by anyone: $writable"
elif [ "$top" != "$ROOT_UID:$ROOT_GID" ]; then
  fail "the container's / (the overlay's top, which takes its upper folder's owner) belongs to $(inside_owner "$top") outside, not to the container's root (${UIDS% *}:${GIDS% *} outside): give the container's upper, work and merged folders the ranges' starts as owner, uid's and gid's each" \
    "/ owned by ${UIDS% *}:${GIDS% *}" "/ owned by $(inside_owner "$top")"
else
  expect_eq "the container's root makes a file in /etc" "the container's root $etc_made a file in /etc" \
    "the harness, entering the container's namespaces as its root, could not make a file in the image's /etc, though /etc is its own: is the overlay's upperdir the container's root's (owned by uid ${UIDS% *}, gid ${GIDS% *} outside)?"
fi

check capabilities-only-inside
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$msg_max" = "$MSG_MAX" ]; then
  fail "the container's root changed a setting of the VM's IPC namespace (/proc/sys/fs/mqueue/msg_max): it is still privileged over the VM. Its capabilities must count only in its own user namespace" \
    "the VM's msg_max unchanged" "msg_max $msg_max"
elif [ "$ipc_try" = changed ]; then
  fail "the harness, entering the container's user namespace as its root, could change a setting of the VM's IPC namespace (/proc/sys/fs/mqueue/msg_max; the command's own try left it as it was): that user namespace is privileged over the VM's, so the container's root is root of the VM. Its capabilities must count only in a user namespace of its own, made below the VM's (unshare --user)" \
    "the VM's msg_max unchanged by the container's root" "msg_max $((MSG_MAX + 1)), written as the container's root"
elif [ "$ipc_try" != refused ]; then
  fail "the harness could not try, as the container's root, to change the VM's msg_max (its try ended without a word: was it killed?)" \
    'the try refused' "${ipc_try:-no answer}"
elif [ $(( (0x${caps:-0} >> 21) & 1 )) = 0 ]; then
  fail "the container's root holds no CAP_SYS_ADMIN in its own user namespace (CapEff $caps), so it cannot even set its own hostname: the root inside must hold every capability there (unshare --keep-caps keeps them across execve until the ids are mapped)" \
    'CapEff with every capability' "CapEff $caps"
elif [ -z "$uts_owned" ]; then
  fail "the harness, entering the container's user and UTS namespaces as its root, could not set the hostname: the UTS namespace belongs to another user namespace (the VM's). Make it after the user namespace, in the init stage that unshare --user starts" \
    "the container's root sets its hostname" 'refused'
else
  pass
fi

check own-cgroup
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$own_userns" = "$vm_userns" ]; then
  fail "the container has no user namespace of its own (see uid-map), so there was no unshare(1) whose child could be left out of the container's cgroup yet: fix uid-map first"
elif [ "${cgroup#/rubber-workshop/}" = "$cgroup" ]; then
  fail "with --userns auto the command runs in $cgroup, not in a cgroup of its own under /sys/fs/cgroup/rubber-workshop: no limit of the container's holds it. unshare(1) has already forked the init stage when it says it is in the namespace: move that child (/proc/<unshare's pid>/task/<pid>/children) into the container's cgroup, not unshare's own process" \
    "cgroup: /rubber-workshop/<id>" "cgroup: $cgroup"
elif [ -n "$strangers" ]; then
  fail "with --userns auto the container's cgroup (or a cgroup below it, whose processes its limits count too) also holds processes that are not the container's: $strangers. unshare(1), rd's helper, waits in the VM's PID namespace: in the container's cgroup its tasks count against --pids-limit (N − 1 left for the command) and its memory against --memory. Move only unshare's child, the init stage, into the container's cgroup" \
    "only the container's processes" "also $strangers"
elif [ "$limits" != '50331648 20' ]; then
  fail "with --userns auto --memory 48m --cpu-shares 512 the container's cgroup has memory.max and cpu.weight $limits: the start through a user namespace (unshare(1)) never wrote its limits. rd run writes every limit into the container's cgroup when it makes it, whichever way the container then starts" \
    'memory.max 50331648, cpu.weight 20' "memory.max, cpu.weight: $limits"
else
  pass
fi

check sigterm-passed-on
# The uid-map check's container, stopped as kill <rd> stops one: a SIGTERM to rd alone, which rd passes on to the
# command (level 00). With --userns auto rd's child is unshare(1), which blocks SIGTERM while it waits: passed to
# it, the signal reaches no one. The command is unshare's child, whose PID rd reads to move it into the cgroup:
# that PID gets the signal, and rd's report names it.
same_run
report=$(rd_report)
if [ -z "$PROBE" ] || [ "$own_userns" = "$vm_userns" ]; then
  fail "the container of --userns auto above had no user namespace of its own (see uid-map), so there was no unshare(1) between rd and the command yet: fix uid-map first"
elif [ -n "$TERM_GOT" ] && [ -n "$TERM_RD_ALIVE" ] && [ -n "$report" ] && [ "${report%% *}" != "$vm_pid" ]; then
  fail "rd reported PID ${report%% *}, but the command's PID, as rd's PID namespace numbers it, is $vm_pid: with --userns auto, rd's child (child.pid) is unshare(1); the command is unshare's child, the PID rd reads to move it into the cgroup: report that one" \
    "$vm_pid …" "$report"
else
  term_verdict "to the command, unshare(1)'s child (the PID rd reads from /proc/PID/task/PID/children to move it into the cgroup), not to unshare, which blocks SIGTERM while it waits: process.kill(pid, 'SIGTERM')"
fi

check streams-inherited
# The uid-map check's container: its command's stdin, stdout and stderr are rd's own, as the kernel hands them on
# (level 00), though rd's child is unshare(1), whose spawn has a fourth stream, the channel.
same_run
if [ -z "$PROBE" ] || [ "$own_userns" = "$vm_userns" ]; then
  fail "the container of --userns auto above had no user namespace of its own (see uid-map), so there was no unshare(1) between rd and the command yet: fix uid-map first"
elif [ -n "$streams_not_rds" ]; then
  fail "with --userns auto the command's standard streams were not rd's own (the harness's view of the command's fds:$streams_not_rds): spawn unshare(1) with stdio ['inherit', 'inherit', 'inherit', 'pipe'], the channel fourth, as the direct start inherits all three. Else \`echo hi | rd run --userns auto -- cat\` reads nothing, or the output goes through rd" \
    "fds 0, 1 and 2: rd's stdin, stdout and stderr" "$(echo $streams_not_rds)"
else
  pass
fi

# An unpack for a user namespace's ranges that fails halfway (the image's tar cut off in its middle) must not be
# kept as the copy for those ranges, <image>@START.GSTART: every later container of them would run on half an image.
check mapped-copy-not-kept-half
# Two ways for the copy to fail: the unpack (a tar cut off in its middle), and the owners' move, after it: a file of
# image unmoved owned by 60000, which moved by the ranges' starts (10000 and more) is past the ids the VM maps
# (0–65535): lchown fails with EINVAL, and rd with it. (A copy renamed into place before its owners are moved is
# left half moved.)
# kept_copy IMAGE: the copy of IMAGE for some ranges, if rd left one.
kept_copy() { ls -A "$(s_file "$CONTAINERS/images")" 2> /dev/null | grep -Ex "$1@[0-9]+\\.[0-9]+" | tr '\n' ' ' | sed 's/ $//'; }
cut_tar=$(s_file "$IMAGES")/halfmapped.tar unmoved_tar=$(s_file "$IMAGES")/unmoved.tar
rm -rf "$cut_tar" "$unmoved_tar" /run/check/unmoved
tar_cut_halfway | s_put "$IMAGES/halfmapped.tar"
mkdir -p /run/check/unmoved/etc && echo unmoved > /run/check/unmoved/etc/rubber-image &&
  chown -R 60000:60000 /run/check/unmoved/etc && tar -C /run/check/unmoved -cf - etc | s_put "$IMAGES/unmoved.tar"
rd run -i halfmapped --userns auto -- /bin/true
cut_rc=$RC kept=$(kept_copy halfmapped) unmoved_kept=
# (The second only if the first went right: a failure shows the rd call it is about. A container that ran is no
# concern here: an idmapped mount, say, needs no copy and moves no owner.)
if [ "$cut_rc" != 0 ] && [ -z "$kept" ]; then
  rd run -i unmoved --userns auto -- /bin/true
  unmoved_kept=$([ "$RC" = 0 ] || kept_copy unmoved)
fi
rm -rf "$cut_tar" "$unmoved_tar" /run/check/unmoved
linked=$(s_linked "$IMAGES" "$CONTAINERS/images")
if [ -n "$linked" ]; then
  links_refused "$linked"
elif [ -z "$PROBE" ] || [ "$own_userns" = "$vm_userns" ]; then
  fail "the container of --userns auto above had no user namespace of its own, so there was no copy of the image for its ranges to judge: fix uid-map first"
elif [ "$cut_rc" = 0 ]; then
  fail "rd ran a container of image halfmapped, whose tar is cut off in its middle: tar fails on it, and so must rd" 'an error' 'exit status 0'
elif [ -n "$kept" ]; then
  fail "an unpack for the container's ranges failed halfway (the tar of image halfmapped is cut off in its middle), and rd left $CONTAINERS/images/$kept in place: every later container of those ranges would take it for the image and run on half of it. Unpack, and move the owners, in a folder of a random name beside it, and rename that into place once both have succeeded, as level 04 does for the image itself" \
    'no halfmapped@START.GSTART' "$kept"
elif [ -n "$unmoved_kept" ]; then
  fail "moving the owners of image unmoved for the container's ranges failed (its /etc is owned by 60000, which the ranges' start moves past the ids the VM maps: lchown fails with EINVAL), and rd left $CONTAINERS/images/$unmoved_kept in place, its owners half moved: the container's root would find files it does not own, shown as nobody. Move the owners in the folder beside it, before renaming it into place" \
    'no unmoved@START.GSTART' "$unmoved_kept"
else
  pass
fi

# part: a user in a user namespace of its own
check user-inside-userns
as_root_login
# A container of the ranges so far first, so that the image has a copy for them; then root's ranges change,
# as /etc/subuid may between two runs, and the user's container must run on a copy for its own ranges. Only
# the group range's start changes: a copy known by the user range's start alone would be the old one. The user's
# is the second container of the new ranges: a copy whose owners are moved again at every start shows.
rd run -i busybox --userns auto -- /bin/true
UIDS2="${UIDS% *} $(random_in 3000 1000)" GIDS2="$(random_in 50000 10000) $(random_in 3000 1000)"
vm "printf 'root:%s:%s\n' $UIDS2 > /etc/subuid && printf 'root:%s:%s\n' $GIDS2 > /etc/subgid"
rd run -i busybox --userns auto -- /bin/true
probe 'id' -i busybox --userns auto --user 1000:2000
userns2=
if [ -n "$PROBE" ]; then
  p_ids
  [ "$(p_ns user)" != "$(s_ns user)" ] && userns2=yes
  etc2=$(f=$(p_file /etc) && inside_ids "$(stat -c '%u %g' "$f")" | tr ' ' :)
  lower2=$(p_lowerdir)
fi
probe_end
# The copy it ran on, after its end (for mapped-copy-kept).
[ -n "$lower2" ] && lower2_kept=$(f=$(s_file "$lower2/etc/passwd") && [ -f "$f" ] && echo yes)
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$etc2" != "${UIDS2% *}:${GIDS2% *}" ] && [ "${uids%% *}" = "$(( ${UIDS2% *} + 1000 ))" ]; then
  fail "after root's ranges in /etc/subuid and /etc/subgid changed (to ${UIDS2% *} and ${GIDS2% *}), the second container of them ran on a copy of the image whose owners were not moved for them alone: its /etc belongs to $etc2, which its user namespace does not map. Keep a copy of the image for each pair of ranges (e.g. <container-dir>/images/busybox@START.START), its owners moved once, when it is made" \
    "/etc owned by ${UIDS2% *}:${GIDS2% *}" "/etc owned by $etc2"
else
  point_10_groups
  u=$(( ${UIDS2% *} + 1000 )) g=$(( ${GIDS2% *} + 2000 ))
  expect_eq "uid $u $u $u $u, gid $g $g $g $g, groups: (none)" "uid $uids, gid $gids, groups: ${groups:-(none)}" \
    "with --userns auto --user 1000:2000 the command's ids outside are 1000 and 2000 moved by the ranges' starts, and it has no supplementary groups: setgroups is denied inside, so rd run drops root's groups (setgroups([])) before the namespace is made"
fi

# The copy of the image for a pair of ranges is an image again, kept for the next containers of those ranges, as
# the image is (level 04): one removed at a container's end goes from under every running container of those
# ranges (their /etc and /bin empty).
check mapped-copy-kept
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$userns2" ]; then
  fail "the container of --userns auto --user 1000:2000 had no user namespace of its own, so no copy of the image for its ranges: fix uid-map first"
elif [ -z "$lower2" ]; then
  fail "the container of --userns auto --user 1000:2000 ran on no overlay whose lower layer the checker could find: fix uid-map and image-files-mapped first"
elif [ -z "$lower2_kept" ]; then
  fail "once the container of --userns auto --user 1000:2000 ended, the copy of the image it ran on ($lower2) was gone: rd removed it at the container's end, and with it every running container of those ranges loses its files. Keep the copy for each pair of ranges, as the image is kept" \
    "$lower2/etc/passwd" 'gone'
else
  pass
fi

# Maps the kernel refuses (root's ranges reach past the ids the VM may map, 0–65535: uid_map's write fails with
# EPERM): rd fails and leaves nothing behind, as after any failed start. (A throw in the pipe's event handler would
# escape main()'s catch and end rd before its exit handler cleans up.) The copy of the image for these starts
# exists, the containers above made it: nothing is unpacked.
check refused-maps-leave-nothing
if [ -z "$userns2" ]; then
  fail "rd does not give a container of --userns auto a user namespace of its own yet (see uid-map), so a map the kernel refuses says nothing: fix uid-map first"
else
  vm "printf 'root:%s:70000\n' ${UIDS2% *} > /etc/subuid && printf 'root:%s:70000\n' ${GIDS2% *} > /etc/subgid"
  rd_leaves run -i busybox --userns auto -- /bin/true
  vm "printf 'root:%s:%s\n' $UIDS2 > /etc/subuid && printf 'root:%s:%s\n' $GIDS2 > /etc/subgid"
  refusal="root:${UIDS2% *}:70000 in /etc/subuid reaches past the ids the VM may map, 0–65535: the kernel refuses that uid_map (EPERM)"
  if [ "$RC" = 0 ]; then
    fail "rd ran a container whose maps the kernel refused ($refusal): when a map cannot be written, rd must fail" \
      'an error, nothing left' 'exit status 0'
  elif rd_timed_out; then
    fail "rd hung once the kernel refused the container's maps ($refusal): the init stage waits on fd 3 for an answer that never comes. When writing a map fails, say so and kill unshare (child.kill('SIGKILL')): the container ends, and rd's exit handler cleans up" \
      'an error, nothing left' 'rd still running'
  elif [ -n "$LEFT$MADE" ]; then
    fail "rd failed as it must ($refusal), but left ${LEFT:+the cgroup $LEFT}${LEFT:+${MADE:+ and }}${MADE:+$MADE in $CONTAINERS}: a throw in the pipe's 'data' handler escapes main()'s catch, so rd dies before its exit handler removes them. Catch it there, say what failed (rd: …), and kill unshare: its end then removes what the start made" \
      '(nothing left)' "${LEFT:+cgroup $LEFT }${MADE}"
  else
    pass
  fi
fi

# An unknown --userns (a typo, or one of Podman's modes rd does not offer) is refused, not run without a user
# namespace: the container's root would be the VM's, where the user asked for one that is nobody outside.
check bad-userns-refused
# A refusal counts only from a runtime that takes --userns auto: one that knows no --userns refuses every value.
if [ -z "$userns2" ]; then
  fail "rd does not give a container of --userns auto a user namespace of its own yet (see uid-map), so refusing an unknown --userns says nothing: fix uid-map first"
elif refused --userns "auto (or host)" --userns "$(pick 1 atuo keep-id private nomap)" &&
  refused --userns "auto (or host): an empty one, as --userns=\$M gives with M unset, is none (if (options.userns) skips it, and the container's root is the VM's)" --userns ''; then
  pass
fi
