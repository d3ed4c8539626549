# Level 02: the container has a mount namespace of its own (its mounts never reach the VM, whose mounts are
# shared like a systemd host's), and a /dev tmpfs with the usual devices. Judged from outside: the container
# process's namespace and mount table, and the sandbox's mount table, in the harness's /proc.
TRACE_CALLS='unshare|mount'

{ echo '(none)'; mounts_under "$CONTAINERS"; } > /run/check/mounts-before
tag=rw-probe-$$

check mount-namespace
privileged
probe "mount -t tmpfs $tag /tmp && echo 'probe: mounted a tmpfs on /tmp'" $PRIVILEGED
if [ -n "$PROBE" ]; then
  inside_ns=$(p_ns mnt)
  same_file "/proc/$PROBE/root" "/proc/$SANDBOX/root/" && in_vm_root=yes || in_vm_root=
  inside_tmp=$(p_mounts | awk -v tag="$tag" '$1 == "/tmp" && $3 == tag')
  in_vm=$(grep "^$tag " "/proc/$SANDBOX/mounts")
  for node in null zero full random urandom tty; do
    file=$(p_file /dev/$node) && [ ! -L "$file" ] && echo "$node $(stat -c '%F %t,%T %a' "$file" 2>&1)" || echo "$node (missing)"
  done > /run/check/02-dev
  dev_fs=$(p_mounts | awk '$1 == "/dev" { print $2 }')
  # The same folder as the VM's /dev (a bind of it, not a tmpfs of its own): the VM's devices, all of them.
  same_file "/proc/$PROBE/root/dev" "/proc/$SANDBOX/root/dev" && dev_is_vms=yes || dev_is_vms=
  links=$(for n in fd stdin stdout stderr; do f=$(p_file /dev/$n) && readlink "$f" || echo "(no $n)"; done | tr '\n' ' ')
  # Terminals: the device (major:minor) of what is mounted on its /dev/pts, beside the VM's devpts instances'.
  pts_dev=$(awk '$5 == "/dev/pts" { d = $3 } END { print d }' "/proc/$PROBE/mountinfo")
  vm_pts=$(awk '$(NF - 2) == "devpts" { printf " %s ", $3 }' "/proc/$SANDBOX/mountinfo")
  ptmx=$(f=$(p_file /dev/ptmx) && stat -c '%F %t,%T' "$f" 2> /dev/null)
  # (Who may open a terminal: a devpts's own ptmx has mode 000 unless mounted with ptmxmode=0666.)
  pts_ptmx=$(f=$(p_file /dev/pts/ptmx) && [ ! -L "$f" ] && stat -c %a "$f" 2> /dev/null)
  # (The device of what is mounted on /dev/ptmx, if anything: a bind of the container's own pts/ptmx, as LXC makes.)
  ptmx_dev=$(awk '$5 == "/dev/ptmx" { d = $3 } END { print d }' "/proc/$PROBE/mountinfo")
  ptmx_link=$(f=$(p_file /dev/ptmx) && readlink "$f")
  # (The devpts's own options, the line's last field: mode= is each new terminal's, 600 unless given.)
  pts_mode=$(awk '$5 == "/dev/pts" { o = $NF } END { print "," o "," }' "/proc/$PROBE/mountinfo" | sed -n 's/.*,mode=\([0-7]*\),.*/\1/p')
  dev_mode=$(f=$(p_file /dev) && [ ! -L "$f" ] && stat -c %a "$f" 2> /dev/null)
  # (The options of the mount on its /dev, field 6: those of that mount itself, such as nosuid.)
  dev_opts=$(awk '$5 == "/dev" { o = $6 } END { print o }' "/proc/$PROBE/mountinfo")
  # rd's own process stays in the VM's mount namespace: the container's is made by the init stage.
  parent=$(rd_process)
  [ -n "$parent" ] && rd_strayed mnt && mnt_left=$STRAYED mnt_left_ns=$STRAYED_NS
fi
probe_end
leftovers=$(mounts_under "$CONTAINERS" | grep -vxFf /run/check/mounts-before)
# The VM's / is shared, as on a systemd host; made private in the VM's own namespace (MS_PRIVATE before unshare),
# it stays so for every later mount. (Put back, so that later checks see the VM as it was.)
vm_root_shared=$(sed 's/ - .*//' "/proc/$SANDBOX/mountinfo" | awk '$5 == "/" && / shared:/')
[ -n "$vm_root_shared" ] || vm 'mount --make-rshared /'
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$inside_ns" = "$(s_ns mnt)" ]; then
  fail "the container uses the VM's mount namespace: call linux.unshare(CLONE_NEWNS) at the start of the init stage, before any mount" \
    "a namespace other than $(s_ns mnt)" "$inside_ns"
elif [ -z "$parent" ]; then
  rd_lost
elif [ -n "$mnt_left" ]; then
  trace_point '^parent [0-9]+ unshare\(.*CLONE_NEWNS'
  fail "$mnt_left left the VM's mount namespace: the container's was made in rd, before it spawned the init stage, so rd's later mounts and unmounts (and, from level 03, pivot_root) no longer happen in the VM. Call linux.unshare(CLONE_NEWNS) in the init stage instead" \
    "rd in $(s_ns mnt)" "rd in $mnt_left_ns"
else
  pass
fi

check inside-mounts-private
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$vm_root_shared" ]; then
  trace_point 'MS_PRIVATE'
  fail "the VM's own / is no longer shared: mount(null, '/', null, MS_PRIVATE | MS_REC) ran in the VM's mount namespace, before unshare(CLONE_NEWNS), and changed how every mount of the VM propagates, for good. Make the container's copies private: unshare first, then MS_PRIVATE" \
    "the VM's / shared" "the VM's / private"
elif [ -n "$in_vm" ]; then
  # rd's own account, when it has one, says where the call belongs.
  why=
  if trace_has '^init [0-9]+ unshare\(.*CLONE_NEWNS.* = 0$' && ! trace_has '^init [0-9]+ mount\(.*MS_PRIVATE'; then
    trace_point '^init [0-9]+ unshare\(.*CLONE_NEWNS'
    why=", right after unshare(CLONE_NEWNS): rd's trace shows no such call after it (marked below)"
  fi
  fail "a tmpfs the command mounted inside the container showed up in the VM: the copies of the VM's mounts are still shared with it. Make them private first: mount(null, '/', null, MS_PRIVATE | MS_REC)$why" \
    'the VM does not see the tmpfs' "$in_vm"
elif [ -z "$inside_tmp" ]; then
  fail "the command could not mount a tmpfs on /tmp inside the container (see its output)" 'probe: mounted a tmpfs on /tmp' "$OUT"
else
  pass
fi

check no-leftover-mounts
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$inside_ns" = "$(s_ns mnt)" ]; then
  fail "the container had no mount namespace of its own, so there was nothing of its own to leave behind: fix mount-namespace first"
elif [ -n "$leftovers" ] && [ -n "$in_vm" ]; then
  fail "the container ended, but its mounts are still in the VM: they propagated there, because the container's copies of the VM's mounts are shared (see inside-mounts-private)" \
    'no new mounts' "$leftovers"
elif [ -n "$leftovers" ]; then
  fail "the container ended, but the VM still has mounts under $CONTAINERS: mount proc, sys and dev after unshare(CLONE_NEWNS), so they live and die with the container's namespace" \
    'no new mounts' "$leftovers"
else
  pass
fi

check dev-null
same_run
null=$(sed -n 's/^null //p' /run/check/02-dev 2>/dev/null)
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root, so its /dev is the VM's: the container needs a root of its own (level 01)"
elif [ "$null" = 'character special file 1,3 666' ]; then
  pass
elif [ "$null" = '(missing)' ] || has_line 'No such file' "$null"; then
  fail "there is no /dev/null in the container: mount a tmpfs on <rootfs>/dev, then bind-mount the VM's /dev/null onto an empty file there" \
    'character special file 1,3 666' "${null:-(missing)}"
elif ! has_line '^character special file ' "$null"; then
  fail "/dev/null in the container is a $(echo "$null" | sed 's/ [0-9a-f]*,[0-9a-f]* [0-7]*$//'), not a device: the empty file is only where the device goes — bind-mount the VM's /dev/null onto it (mount(path, file, null, MS_BIND))" \
    'character special file 1,3 666' "$null"
else
  fail "/dev/null in the container is not the VM's /dev/null (char 1,3, mode 666): bind-mount /dev/null itself onto <rootfs>/dev/null" \
    'character special file 1,3 666' "$null"
fi

check dev-nodes
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root, so its /dev is the VM's: the container needs a root of its own (level 01)"
elif [ -n "$dev_is_vms" ]; then
  fail "the container's /dev is the VM's own /dev, bound in: the command reaches every device the VM has, and what it makes in /dev lands in the VM's. Mount a tmpfs of its own on <rootfs>/dev and bind-mount only null, zero, full, random, urandom and tty onto empty files there" \
    "a tmpfs of the container's own on /dev" "the VM's /dev ($dev_fs, device and inode $(stat -c '%d:%i' "/proc/$SANDBOX/root/dev"))"
else
  wrong=
  for node in 'zero 1,5' 'full 1,7' 'random 1,8' 'urandom 1,9' 'tty 5,0'; do
    name=${node% *} numbers=${node#* }
    line=$(sed -n "s/^$name //p" /run/check/02-dev)
    if [ "$line" = '(missing)' ] || has_line 'No such file' "$line"; then wrong="$wrong; /dev/$name is missing (char $numbers)"
    elif ! has_line '^character special file ' "$line"; then wrong="$wrong; /dev/$name is not a device"
    elif ! has_line "^character special file $numbers " "$line"; then wrong="$wrong; /dev/$name is not $numbers"
    fi
  done
  [ "$dev_fs" = tmpfs ] || wrong="$wrong; /dev is not a tmpfs of its own (${dev_fs:-nothing} is mounted there)"
  # (A tmpfs starts 1777: anyone in the container could add a file to /dev. mode=755, as a host's /dev.)
  [ "$dev_fs" != tmpfs ] || [ "$dev_mode" = 755 ] || wrong="$wrong; /dev has mode ${dev_mode:-?}, not 755: mount its tmpfs with the option mode=755"
  # (Set-user-ID files in /dev would run with their owner's rights: nothing there is a program, so nosuid, as Docker's.)
  case ,$dev_opts, in *,nosuid,*) ;; *) [ "$dev_fs" != tmpfs ] ||
    wrong="$wrong; /dev is mounted without nosuid (its options: $dev_opts): a set-user-ID program put there would run with its owner's rights. Mount its tmpfs with MS_NOSUID (and MS_STRICTATIME)" ;; esac
  [ "$links" = '/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 ' ] ||
    wrong="$wrong; /dev/fd, stdin, stdout and stderr do not link to /proc/self/fd and its 0, 1 and 2"
  # Terminals of its own: a devpts of the container's (the VM's, bound in, hands it the VM's terminals), each new
  # terminal closed to other users, and /dev/ptmx leading to that devpts.
  if [ -z "$pts_dev" ]; then
    wrong="$wrong; /dev/pts has no devpts: no program in the container can open a terminal (script, an ssh server). Mount a devpts of its own there (options newinstance,ptmxmode=0666)"
  else
    case $vm_pts in *" $pts_dev "*)
      wrong="$wrong; /dev/pts is the VM's devpts (device $pts_dev), bound in: the command can open the VM's terminals. Mount a devpts of its own there (options newinstance,ptmxmode=0666)" ;; esac
    [ -n "$pts_mode" ] && [ $((0$pts_mode & 7)) -ne 0 ] &&
      wrong="$wrong; the devpts gives each new terminal mode $pts_mode: every user in the container may read and write every other's terminal (its keystrokes, a password typed into su). Leave mode= out (600) or make it 620"
  fi
  if [ "$ptmx" = 'character special file 5,2' ] && { [ -z "$pts_dev" ] || [ "$ptmx_dev" != "$pts_dev" ]; }; then
    wrong="$wrong; /dev/ptmx is the VM's: every terminal the command opens is made in the VM's devpts. Make it a link to pts/ptmx"
  elif [ -n "$pts_dev" ] && [ "$ptmx_dev" != "$pts_dev" ]; then
    case $ptmx_link in pts/ptmx | /dev/pts/ptmx) ;; *)
      wrong="$wrong; /dev/ptmx (${ptmx_link:-${ptmx:-missing}}) does not lead to the container's devpts: programs open a terminal through it. Make it a link to pts/ptmx" ;; esac
  fi
  [ -n "$pts_dev" ] && [ -n "$pts_ptmx" ] && [ "$pts_ptmx" != 666 ] &&
    wrong="$wrong; /dev/pts/ptmx has mode $pts_ptmx, not 666: only root may open a terminal in the container (script, an ssh server, any program a --user runs that wants one). Mount the devpts with the option ptmxmode=0666"
  if [ -n "$wrong" ]; then
    fail "/dev is not what programs expect: ${wrong#; }. Mount a tmpfs on <rootfs>/dev, bind-mount each of the VM's devices onto an empty file there, and symlink the std streams" \
      'zero 1,5, full 1,7, random 1,8, urandom 1,9, tty 5,0, links to /proc/self/fd, on a nosuid tmpfs; a devpts of its own on /dev/pts; ptmx -> pts/ptmx' \
      "$(tr '\n' ';' < /run/check/02-dev) links: $links; /dev: ${dev_fs:-nothing} ($dev_opts); /dev/pts: $([ -n "$pts_dev" ] && echo "a devpts, mode=${pts_mode:-600}" || echo 'no devpts'); ptmx: $([ -n "$ptmx_link" ] && echo "-> $ptmx_link" || echo "${ptmx:-missing}")"
  else
    pass
  fi
fi
