# Level 14: capabilities and seccomp. Without flags the command keeps Docker's default capabilities in its
# effective, permitted and bounding sets (inheritable empty), runs with no_new_privs under a seccomp filter, and
# that filter kills 32-bit calls, refuses the keyring calls always and unshare (and clone's namespaces) unless
# SYS_ADMIN is kept;
# --cap-drop/--cap-add change the sets; --security-opt seccomp-deny=… chooses what the filter refuses (EPERM,
# the process lives on); seccomp=unconfined installs none. What is dropped, added and denied is drawn at
# random each run, so a hard-coded answer fails. Judged from outside: the container process's
# /proc/PID/status, and what its calls did (an owner of a file, and how the checker's program's children
# ended).
TRACE_CALLS='prctl|capset|seccomp'

CAPS='CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE
  NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN
  SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE
  MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE'
DEFAULT_CAPS='CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP'

# Every capability this kernel has, as /proc/PID/status shows a set holding them all.
EVERY_CAP=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
# cap_number NAME; cap_mask NAMES: the set as /proc/PID/status shows it (16 hex digits).
cap_number() { _n=0; for _c in $CAPS; do [ "$_c" = "$1" ] && echo $_n && return; _n=$((_n + 1)); done; }
cap_mask() { _m=0; for _c in $1; do _m=$((_m | (1 << $(cap_number "$_c")))); done; printf '%016x' "$_m"; }
# cap_diff EXPECTED ACTUAL (masks): which capabilities the actual set has too many, and which it lacks.
cap_diff() {
  _extra= _missing= _n=0
  for _c in $CAPS; do
    _e=$(((0x$1 >> _n) & 1)) _a=$(((0x$2 >> _n) & 1))
    [ "$_a" -gt "$_e" ] && _extra="$_extra $_c"
    [ "$_e" -gt "$_a" ] && _missing="$_missing $_c"
    _n=$((_n + 1))
  done
  echo "${_extra:+has$_extra}${_extra:+${_missing:+; }}${_missing:+lacks$_missing}"
}
# spelled NAME [WAY]: a capability name as a learner may write it, in a way drawn at random or the WAY given (0 as
# it is, 1 with CAP_, 2 and 3 in lower case, with and without cap_).
spelled() {
  case ${2:-$(( $(od -An -N1 -tu1 /dev/urandom) % 4 ))} in
    0) echo "$1" ;; 1) echo "CAP_$1" ;; 2) echo "cap_$1" | tr 'A-Z' 'a-z' ;; *) echo "$1" | tr 'A-Z' 'a-z' ;;
  esac
}
# sets_seen: the probe's four sets, "CapEff CapPrm CapBnd CapInh" as hex.
sets_seen() { echo "$(p_status CapEff) $(p_status CapPrm) $(p_status CapBnd) $(p_status CapInh)"; }
# expect_sets EXPECTED-MASK SEEN WHAT: effective, permitted and bounding as asked, inheritable empty.
expect_sets() {
  set -- "$1" $2 "$3"
  if [ "$2 $3 $4 $5" = "$1 $1 $1 0000000000000000" ]; then pass; return; fi
  trace_point 'PR_CAPBSET_DROP|capset'
  if [ "$4" != "$1" ] && [ "$2" = "$1" ]; then
    point_14_bounding
    _why="the bounding set still $(cap_diff "$1" "$4"): only the effective and permitted sets were cut, and a root process's execve gives it its whole bounding set again (no_new_privs keeps it from that here, but a set-user-ID program or a later exec without it would not be stopped). Drop each capability not kept with prctl(PR_CAPBSET_DROP, n)"
  elif [ "$5" != 0000000000000000 ]; then
    _why="the inheritable set is $5: a program with inheritable file capabilities would gain them, even run by a user (CVE-2022-24769). capset(kept, kept, 0n)"
  elif [ "$2" != "$1" ]; then
    _why="the effective set $(cap_diff "$1" "$2")"
  else
    _why="the permitted set $(cap_diff "$1" "$3")"
  fi
  fail "$6: $_why" "CapEff/CapPrm/CapBnd $1, CapInh 0000000000000000" "CapEff $2, CapPrm $3, CapBnd $4, CapInh $5"
}

# The checker's program, handed to a container's command on its stdin: sixteen children, each making one call
# a filter may refuse, then showing in /proc how it went: the parent waits unreaped, so a child is either
# stopped (the call worked) or a zombie with its exit status (the call's errno) or the signal that killed it.
# Only the program itself counts: the harness's copy of it (the same bytes), started by the probe's command, in
# the probe's root and namespaces (in another root or user namespace a call can fail for another reason than the
# filter), once it has made all sixteen children (it then names itself rw-all-forked), with no other child beside
# them (a process named like a child and ended as the filter would end it, put there before the program's exec).
# Marks the container's command could make (a folder, a file) would be its runtime's to make too.
#   int80    a 32-bit call, as `int 0x80` makes on x86-64: unshare(CLONE_NEWUSER), 310 in the 32-bit table
#            (x86-64's 310 is process_vm_readv, which no list refuses); it worked if it has a user namespace
#            of its own
#   keyring      add_key("user", "rw", "rw", 2, KEY_SPEC_PROCESS_KEYRING), 248 on x86-64
#   keyctl       keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1), 250: works unfiltered
#   request_key  request_key("user", "rw", NULL, 0), 249: fails with ENOKEY (126) unfiltered
#   unshare      unshare(CLONE_NEWUSER), 272: needs no capability, so only a filter refuses it
#   sethostname  sethostname("rw", 2), 170 (works with CAP_SYS_ADMIN)
#   mkdir        mkdir("/tmp/.rw-folder", 0700), 83
#   symlink      symlink("rw", "/tmp/.rw-link"), 88
#   rename       rename(argv[0], argv[0]), 82: the program's own file, a no-op that works
#   chmod        chmod(argv[0], 0700), 90
#   chdir        chdir("/"), 80
#   mount        mount(NULL, NULL, NULL, 0, NULL), 165: fails with EFAULT (14) unfiltered, no target to look up
#   umount2      umount2("/", 0x100), 166: fails with EINVAL (22) unfiltered, a flag no kernel knows
#   setns        setns(-1, 0), 308: fails with EBADF (9) unfiltered
#   clone        clone(CLONE_NEWNS | CLONE_FS, 0), 56: fails with EINVAL (22) unfiltered, a pair the kernel
#                refuses before it makes anything (and not CLONE_NEWUSER: a filter must look at every CLONE_NEW*)
#   clone3       clone3(&{flags CLONE_NEWUSER | CLONE_FS}, 64), 435: fails with EINVAL (22) unfiltered too
#                (each checked before any capability: let through, they fail so with or without CAP_SYS_ADMIN,
#                so a capability's EPERM cannot pass for the filter's. pivot_root looks at the capability
#                first: without CAP_SYS_ADMIN the filter's refusal of it cannot be seen, so it is not made)
# Each child names itself with prctl(PR_SET_NAME) first. A static x86-64 ELF of 1348 bytes, made by
# scripts/seccomp-program.mjs (its instructions are listed there; a unit test keeps the two the same).
SECCOMP_PROGRAM=f0VMRgIBAQAAAAAAAAAAAAIAPgABAAAAeABAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAEAAOAABAAAAAAAAAAEAAAAFAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAAAAARAUAAAAAAABEBQAAAAAAAAAQAAAAAAAAuDkAAAAPBYXAD4jHAwAAdSK4nQAAAL8PAAAAvlcEQAAPBbg2AQAAuwAAABDNgOl9AwAAuDkAAAAPBYXAD4iUAwAAdTi4nQAAAL8PAAAAvl0EQAAPBbj4AAAAv84EQAC+0wRAALrTBEAAQboCAAAAQbj+////DwXpNAMAALg5AAAADwWFwA+ISwMAAHUsuJ0AAAC/DwAAAL5lBEAADwW4+gAAAL8AAAAAvv7///+6AQAAAA8F6fcCAAC4OQAAAA8FhcAPiA4DAAB1LLidAAAAvw8AAAC+bARAAA8FuPkAAAC/zgRAAL7TBEAAMdJFMdIPBem6AgAAuDkAAAAPBYXAD4jRAgAAdSK4nQAAAL8PAAAAvngEQAAPBbgQAQAAvwAAABAPBemHAgAAuDkAAAAPBYXAD4ieAgAAdSe4nQAAAL8PAAAAvoAEQAAPBbiqAAAAv9MEQAC+AgAAAA8F6U8CAAC4OQAAAA8FhcAPiGYCAAB1J7idAAAAvw8AAAC+jARAAA8FuFMAAAC/1gRAAL7AAQAADwXpFwIAALg5AAAADwWFwA+ILgIAAHUnuJ0AAAC/DwAAAL6SBEAADwW4WAAAAL/TBEAAvuYEQAAPBenfAQAAuDkAAAAPBYXAD4j2AQAAdSe4nQAAAL8PAAAAvpoEQAAPBbhSAAAASIt8JAhIi3QkCA8F6acBAAC4OQAAAA8FhcAPiL4BAAB1J7idAAAAvw8AAAC+oQRAAA8FuFoAAABIi3wkCL7AAQAADwXpbwEAALg5AAAADwWFwA+IhgEAAHUiuJ0AAAC/DwAAAL6nBEAADwW4UAAAAL/0BEAADwXpPAEAALg5AAAADwWFwA+IUwEAAHU4uJ0AAAC/DwAAAL6tBEAADwW4pQAAAL8AAAAAvgAAAAC6AAAAAEG6AAAAAEG4AAAAAA8F6fMAAAC4OQAAAA8FhcAPiAoBAAB1J7idAAAAvw8AAAC+swRAAA8FuKYAAAC/9ARAAL4AAQAADwXpuwAAALg5AAAADwWFwA+I0gAAAHUnuJ0AAAC/DwAAAL67BEAADwW4NAEAAL//////vgAAAAAPBemDAAAAuDkAAAAPBYXAD4iaAAAAdSe4nQAAAL8PAAAAvsEEQAAPBbg4AAAAvwACAgC+AAAAAA8F6UsAAAC4OQAAAA8FhcAPiGIAAAB1J7idAAAAvw8AAAC+xwRAAA8FuLMBAAC/BAVAAL5AAAAADwXpEwAAALidAAAAvw8AAAC+9gRAAA8F6yaFwHgXuCcAAAAPBYnHvhMAAAC4PgAAAA8F6wv32InHuDwAAAAPBbgiAAAADwXr92ludDgwAGtleXJpbmcAa2V5Y3RsAHJlcXVlc3Rfa2V5AHVuc2hhcmUAc2V0aG9zdG5hbWUAbWtkaXIAc3ltbGluawByZW5hbWUAY2htb2QAY2hkaXIAbW91bnQAdW1vdW50MgBzZXRucwBjbG9uZQBjbG9uZTMAdXNlcgBydwAvdG1wLy5ydy1mb2xkZXIAL3RtcC8ucnctbGluawAvAHJ3LWFsbC1mb3JrZWQAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==
echo "$SECCOMP_PROGRAM" | base64 -d > /run/check/seccomp-program
# program_run NAME: the command's part that writes the program from its stdin to /tmp/NAME and starts it. The
# file is made executable as a copy of /bin/sh (cp gives a new file its source's mode), then overwritten: no
# chmod, which a seccomp-deny list may refuse.
program_run() { echo "cp /bin/sh /tmp/$1; cat > /tmp/$1; /tmp/$1 &"; }
# program_pid: the checker's program the probe's command started, as the program itself (see above), or nothing
# if it does not show so within 5 s (a VM under load). Once a probe, as PROGRAM, before program_call.
program_pid() {
  _i=0
  while [ $((_i += 1)) -le 500 ]; do
    read -r _kids < "/proc/$PROBE/task/$PROBE/children" 2> /dev/null
    for _p in $_kids; do
      read -r _name < "/proc/$_p/comm" 2> /dev/null && [ "$_name" = rw-all-forked ] || continue
      cmp -s "/proc/$_p/exe" /run/check/seccomp-program && same_file "/proc/$_p/root" "/proc/$PROBE/root" || continue
      for _ns in user mnt pid; do [ "$(readlink "/proc/$_p/ns/$_ns")" = "$(p_ns $_ns)" ] || continue 2; done
      read -r _kids < "/proc/$_p/task/$_p/children" 2> /dev/null
      # shellcheck disable=SC2086 # (the children, word by word)
      set -- $_kids
      [ $# = 16 ] && echo "$_p"
      return
    done
    _pause 0.01
  done
}
# program_call CHILD: how CHILD's call ended in the program (PROGRAM), once it shows (up to 5 s): "killed SIGNAL",
# "failed ERRNO", "worked" (in the probe's user namespace) or "made" (in one of its own), or nothing if the
# program or the child never showed.
program_call() {
  _child=$1 _i=0
  [ -n "$PROGRAM" ] || return 0
  read -r _kids < "/proc/$PROGRAM/task/$PROGRAM/children"
  while [ $((_i += 1)) -le 500 ]; do
    for _p in $_kids; do
      read -r _name < "/proc/$_p/comm" 2> /dev/null && [ "$_name" = "$_child" ] || continue
      # shellcheck disable=SC2046 # (the fields after the name, word by word: 1 is the state, 50 exit_code)
      set -- $(sed 's/^.*) //' "/proc/$_p/stat" 2> /dev/null)
      case $1 in
        Z) [ $((${50:-0} & 127)) = 0 ] && echo "failed $((${50:-0} >> 8))" || echo "killed $((${50:-0} & 127))"; return ;;
        T) [ "$(readlink "/proc/$_p/ns/user")" = "$(p_ns user)" ] && echo worked || echo made; return ;;
      esac
    done
    _pause 0.01
  done
}
# program_missing NAME: a fail that says the program never showed as itself.
program_missing() {
  fail "the checker's program (/tmp/$1, written from the command's stdin) never showed in the container as it runs there: started by the command, in the container's root and namespaces, with its sixteen children and no other. rd must hand the command its stdin (level 00), the image's /tmp must be writable, and a process there must be free to make sixteen children; see rd's output" \
    'the program ran' "no process $1 as the checker started it"
}

# killed_by_sigsys: a fail for a probe whose shell was killed by SIGSYS (status 159) at a call its filter refused.
killed_by_sigsys() {
  trace_point seccomp
  fail "the command's shell was killed by SIGSYS at a refused call: the filter must return SECCOMP_RET_ERRNO | EPERM for a denied call, so the call fails and the program goes on (SECCOMP_RET_KILL_PROCESS is only for a call made the wrong way, another architecture)" \
    'the denied calls fail with EPERM' 'killed by signal SIGSYS'
}

# calls_how CALL…: " CALL:HOW" for each call of the program (HOW as program_call says it, _ for spaces), up to
# the first child missing, shown "CALL:missing": the others are not waited for.
calls_how() {
  for _c; do
    _h=$(program_call "$_c" | tr ' ' _)
    printf ' %s:%s' "$_c" "${_h:-missing}"
    [ -n "$_h" ] || break
  done
}
# not_refused CALL:HOW…: the first call that did not fail with EPERM, or nothing.
not_refused() { for _c in $1; do [ "${_c#*:}" = failed_1 ] || { echo "$_c"; break; }; done; }
# let_through CALL…: " CALL:failed_ERRNO" for each of mount, umount2, setns, clone and clone3 as the program makes them, let
# through (see above).
let_through() {
  for _c; do case $_c in mount) printf ' mount:failed_14' ;; umount2 | clone | clone3) printf ' %s:failed_22' "$_c" ;; setns) printf ' setns:failed_9' ;; esac; done
}
# admin_let_through UNSHARE MOUNT CLONES: the namespace calls got through, as CAP_SYS_ADMIN lets them: unshare
# (program_call) made a namespace or worked, and mount, umount2 and setns, clone and clone3 (calls_how) reached
# the kernel.
admin_let_through() {
  { [ "$1" = made ] || [ "$1" = worked ]; } && [ "$2" = "$(let_through mount umount2 setns)" ] && [ "$3" = "$(let_through clone clone3)" ]
}
# how_shown CALL:HOW…: the same, as a learner reads it.
how_shown() {
  echo $1 | sed 's/ /, /g; s/:failed_1$/ refused (EPERM)/; s/:failed_1,/ refused (EPERM),/g; s/:failed_\([0-9]*\)/ failed (errno \1)/g; s/:killed_\([0-9]*\)/ killed (signal \1)/g; s/:worked/ worked/g; s/:missing/ never ran/g'
}

# kernel_refuses: true, and a fail, when the kernel itself refuses the container's command user namespaces (EPERM),
# so a refusal the filter seems to make cannot be seen (see below): its root is not the one mount its mountinfo
# shows at /, or its ids are ones its own user namespace does not map.
kernel_refuses() {
  if [ "$root_tops" != "$root_id" ]; then
    fail "the container's root (mount $root_id) is not the one mount at / of its mount namespace (mounts at /: ${root_tops:-none}): a root under another mount (a bind of / onto itself) or beside the namespace's root (a chroot) is refused user namespaces by the kernel itself (EPERM), so the filter's refusal cannot be seen. Pivot into the root once (level 03) and mount nothing over /" \
      "mount $root_id alone at /" "at /: ${root_tops:-none}"
  elif [ -n "$unmapped" ]; then
    fail "the container's command runs with ids its own user namespace does not map (kernel $unmapped; inside it shows as 65534, the overflow id): the kernel refuses such a process every new user namespace (EPERM), so the filter's refusal cannot be seen. Run the command with ids of its own namespace's map (its root is 0 there)" \
      'uid and gid mapped in the container'"'"'s user namespace' "$unmapped not mapped"
  else
    return 1
  fi
}
# ids_unmapped PID: PID's effective uid and gid (kernel ids, "uid N gid N") that no line of its user namespace's
# uid_map or gid_map covers.
ids_unmapped() {
  for _kind in uid gid; do
    _id=$(awk -v k="$_kind:" 'tolower($1) == k { print $3 }' "/proc/$1/status")
    awk -v id="$_id" '$2 <= id && id - $2 < $3 { m = 1 } END { exit !m }' "/proc/$1/${_kind}_map" ||
      printf '%s %s ' "$_kind" "$_id"
  done | sed 's/ $//'
}

# keyring_verdict CALLS WITH MARK: the verdict on the keyring calls (add_key, keyctl, request_key, as calls_how
# showed them: CALLS) of the checker's program MARK, in a container WITH (its flags, or none).
keyring_verdict() {
  # The first of the three not refused with EPERM.
  _call=$(not_refused "$1")
  _name=${_call%%:*}
  [ "$_name" = keyring ] && _name=add_key
  _how=$(echo "${_call#*:}" | tr _ ' ')
  if [ -z "$PROBE" ]; then
    probe_missing
  elif [ -z "$_call" ]; then
    pass
  elif [ "$_how" = missing ]; then
    program_missing "$3"
  else
    trace_point seccomp
    case $_how in
      worked) _why="$_name worked" ;;
      killed*) _why="$_name killed the program (signal ${_how#killed }): a refused call fails with EPERM (SECCOMP_RET_ERRNO | EPERM)" ;;
      'failed 126') _why="$_name reached the kernel (it failed with ENOKEY, 126, as it does when let through)" ;;
      *) _why="$_name failed with errno ${_how#failed }, not EPERM (1): a refused call returns SECCOMP_RET_ERRNO | EPERM" ;;
    esac
    fail "$2, $_why: rd's default filter refuses the keyring calls (keyctl, add_key, request_key) whatever the capabilities — the kernel's keyrings are not namespaced — and only the namespace calls (mount, umount2, pivot_root, unshare, setns, clone's namespaces and clone3) depend on CAP_SYS_ADMIN" \
      'add_key, keyctl and request_key failed with EPERM' "$_name ${_how}"
  fi
}

# A number new each run, in the names of what the containers' commands make.
mark=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')

# part: one container with no flags: Docker's defaults. It runs the checker's program, whose 32-bit call the
# filter must refuse or kill, and whose unshare(CLONE_NEWUSER) (no capability needed: any process may make a
# user namespace) the default filter must refuse.
check default-capabilities
RD_STDIN=/run/check/seccomp-program
probe "$(program_run "sc-$mark")" -i busybox
RD_STDIN=
if [ -n "$PROBE" ]; then
  seen=$(sets_seen) nnp=$(p_status NoNewPrivs) mode=$(p_status Seccomp) default_mode=$mode PROGRAM=$(program_pid)
  int80=$(program_call int80)
  unshared=$([ -n "$int80" ] && program_call unshare)
  # The same call without the filter, by the harness in the container's user namespace: it must work, or what
  # refused the program's was not the filter (rd can lower /proc/sys/user/max_user_namespaces: ENOSPC).
  unfiltered=$(nsenter -t "$PROBE" -U unshare -U true 2>&1) && unfiltered=worked
  # That call comes from the harness's own root: a container whose root is not its mount namespace's top (a
  # mount stacked on /, a chroot) is refused user namespaces by the kernel itself (EPERM, as in a chroot). The
  # mount of its root (mnt_id of an open of /proc/PID/root) must be the one line at / in its mountinfo (a root
  # beside the namespace's shows none there, one under another mount shows two).
  root_id=$(mount_id "/proc/$PROBE/root")
  root_tops=$(awk '$5 == "/" { print $1 }' "/proc/$PROBE/mountinfo" | tr '\n' ' ' | sed 's/ $//')
  # And it runs as the namespace's root: a command whose own ids its namespace does not map is refused too.
  unmapped=$(ids_unmapped "${PROGRAM:-$PROBE}")
  mount_calls=' mount:missing' default_keyring=' keyring:missing' default_clones=' clone:missing'
  [ -n "$unshared" ] && mount_calls=$(calls_how mount umount2 setns) default_keyring=$(calls_how keyring keyctl request_key) default_clones=$(calls_how clone clone3)
fi
probe_end
if [ -z "$PROBE" ]; then
  point_14_filter_early
  probe_missing
else
  expect_sets "$(cap_mask "$DEFAULT_CAPS")" "$seen" "without --cap-drop or --cap-add the command keeps Docker's default set ($DEFAULT_CAPS), no more"
fi

check no-new-privs-and-filter
same_run
if [ -z "$PROBE" ]; then
  point_14_filter_early
  probe_missing
elif [ "$nnp $mode" = '1 2' ]; then
  pass
else
  point_14_filter
  case $nnp in
    1) _why="no seccomp filter holds the command (Seccomp: ${mode:-?}; 2 means a filter): install it with linux.seccomp(SECCOMP_SET_MODE_FILTER, 0, program) as the init stage's last step before exec" ;;
    *) _why="no_new_privs is not set (NoNewPrivs: ${nnp:-?}): call linux.prctl(PR_SET_NO_NEW_PRIVS, 1) before installing the filter — without it, a set-user-ID program inside could run under a filter that fools it, so the kernel refuses the filter to a process without CAP_SYS_ADMIN (EACCES)" ;;
  esac
  fail "$_why" 'NoNewPrivs 1, Seccomp 2' "NoNewPrivs ${nnp:-?}, Seccomp ${mode:-?}"
fi

check default-filter-denies-unshare
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$unshared" ]; then
  program_missing "sc-$mark"
elif [ "$unfiltered" != worked ]; then
  fail "the harness's own unshare(CLONE_NEWUSER), made in the container's user namespace with no filter, failed too ($unfiltered): something other than the filter refuses user namespaces there (was /proc/sys/user/max_user_namespaces lowered?), so the filter's refusal cannot be seen. Leave the VM's settings as they are" \
    'a user namespace made without the filter' "$unfiltered"
elif [ "$unshared" = 'failed 1' ] && kernel_refuses; then
  :
elif [ "$unshared" = 'failed 1' ]; then
  pass
elif [ "${unshared%% *}" = failed ]; then
  fail "the checker's program's unshare(CLONE_NEWUSER) failed with errno ${unshared#failed }, not EPERM (1): a refusal of the filter is SECCOMP_RET_ERRNO | EPERM, as Docker's profile answers" \
    'unshare refused (EPERM)' "$unshared"
elif [ "${unshared%% *}" = killed ]; then
  trace_point seccomp
  fail "the checker's program was killed by signal ${unshared#killed } at unshare(CLONE_NEWUSER): the default filter refuses the calls of its list with SECCOMP_RET_ERRNO | EPERM, so that a program can go on; only a call of another architecture is killed" \
    'unshare refused (EPERM)' "$unshared"
elif [ "$unshared" = worked ]; then
  trace_point seccomp
  fail "the checker's program's unshare(CLONE_NEWUSER) returned 0, yet its child is still in the container's user namespace: the call was skipped and reported as a success. That is what SECCOMP_RET_ERRNO with errno 0 does: a refused call returns SECCOMP_RET_ERRNO | EPERM" \
    'unshare refused (EPERM)' 'unshare skipped, returning 0'
else
  trace_point seccomp
  fail "the checker's program made a user namespace in the container with unshare(CLONE_NEWUSER): rd's default filter must refuse unshare (and mount, umount2, pivot_root, setns) unless --cap-add SYS_ADMIN, as Docker's default profile does — a user namespace needs no capability, only the filter stops it" \
    'unshare refused' 'unshare ran'
fi

# (pivot_root, also on that list, is not made: it looks at the capability before anything the checker could
# make fail, so without CAP_SYS_ADMIN the filter's EPERM and the kernel's look the same.)
check default-filter-denies-mount-calls
same_run
call=$(not_refused "$mount_calls")
name=${call%%:*} how=$(echo "${call#*:}" | tr _ ' ')
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$how" = missing ]; then
  program_missing "sc-$mark"
elif [ -z "$call" ]; then
  pass
else
  trace_point seccomp
  case " $(let_through "$name") " in
    *" $call "*) _why="$name reached the kernel: it failed with errno ${how#failed }, as the checker's call does when let through" ;;
    *) case $how in
      killed*) _why="$name killed the program (signal ${how#killed }): a refused call fails with EPERM (SECCOMP_RET_ERRNO | EPERM), so that a program can go on" ;;
      worked) _why="$name worked" ;;
      *) _why="$name failed with errno ${how#failed }, not EPERM (1): a refusal of the filter is SECCOMP_RET_ERRNO | EPERM" ;;
    esac ;;
  esac
  fail "without --cap-add SYS_ADMIN, $_why. rd's default filter refuses mount, umount2, pivot_root, unshare and setns to a container without CAP_SYS_ADMIN, as Docker's default profile does, all five together (the missing capability alone is not enough: in a user namespace of its own a process holds every capability over it)" \
    'mount, umount2 and setns refused (EPERM)' "$(how_shown "$mount_calls")"
fi

# clone and clone3 make namespaces with the same flags as unshare: clone is refused when its flags (its first
# argument) hold one, and clone3, whose flags a filter cannot read (they are in memory), is answered ENOSYS.
check default-filter-denies-namespace-clones
same_run
clone=${default_clones%% clone3:*} clone=${clone#*:} clone3=${default_clones##* clone3:}
[ "$clone3" = "$default_clones" ] && clone3=missing
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$clone" = missing ] || [ "$clone3" = missing ]; then
  program_missing "sc-$mark"
elif [ "$clone $clone3" = 'failed_1 failed_38' ]; then
  pass
else
  trace_point seccomp
  case $clone in
    failed_1) case $clone3 in
      failed_22) _why="clone3 reached the kernel (it failed with EINVAL, as the checker's call does when let through): a filter cannot read clone3's flags, which it takes in memory behind a pointer, so Docker's profile answers every clone3 with ENOSYS (SECCOMP_RET_ERRNO | ENOSYS); programs then fall back to clone, whose flags the filter sees" ;;
      failed_1) _why="clone3 was refused with EPERM: glibc falls back to clone only when clone3 fails with ENOSYS, so every thread and posix_spawn in the container would fail. Answer clone3 with SECCOMP_RET_ERRNO | ENOSYS, as Docker's profile does" ;;
      killed_*) _why="clone3 killed the program (signal ${clone3#killed_}): answer it with SECCOMP_RET_ERRNO | ENOSYS, so that programs fall back to clone" ;;
      worked) _why="clone3 returned 0 without making anything (the kernel refuses its flags): the call was skipped and reported as a success, as SECCOMP_RET_ERRNO with errno 0 does. Answer it with SECCOMP_RET_ERRNO | ENOSYS, so that programs fall back to clone" ;;
      *) _why="$(how_shown " clone3:$clone3"), not with ENOSYS (38): answer clone3 with SECCOMP_RET_ERRNO | ENOSYS, so that programs fall back to clone" ;;
    esac ;;
    failed_22) _why="clone(CLONE_NEWNS | CLONE_FS) reached the kernel (it failed with EINVAL, as the checker's call does when let through): clone makes namespaces with the same CLONE_NEW* flags as unshare, any of them, so refusing unshare alone leaves them open. Load clone's flags (SECCOMP_DATA_ARG0) and refuse it when they hold any of linux.CLONE_NAMESPACE_FLAGS (BPF_JSET), not one flag alone" ;;
    killed_*) _why="clone(CLONE_NEWNS | CLONE_FS) killed the program (signal ${clone#killed_}): a refused call fails with EPERM (SECCOMP_RET_ERRNO | EPERM), so that a program can go on" ;;
    worked) _why="clone(CLONE_NEWNS | CLONE_FS) returned 0 without making anything (the kernel refuses these flags): the call was skipped and reported as a success, as SECCOMP_RET_ERRNO with errno 0 does. A refused call returns SECCOMP_RET_ERRNO | EPERM" ;;
    *) _why="clone(CLONE_NEWNS | CLONE_FS) $(how_shown " clone:$clone" | sed 's/^clone //'), not refused with EPERM (1): a refusal of the filter is SECCOMP_RET_ERRNO | EPERM" ;;
  esac
  fail "without --cap-add SYS_ADMIN, $_why" \
    'clone refused (EPERM), clone3 failed (errno 38, ENOSYS)' "$(how_shown "$default_clones")"
fi

# The keyring calls too: refused whether or not the container keeps CAP_SYS_ADMIN (keyring-always-denied has it).
check default-filter-denies-keyring
same_run
keyring_verdict "$default_keyring" 'without flags' "sc-$mark"

check filter-checks-architecture
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$mode" != 2 ]; then
  fail "no seccomp filter holds the command (Seccomp: ${mode:-?}): fix no-new-privs-and-filter first"
elif [ "$int80" = made ] || [ "$int80" = worked ]; then
  trace_point seccomp
  fail "a 32-bit call (int 0x80) to unshare, number 310 in that table, made a user namespace: the filter compared the call's number without looking at seccomp_data.arch, and on x86-64 310 is process_vm_readv, which the list lets through. Load SECCOMP_DATA_ARCH first and return SECCOMP_RET_KILL_PROCESS unless it is linux.auditArch(), then load SECCOMP_DATA_NR" \
    '32-bit unshare killed or refused' '32-bit unshare made a user namespace'
elif [ "$int80" = 'failed 1' ] && kernel_refuses; then
  :
elif [ "$int80" = 'failed 1' ] || [ "$int80" = 'killed 31' ]; then
  pass
elif [ "${int80%% *}" = failed ]; then
  fail "the checker's 32-bit call (int 0x80) to unshare failed with errno ${int80#failed }: neither killed by the filter (SIGSYS) nor refused by it (EPERM), so something else refused it. Leave the VM's settings as they are; the filter must return SECCOMP_RET_KILL_PROCESS unless seccomp_data.arch is linux.auditArch()" \
    '32-bit unshare killed by SIGSYS or refused (EPERM)' "$int80"
elif [ -n "$int80" ]; then
  fail "the checker's 32-bit program died of signal ${int80#killed } before its call could be judged: this VM's kernel cannot make 32-bit calls (not your runtime's fault: report it)" \
    '32-bit unshare killed by SIGSYS or refused' "killed by signal ${int80#killed }"
else
  program_missing "sc-$mark"
fi

# A user, every capability dropped but two, no filter: the user keeps none, the bounding set those two. It
# shares the part of the container above: seccomp-unconfined needs that one to have had a filter. In a user
# namespace of its own: unshare --keep-caps (level 11) hands the init stage a full inheritable set, which only
# the capset this level adds empties, so a runtime that only cuts the bounding set shows here.
check user-keeps-no-capabilities
added=$(pick 2 NET_ADMIN SYS_PTRACE SYS_NICE KILL SETFCAP MKNOD NET_RAW)
# (ALL in lower case: ALL is what every runtime takes. The two added in one flag, a list as --cap-drop's may be.)
set -- $added
set -- --cap-drop all --cap-add "$(spelled "$1"),$(spelled "$2")"
flags="$*"
subordinate_ids
probe '' -i busybox --userns auto --user 1000:2000 "$@" --security-opt seccomp=unconfined
if [ -n "$PROBE" ]; then
  seen=$(sets_seen) mode=$(p_status Seccomp)
fi
probe_end
if [ -z "$PROBE" ] && case $OUT in *"$4"*) true ;; *) false ;; esac; then
  fail "rd would not take --cap-add $4 (its error is below): a --cap-add value may hold several capabilities separated by commas, as --cap-drop's and Docker's do: split it on commas" \
    "the command runs with $flags" 'rd refused it'
elif [ -z "$PROBE" ]; then
  point_14_bounding
  probe_missing
else
  set -- $seen
  if [ "$*" = "0000000000000000 0000000000000000 $(cap_mask "$added") 0000000000000000" ]; then
    pass
  else
    trace_point 'PR_CAPBSET_DROP|capset|setuid'
    fail "with --userns auto --user 1000:2000 $flags, the user holds no capability (setuid from root to 1000 empties effective and permitted; inheritable must be empty too, or ambient could hand them on: unshare --keep-caps fills it, capset(kept, kept, 0n) empties it) and the bounding set is$(printf ' %s' $added), dropped before setuid" \
      "CapEff/CapPrm/CapInh 0000000000000000, CapBnd $(cap_mask "$added")" "CapEff $1, CapPrm $2, CapBnd $3, CapInh $4"
  fi
fi

check seccomp-unconfined
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$default_mode" != 2 ]; then
  fail "no seccomp filter held the command even without flags (Seccomp: ${default_mode:-?}), so seccomp=unconfined has nothing to leave out: fix no-new-privs-and-filter first"
elif [ "$mode" = 0 ]; then
  pass
else
  trace_point seccomp
  fail "with --security-opt seccomp=unconfined no filter may be installed (Seccomp: $mode, 0 means none): a filter that allows every call still costs every call a run of it, and is not what unconfined means" \
    'Seccomp 0' "Seccomp $mode"
fi

# part: capabilities dropped and added at random, written the ways a learner may: CHOWN always among the
# dropped, so that a chown to another owner must fail; SYS_ADMIN always among the added, so that the default
# filter lets the checker's program's unshare through, and shows the keyring calls refused all the same.
check cap-drop-and-add
# One more default capability is named by both, added first and dropped after: an added one wins, whatever the
# order (as with Docker), so it stays.
both=$(pick 3 DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP)
dropped="CHOWN ${both#* }"
both=${both%% *}
added="$(pick 2 NET_ADMIN SYS_PTRACE SYS_NICE SYS_RESOURCE SYS_TIME IPC_LOCK LEASE SYSLOG DAC_READ_SEARCH LINUX_IMMUTABLE) SYS_ADMIN"
kept="$added $(for c in $DEFAULT_CAPS; do case " $dropped " in *" $c "*) ;; *) echo "$c" ;; esac; done)"
# CHOWN and SYS_ADMIN in lower case and the first added with CAP_, every run: a runtime that takes only one
# way shows, also where it looks for SYS_ADMIN itself (the filter's unshare). The other two dropped go in one
# flag, with a comma, as a list may.
lower() { spelled "$1" $(( 2 + $(od -An -N1 -tu1 /dev/urandom) % 2 )); }
set -- --cap-drop "$(lower CHOWN)"
listed=
for c in ${dropped#CHOWN }; do listed="${listed:+$listed,}$(spelled "$c")"; done
set -- "$@" --cap-drop "$listed"
way=1
for c in ${added% SYS_ADMIN}; do set -- "$@" --cap-add "$(spelled "$c" $way)"; way=; done
# (The one named by both is never dropped as it is added: a runtime that compares the names as written shows.)
set -- "$@" --cap-add "$(lower SYS_ADMIN)" --cap-add "$both" --cap-drop "$(spelled "$both" $((1 + $(od -An -N1 -tu1 /dev/urandom) % 3)))"
chown_flag="$1 $2"
RD_STDIN=/run/check/seccomp-program
probe ": > /tmp/owned-$mark; chown 4321:1234 /tmp/owned-$mark
  $(program_run "sk-$mark")" -i busybox "$@"
RD_STDIN=
if [ -n "$PROBE" ]; then
  seen=$(sets_seen)
  owner=$(f=$(p_file "/tmp/owned-$mark") && [ ! -L "$f" ] && stat -c '%u %g' "$f" 2> /dev/null)
  owner=$(inside_ids "$owner" | tr ' ' :)
  admin_mode=$(p_status Seccomp)
  # How unshare went; then how the keyring calls and mount, umount2 and setns went. A missing child means no
  # program at all: the others are not waited for.
  PROGRAM=$(program_pid) admin_unshare=$(program_call unshare)
  keyring=' keyring:missing' admin_mount=' mount:missing' admin_clones=' clone:missing'
  if [ -n "$admin_unshare" ]; then
    keyring=$(calls_how keyring keyctl request_key) admin_mount=$(calls_how mount umount2 setns) admin_clones=$(calls_how clone clone3)
  fi
fi
probe_end
cap_flags="$*"
if [ -z "$PROBE" ] && case $OUT in *"$listed"*) true ;; *) false ;; esac; then
  fail "rd would not take --cap-drop $listed (its error is below): a --cap-drop or --cap-add value may hold several capabilities separated by commas, as Docker's does: split it on commas" \
    "the command runs with $*" 'rd refused it'
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ "$owner" != 0:0 ]; then
  trace_point 'PR_CAPBSET_DROP|capset'
  fail "with CAP_CHOWN dropped ($chown_flag), chown to another owner must fail (EPERM) and the file stay root's; the harness sees its owner ${owner:-(no file /tmp/owned-$mark)}. A capability's name takes any case, with or without CAP_ (chown, CAP_CHOWN and cap_chown are one)" \
    'owner 0:0' "owner ${owner:-none}"
else
  expect_sets "$(cap_mask "$kept")" "$seen" "with $*: Docker's default set without$(printf ' %s' $dropped), with$(printf ' %s' $added) and with $both, both added and dropped: an added capability wins"
fi

check sys-admin-allows-namespace-calls
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$admin_mode" != 2 ]; then
  fail "with $cap_flags no seccomp filter holds the command (Seccomp: ${admin_mode:-?}): without --security-opt, rd's default filter goes on whatever the capabilities (with SYS_ADMIN kept it refuses only the keyring calls)" \
    'Seccomp 2, unshare ran' "Seccomp ${admin_mode:-?}"
elif admin_let_through "$admin_unshare" "$admin_mount" "$admin_clones"; then
  pass
elif [ -z "$admin_unshare" ] || [ "${admin_mount%:missing}" != "$admin_mount" ] || [ "${admin_clones%:missing}" != "$admin_clones" ]; then
  program_missing "sk-$mark"
elif [ $(((0x0${seen%% *} >> 21) & 1)) = 0 ]; then
  fail "with --cap-add SYS_ADMIN the command lacks CAP_SYS_ADMIN (CapEff ${seen%% *}): fix cap-drop-and-add first"
elif [ "$admin_unshare" != made ] && [ "$admin_unshare" != worked ]; then
  trace_point seccomp
  fail "with $cap_flags, the checker's program's unshare(CLONE_NEWUSER) was refused ($admin_unshare): rd's default filter refuses mount, umount2, pivot_root, unshare and setns only to a container without CAP_SYS_ADMIN, as Docker's default profile does (with it, they are the capability's to allow); decide the list after the capabilities are known" \
    'unshare ran' 'unshare refused'
else
  trace_point seccomp
  fail "with $cap_flags, the default filter still refused what CAP_SYS_ADMIN allows (the checker's calls fail with an errno of their own when let through): rd's default filter refuses mount, umount2, pivot_root, unshare and setns, and clone's namespaces and clone3, only to a container without CAP_SYS_ADMIN, all together, as Docker's default profile does" \
    "$(how_shown "$(let_through mount umount2 setns clone clone3)")" "$(how_shown "$admin_mount$admin_clones")"
fi

check keyring-always-denied
same_run
keyring_verdict "$keyring" "with $cap_flags" "sk-$mark"

# SYS_ADMIN kept through --cap-add all (ALL, in lower case as a name may be), its own name given nowhere: the
# default filter follows the capabilities the container keeps, not the names on the command line.
check sys-admin-through-all
RD_STDIN=/run/check/seccomp-program
probe "$(program_run "sa-$mark")" -i busybox --cap-add all
RD_STDIN=
all_mode= all_eff= all_unshare= all_mount=' mount:missing' all_clones=' clone:missing'
if [ -n "$PROBE" ]; then
  all_mode=$(p_status Seccomp) all_eff=$(p_status CapEff)
  PROGRAM=$(program_pid) all_unshare=$(program_call unshare)
  [ -n "$all_unshare" ] && all_mount=$(calls_how mount umount2 setns) all_clones=$(calls_how clone clone3)
fi
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$all_mode" != 2 ]; then
  fail "with --cap-add all no seccomp filter holds the command (Seccomp: ${all_mode:-?}): without --security-opt, rd's default filter goes on whatever the capabilities" \
    'Seccomp 2' "Seccomp ${all_mode:-?}"
elif admin_let_through "$all_unshare" "$all_mount" "$all_clones"; then
  pass
elif [ -z "$all_unshare" ] || [ "${all_mount%:missing}" != "$all_mount" ] || [ "${all_clones%:missing}" != "$all_clones" ]; then
  program_missing "sa-$mark"
elif [ $(((0x0$all_eff >> 21) & 1)) = 0 ]; then
  fail "with --cap-add all the command lacks CAP_SYS_ADMIN (CapEff $all_eff): ALL, in any case, is every capability the kernel has (see seccomp-deny-chosen)" \
    'CAP_SYS_ADMIN kept' "CapEff $all_eff"
else
  trace_point seccomp
  fail "with --cap-add all the command holds CAP_SYS_ADMIN, yet the default filter refused what it allows (unshare: $all_unshare): decide the list from the capabilities the container keeps, as Docker's default profile does, not from the names --cap-add gives (ALL is SYS_ADMIN too)" \
    "unshare ran, $(how_shown "$(let_through mount umount2 setns clone clone3)")" "unshare $all_unshare, $(how_shown "$all_mount$all_clones")"
fi

# A name the kernel does not know (a typo): dropping nothing would leave the container the capability.
check unknown-capability-refused
# A refusal counts only from a runtime that drops what --cap-drop names: one that knows no --cap-drop refuses every name.
# (An unknown --cap-add too: adding nothing silently leaves the container without what it was meant to have.)
typo=$(echo "$(pick 1 NET_RAW MKNOD SYS_CHROOT SETFCAP)" | tr 'A-Z ' 'a-z\n' | head -n 1)x
add_typo=$(pick 1 NET_ADMN SYS_TIMEX SYSADMIN CAP_NET_BIND)
if [ "$owner" != 0:0 ]; then
  fail "rd does not drop the capabilities --cap-drop names yet (see cap-drop-and-add: with CAP_CHOWN dropped, chown still worked, or no container ran), so refusing an unknown name says nothing: fix cap-drop-and-add first"
elif refused --cap-drop "capability names such as NET_RAW, cap_net_raw or ALL ($typo is none: dropping nothing would keep one)" --cap-drop "$typo" &&
  refused --cap-add "capability names such as NET_ADMIN, cap_net_admin or ALL ($add_typo is none: adding nothing would run the container without what it was meant to have)" --cap-add "$add_typo"; then
  pass
fi

# part: a filter of the checker's choosing: chdir and two more of five calls are refused, the other three must
# work; each made by a child of the checker's program, so the kernel says how it went.
check seccomp-deny-chosen
deny=$(pick 2 sethostname mkdir symlink rename chmod)
calls=chdir,fchdir
for c in $deny; do
  case $c in
    sethostname) calls=$calls,sethostname ;; mkdir) calls=$calls,mkdir,mkdirat ;; symlink) calls=$calls,symlink,symlinkat ;;
    rename) calls=$calls,rename,renameat,renameat2 ;; chmod) calls=$calls,chmod,fchmodat,fchmodat2 ;;
  esac
done
# First a list without SYS_ADMIN, where rd's default list would refuse unshare: the list given replaces it, so
# the checker's program's unshare(CLONE_NEWUSER) (which needs no capability) must work. Run by a user in a user
# namespace of its own: the filter holds every container, not only root's, or those in the VM's user namespace.
RD_STDIN=/run/check/seccomp-program
subordinate_ids
user_flags='--userns auto --user 1000:2000 --security-opt seccomp-deny=chdir,fchdir'
deny_taken=
# shellcheck disable=SC2086 # (the flags' words)
probe "$(program_run "su-$mark")" -i busybox $user_flags
unshare_ran= user_mode= user_program=
if [ -n "$PROBE" ]; then
  user_mode=$(p_status Seccomp) PROGRAM=$(program_pid)
  user_program=$PROGRAM
  case $(program_call unshare) in made | worked) unshare_ran=yes ;; esac
fi
probe_end
if [ -z "$PROBE" ]; then
  RD_STDIN=
  if [ "$RC" = 159 ]; then killed_by_sigsys; else probe_missing; fi
else
  # Every capability (sethostname needs SYS_ADMIN to work): --cap-add ALL (in upper case, as sys-admin-through-all's is
  # not), but one the program needs not, dropped by name: as Docker reckons it, an ALL added leaves out what is dropped.
  # ALL is dropped too, which an ALL added outweighs (docker run --cap-drop all --cap-add ALL keeps every one): a
  # runtime that looks at the drop first keeps none.
  all_but=$(pick 1 NET_RAW MKNOD AUDIT_WRITE SYS_TIME NET_ADMIN SYS_PTRACE SYS_BOOT)
  all_but_caps=$(printf '%016x' $((0x$EVERY_CAP & ~0x$(cap_mask "$all_but")))) all_but_as=all,$(spelled "$all_but")
  probe "$(program_run "sd-$mark")" -i busybox --cap-add ALL --cap-drop "$all_but_as" --security-opt "seccomp-deny=$calls"
  RD_STDIN=
  # "CALL:HOW" for each call (HOW with _ for spaces), up to the first child missing.
  seen= all_caps=
  if [ -n "$PROBE" ]; then
    all_caps=$(p_status CapEff) PROGRAM=$(program_pid)
    # (And the keyring calls, which the list does not name: it takes the place of rd's default list, theirs too.)
    for c in sethostname mkdir symlink rename chmod chdir keyring keyctl request_key; do
      how=$(program_call $c | tr ' ' _)
      seen="$seen $c:${how:-missing}"
      [ -n "$how" ] || break
    done
  fi
  probe_end
  expected=$(for c in sethostname mkdir symlink rename chmod chdir; do
    case " $deny chdir " in *" $c "*) printf ' %s:failed_1' "$c" ;; *) printf ' %s:worked' "$c" ;; esac
  done) # (then add_key's and keyctl's children work, and request_key's fails with ENOKEY, as let through)
  expected="$expected keyring:worked keyctl:worked request_key:failed_126"
  [ "$seen" = "$expected" ] && deny_taken=yes
  if [ -z "$PROBE" ] && [ "$RC" = 159 ]; then
    killed_by_sigsys
  elif [ -z "$PROBE" ]; then
    probe_missing
  elif [ "$all_caps" != "$all_but_caps" ]; then
    trace_point 'PR_CAPBSET_DROP|capset'
    fail "with --cap-add ALL --cap-drop $all_but_as, the command's effective set $(cap_diff "$all_but_caps" "${all_caps:-0}"): ALL means every capability the kernel has (0 to /proc/sys/kernel/cap_last_cap), for --cap-add as for --cap-drop, and as Docker reckons it, --cap-add ALL keeps every one but those --cap-drop names, even beside --cap-drop ALL (a capability named by both flags is kept, but ALL names none)" \
      "CapEff $all_but_caps" "CapEff ${all_caps:-?}"
  elif [ "${seen%:missing}" != "$seen" ]; then
    program_missing "sd-$mark"
  elif [ "$seen" = "$expected" ] && [ -z "$user_program" ]; then
    program_missing "su-$mark"
  elif [ "$seen" = "$expected" ] && [ "$user_mode" != 2 ]; then
    trace_point 'seccomp|setuid'
    fail "with $user_flags no seccomp filter held the command (Seccomp: ${user_mode:-?}; 2 means a filter), though it did as root: the filter goes on for every container, a user's in a user namespace of its own too. Set no_new_privs and install it as the init stage's last step, after setuid: neither needs a capability" \
      'Seccomp 2' "Seccomp ${user_mode:-?}"
  elif [ "$seen" = "$expected" ] && [ "$unshare_ran" != yes ]; then
    trace_point seccomp
    fail "with $user_flags (no SYS_ADMIN), the checker's program's unshare(CLONE_NEWUSER) was refused (or never ran), though the list does not name it: the calls seccomp-deny lists must take the place of rd's default list, not be added to it" \
      'unshare ran' 'unshare refused'
  elif case $seen in *:killed_*) true ;; *) false ;; esac; then
    trace_point seccomp
    fail "with --security-opt seccomp-deny=$calls, a refused call killed the checker's program (below; signal 31 is SIGSYS): the filter must return SECCOMP_RET_ERRNO | EPERM for a denied call, so the call fails and the program goes on (SECCOMP_RET_KILL_PROCESS is only for a call made the wrong way, another architecture)" \
      "$(how_shown "$expected")" "$(how_shown "$seen")"
  else
    trace_point seccomp
    expect_eq "$(how_shown "$expected")" "$(how_shown "$seen")" \
      "with --security-opt seccomp-deny=$calls, exactly those calls must fail, with EPERM (failed 1): of sethostname, mkdir, symlink, rename, chmod and chdir, and the keyring calls (add_key, keyctl, request_key: let through, request_key fails with ENOKEY, 126), each made by the checker's program, the kernel says how each went. The filter must refuse exactly the calls seccomp-deny lists, in place of rd's default list (the keyring calls too), each by its number on this machine (linux.syscallNumber), and allow every other"
  fi
fi

# An --security-opt rd does not know (a typo, Docker's older seccomp:…, or an option rd does not have) is refused:
# skipped, it would run the container without what was asked, without a word.
check unknown-security-opt-refused
call_typo=chdir,$(pick 1 chdri mkdri fchdirr unlnk)
# A refusal counts only from a runtime that takes seccomp-deny: one that knows no --security-opt refuses them all.
if [ -z "$deny_taken" ]; then
  fail "rd does not take --security-opt seccomp-deny=… yet (see seccomp-deny-chosen), so refusing an unknown --security-opt says nothing: fix seccomp-deny-chosen first"
elif refused --security-opt "seccomp=unconfined or seccomp-deny=CALL,… (anything else, skipped, would run the container without what was asked)" \
  --security-opt "$(pick 1 seccomp-deny:chdir seccomp-denny=chdir no-new-privileges seccomp=unconfind)" &&
  refused --security-opt "seccomp-deny= calls by their names: $(echo $call_typo | cut -d, -f2) is no call (left out of the filter, it would run the container with a call allowed that was meant to be refused)" \
  --security-opt "seccomp-deny=$call_typo"; then
  pass
fi
