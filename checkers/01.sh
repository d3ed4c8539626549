# Level 01: the command runs in its own unpacked copy of the image (chroot), in its root folder, with /proc and a
# read-only /sys.
# Judged from outside: the root, working directory and mounts of the container's process, in the harness's /proc.
TRACE_CALLS='chroot|chdir|mount|which'

SROOT=/proc/$SANDBOX/root
# rd starts from a folder only the VM has: a container whose working directory stays outside its root can
# still read it.
RD_CWD=/tmp/rw-check/cwd
vm "mkdir -p $RD_CWD && echo vm > $RD_CWD/only-in-vm" || exit 1
# part: one container, its root, working directory and mounts

check image-root
PROBE_HOLDS=2
probe '
  echo "image: $(cat /etc/rubber-image 2>&1)"
  [ -e /workshop ] && echo "vm: /workshop is visible"
  [ -e only-in-vm ] && echo "cwd: still in /tmp/rw-check/cwd of the VM"'
PROBE_HOLDS=
first=$PROBE
if [ -n "$first" ]; then
  root=$(readlink "/proc/$PROBE/root")
  image=$(f=$(p_file /etc/rubber-image) && [ ! -L "$f" ] && head -c 200 "$f" 2>&1)
  same_file "/proc/$PROBE/root" "$SROOT/" && in_vm_root=yes || in_vm_root=
  same_file "/proc/$PROBE/cwd" "/proc/$PROBE/root" && cwd_is_root=yes || cwd_is_root=
  cwd=$(p_cwd)
  proc_mount=$(p_mounts | awk '$1 == "/proc" { print $2 }')
  proc_opts=$(awk '$5 == "/proc" { o = $6 } END { print o }' "/proc/$PROBE/mountinfo")
  sys_mount=$(p_mounts | awk '$1 == "/sys" { t = $2 } END { print t }')
  sys_opts=$(awk '$5 == "/sys" { o = $6 } END { print o }' "/proc/$PROBE/mountinfo")
  # For own-copy: a second container of the same image, started while the first runs.
  probe_aside
  probe ''
  second=$PROBE
  [ -n "$second" ] && same_file "/proc/$second/root" "/proc/$first/root" && shared_root=yes
fi
probe_end
[ -n "$first" ] && aside_run # (all but own-copy are about the first container)
if [ -z "$first" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command's root is the VM's / (it sees /workshop and every other file of the VM): chroot into the unpacked image before execve" \
    'root: <container-dir>/<id>/rootfs' "root: $root"
elif [ "$image" != busybox ]; then
  fail "the container's root ($root) is not the busybox image (its /etc/rubber-image is missing): unpack <image-dir>/busybox.tar into <container-dir>/<id>/rootfs and chroot there" \
    'image: busybox' "image: $image"
else
  pass
fi

check cwd-inside-root
same_run
[ -n "$first" ] && aside_run
if [ -z "$first" ]; then
  probe_missing
elif [ -z "$cwd_is_root" ]; then
  trace_point '^init [0-9]+ chroot\('
  fail "the command's working directory is not the container's / (it was ${cwd:-outside its root}, and it can read the VM's /tmp/rw-check/cwd/only-in-vm): chroot() does not move the working directory — call chdir('/') right after it" \
    'working directory: / of the container' "working directory: ${cwd:-?}"
else
  pass
fi

check proc
same_run
[ -n "$first" ] && aside_run
if [ -z "$first" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root, so its /proc is the VM's: fix image-root first"
elif [ "$proc_mount" = proc ] && printf ',%s,' "$proc_opts" | grep -q ',ro,'; then
  fail "/proc inside the container is mounted read-only: its processes could not write their own files there (/proc/self/oom_score_adj, a nested user namespace's uid_map), as they can in Docker. Of the container's special filesystems only sysfs is mounted MS_RDONLY; proc takes MS_NOSUID, MS_NODEV and MS_NOEXEC at most" \
    'proc on /proc, read-write' "proc on /proc, $proc_opts"
elif [ "$proc_mount" = proc ]; then
  pass
else
  fail "/proc inside the container is empty: mount a proc filesystem on <rootfs>/proc before chroot — mount('proc', path.join(rootfs, 'proc'), 'proc')" \
    'a proc filesystem on /proc' "${proc_mount:-nothing} mounted on /proc"
fi

# The kernel's view of devices and network interfaces, read-only as Docker mounts it: apart from a network
# namespace's interfaces, a sysfs is the VM's own kernel.
check sysfs
same_run
[ -n "$first" ] && aside_run
if [ -z "$first" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root, so its /sys is the VM's: fix image-root first"
elif [ "$sys_mount" != sysfs ]; then
  fail "/sys inside the container is empty: mount a sysfs on <rootfs>/sys before chroot, read-only — mount('sysfs', path.join(rootfs, 'sys'), 'sysfs', MS_RDONLY) — as Docker does: programs find the devices and network interfaces there (level 07 relies on it)" \
    'a sysfs on /sys, read-only' "${sys_mount:-nothing} mounted on /sys"
elif ! printf ',%s,' "$sys_opts" | grep -q ',ro,'; then
  fail "the sysfs on the container's /sys is writable: it is the VM's own kernel (its devices, its power and memory settings), which the container's root could then change for the whole VM. Mount it MS_RDONLY, as Docker does" \
    'sysfs on /sys, read-only' "sysfs on /sys, $sys_opts"
else
  pass
fi

check image-dir-untouched
same_run
[ -n "$first" ] && aside_run
# Judged against the VM as it was built, not against what the folder held before (an earlier level's container
# in this VM may have changed it already): image tars only, and busybox.tar as it came.
linked=$(s_linked "$IMAGES/busybox.tar")
# (Any name but a regular file NAME.tar: a folder may be named like a tar, too.)
not_images=$(cd "$(s_file "$IMAGES")" && for f in * .[!.]* ..?*; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  case $f in *.tar) [ -f "$f" ] && [ ! -L "$f" ] && continue ;; esac
  printf '%s ' "$f"
done)
tar_now=$(cmp -s "$(s_file "$IMAGES/busybox.tar")" "$BUSYBOX_TAR" && echo 'as it was' || echo changed)
if [ -n "$linked" ]; then
  links_refused "$linked"
elif [ -n "$not_images" ] || [ "$tar_now" != 'as it was' ]; then
  fail "rd changed the image folder $IMAGES: images are shared by every container, so unpack each container's copy into <container-dir>/<id>/rootfs" \
    'image tars only; busybox.tar as it was' "${not_images:-image tars only}; busybox.tar $tar_now"
elif [ -z "$first" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "no container was made from the image (the command ran in the VM's own root): fix image-root first"
else
  pass
fi

check own-copy
same_run
if [ -z "$first" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "no container was made from the image (the command ran in the VM's own root): fix image-root first"
elif [ -z "$second" ]; then
  fail "a second container of busybox, started while the first still ran, never ran its command (rd's output is below): each container is made of a copy of the image of its own, in <container-dir>/<id>/rootfs, and two may run at once" \
    'a second container running' '(none)'
elif [ -n "$shared_root" ]; then
  fail "two containers of busybox, running at once, had one root folder, $root: what one writes or deletes there, the other sees, and so does every later container of the image. Unpack a copy for each container into <container-dir>/<id>/rootfs (level 04 shares one unpacked image safely, read-only under an overlay)" \
    'two root folders' "both $root"
else
  pass
fi

# part: the VM's PATH finds an env that the image does not have: a runtime that looks the command up before chroot
# gets that path, which does not exist inside the container. (The image's is /usr/bin/env, not in /bin.)
check path-lookup-inside
vm 'mkdir -p /run/rw-path && printf "#!/bin/sh\nexit 99\n" > /run/rw-path/env && chmod +x /run/rw-path/env'
vm_path=$PATH
PATH=/run/rw-path:$PATH PROBE_SHELL='env sh'
probe ''
PATH=$vm_path PROBE_SHELL=
probe_end
if [ -n "$PROBE" ]; then
  pass
elif has_line '/run/rw-path/env' || [ "$RC" = 99 ]; then
  # (99: the status only the VM's env exits with; rd passed it on without naming the path)
  fail "rd looked the command up in the VM's PATH and found /run/rw-path/env, which the image does not have: look it up inside the container, after chroot (linux.which in the init stage, right before execve)" \
    'env found in the image, /usr/bin/env' '/run/rw-path/env, the VM'"'"'s'
else
  probe_missing
fi

# part: the folders rd is told to use: an image that only --image-dir holds, containers made in --container-dir.
# Their paths hold a space, as a folder's name may: passed on as one word each, never through a shell.
check dirs-from-flags
FLAG_IMAGES='/tmp/rw check/images' FLAG_CONTAINERS='/tmp/rw check/containers'
vm "mkdir -p '$FLAG_IMAGES' '$FLAG_CONTAINERS' && cp $IMAGES/busybox.tar '$FLAG_IMAGES/elsewhere.tar'" || exit 1
# What the default container folder holds, two levels deep (an earlier container may have left its folder).
in_default() { (cd "$(s_file "$CONTAINERS")" && find . -maxdepth 2 | sort); }
default_before=$(in_default)
# Both are given as a user may type them, relative to the folder rd runs from (RD_CWD): FLAG_IMAGES and
# FLAG_CONTAINERS again. (An init stage started elsewhere, spawn's cwd the rootfs say, reads them from there.)
REL_IMAGES="../../rw check/images" REL_CONTAINERS="../../rw check/containers"
probe '' -i elsewhere --image-dir "$REL_IMAGES" --container-dir "$REL_CONTAINERS"
if [ -n "$PROBE" ]; then
  default_now=$(in_default)
  made=$(ls -A "$(s_file "$FLAG_CONTAINERS")")
  linked=$(s_linked "$CONTAINERS" "$FLAG_CONTAINERS")
  image=$(f=$(p_file /etc/rubber-image) && [ ! -L "$f" ] && head -c 200 "$f" 2>&1)
fi
probe_end
if [ -z "$PROBE" ] && [ "$PROBES" = 0 ] && [ "$RC" != 137 ] && ! rd_timed_out; then
  fail "with -i elsewhere --image-dir '$REL_IMAGES' --container-dir '$REL_CONTAINERS', run from $RD_CWD, rd exited with status $RC before the command ran; elsewhere.tar is only in that image folder, $FLAG_IMAGES ($IMAGES has none): build the image's path from the --image-dir given (options.imageDir), not from its default, and every container path from the --container-dir given. Both are relative to rd's own folder, and mean what the user meant only from there: hand them on as they are (tar -C changes only where tar unpacks to), and let the init stage start in rd's folder (no spawn cwd), using them before chroot. rd's output is below" \
    'the command running' "rd exited with status $RC"
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$linked" ]; then
  links_refused "$linked"
elif [ "$default_now" != "$default_before" ]; then
  fail "with --container-dir '$REL_CONTAINERS' ($FLAG_CONTAINERS, from rd's folder $RD_CWD), rd still made the container in $CONTAINERS: build every container path from the --container-dir given (options.containerDir), not from its default" \
    "new in $CONTAINERS: nothing" "new in $CONTAINERS: $(echo $(printf '%s\n' "$default_now" | grep -vxF "$default_before") | cut -c 1-200)"
elif [ -z "$made" ]; then
  fail "with --container-dir '$REL_CONTAINERS', run from $RD_CWD, nothing was in $FLAG_CONTAINERS while the container ran: the container's folder <container-dir>/<id> belongs there (a relative --container-dir is relative to rd's folder)" \
    "<id> in $FLAG_CONTAINERS" 'an empty folder'
elif [ "$image" != busybox ]; then
  fail "the container's root is not the image elsewhere.tar in --image-dir $FLAG_IMAGES (a copy of busybox; its /etc/rubber-image is missing): unpack <image-dir>/<image>.tar" \
    'image: busybox' "image: $image"
else
  pass
fi
