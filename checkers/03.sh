# Level 03: the container's root is its own mount (pivot_root), and nothing of the VM stays reachable: no VM
# mounts inside, no leftover old-root folder, no way up from its root. Judged from outside: the container
# process's root, working directory and mount table, in the harness's /proc.
TRACE_CALLS='pivot_root|umount2|mount|chdir'

SROOT=/proc/$SANDBOX/root
# rd starts from a folder only the VM has.
RD_CWD=/tmp/rw-check/cwd
vm "mkdir -p $RD_CWD && echo vm > $RD_CWD/only-in-vm" || exit 1
image_top=$(tar -tf "$BUSYBOX_TAR" | sed 's#^\./##; s#/.*##' | grep -v '^$' | sort -u)
# The sandbox's own filesystems (device numbers): any of them inside the container is the VM's tree.
vm_devs=$(awk '{ print $3 }' "/proc/$SANDBOX/mountinfo" | sort -u | tr '\n' ' ')

check pivot-root
probe '[ -e only-in-vm ] && echo "escape: the working directory is still /tmp/rw-check/cwd of the VM"
  echo "root: $(ls -A / | tr "\n" " ")"'
if [ -n "$PROBE" ]; then
  # ".." from the top of a mount namespace leads nowhere; from a chroot it climbs towards the VM's files. The
  # top must be in the namespace's mount table too: a detached copy of a tree (open_tree) has no way up either,
  # but is no mount of the namespace, which still holds the VM's whole tree. And '..' must stay on the root's own
  # mount: the rootfs bound onto a folder inside it has a '..' that is the same folder, reached in another mount
  # (the one it was bound from), around which the VM's tree still is.
  root_mount=$(p_mounts | awk '$1 == "/" { print $2 }')
  root_mnt_id=$(mount_id "/proc/$PROBE/root") up_mnt_id=$(mount_id "/proc/$PROBE/root/..")
  same_file "/proc/$PROBE/root" "/proc/$PROBE/root/.." && up_same=yes || up_same=
  [ -n "$up_same" ] && [ -n "$root_mount" ] && [ -n "$root_mnt_id" ] && [ "$root_mnt_id" = "$up_mnt_id" ] && top=yes || top=
  same_file "/proc/$PROBE/root" "$SROOT/" && in_vm_root=yes || in_vm_root=
  root_path=$(readlink "/proc/$PROBE/root")
  same_file "/proc/$PROBE/cwd" "/proc/$PROBE/root" && cwd_is_root=yes || cwd_is_root=
  cwd=$(p_cwd)
  # A mount of one of the VM's filesystems (by device number), other than the root, the bound devices, and a
  # proc at /proc and a sysfs at /sys (the kernel gives a container that shares the VM's PID or network namespace
  # the same ones: by their types, so that an old root left at /proc or /sys still shows).
  vm_mounts=$(sed 's/ - / /' "/proc/$PROBE/mountinfo" | awk -v devs="$vm_devs" 'BEGIN { n = split(devs, d, " "); for (i = 1; i <= n; i++) vm[d[i]] = 1 }
    $5 != "/" && !($5 == "/proc" && $(NF - 2) == "proc") && !($5 == "/sys" && $(NF - 2) == "sysfs") &&
    $5 !~ /^\/dev\/(null|zero|full|random|urandom|tty)$/ && ($3 in vm) { print $5 }')
  root_entries=$(ls -A "/proc/$PROBE/root" | sort)
  # Can the container's root be lifted off? In its own mount namespace, entered through its user namespace as a
  # root process in the container would, but with the harness's own programs (the helper's root stays the
  # harness's), detach the mount at the container's /. After pivot_root the kernel refuses (EINVAL): the
  # namespace's root mount has nothing under it. Over a moved or chrooted root it succeeds, and the container's
  # root could do the same and stand in the VM's tree. (The last look at this container: a lift changes it. Not
  # in a copy of the namespace: a copy owned by another user namespace than the one the container's was made in,
  # as a runtime can arrange, has every mount locked, and the kernel would refuse there what it allows the
  # container.)
  lift=$(/usr/local/sbin/nsenter --user="/proc/$PROBE/ns/user" --mount="/proc/$PROBE/ns/mnt" --root=/ --wd="/proc/$PROBE/root" \
    sh -c 'umount -l . 2> /dev/null && echo lifted || echo refused' 2>&1)
fi
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root, not in the image: the container needs a root of its own (level 01) to pivot into" \
    'the image as the top of its own mount namespace' "the VM's /"
elif [ -n "$top" ]; then
  pass
elif [ -n "$up_same" ] && [ -n "$root_mount" ]; then
  point_03_pivot_root
  fail "the container's / is a mount of the image's folder onto a folder inside it (mount $root_mnt_id): '..' from it is the same folder, but in the mount it was bound from ($up_mnt_id), which lies in the VM's tree, still in the namespace around it. A chroot into such a mount is still a chroot: pivot_root into the rootfs" \
    'the top of its own mount namespace' "mount $root_mnt_id, with '..' in mount ${up_mnt_id:-?}"
elif [ -n "$root_mount" ]; then
  point_03_pivot_root
  fail "the container's / is a mount point, but not the top of its mount namespace: '..' from it still climbs into the VM's tree. A chroot into a mount point is still a chroot: pivot_root into it" \
    'the top of its own mount namespace' "a $root_mount mount inside the VM's tree"
else
  point_03_pivot_root
  fail "the container's / is not a mount point of its own: rd still uses chroot. Bind-mount the rootfs onto itself, then pivot_root into it" \
    'a mount of its own at /' "$root_path, a folder in the VM's tree"
fi

# Both judge what pivot_root leaves behind: without one (a chroot hides the VM's mounts and folders outside it
# without unmounting anything), they have nothing to judge, and a level-02 runtime would pass them.
no_old_root() {
  fail "the container's / is not the top of a mount namespace of its own, so there was no pivot_root and no old root to $1 yet: fix pivot-root first" \
    "$2" 'no pivot_root'
}

check old-root-unmounted
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$top" ]; then
  no_old_root unmount 'the old root unmounted after pivot_root'
elif [ -n "$vm_mounts" ]; then
  point_03_old_root
  fail "the VM's mounts are still inside the container (at $(echo $vm_mounts | cut -c 1-120)): after pivot_root, unmount the old root — umount2('/old_root', MNT_DETACH)" \
    "only the container's own mounts" "$(echo $vm_mounts | cut -c 1-200)"
else
  pass
fi

check old-root-removed
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$top" ]; then
  no_old_root remove "the old root's folder removed after pivot_root"
else
  extra=$(echo "$root_entries" | grep -v '^$' | grep -vxF "$image_top")
  if [ -n "$extra" ]; then
    point_03_old_root
    fail "the container's / holds $(echo $extra), which is not in the image: remove the old root's folder (fs.rmdirSync) once it is unmounted" \
      "$(echo $image_top)" "$(echo $root_entries)"
  else
    pass
  fi
fi

check chroot-breakout
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$in_vm_root" ]; then
  fail "the command runs in the VM's own root: fix pivot-root first"
elif [ -z "$cwd_is_root" ]; then
  point_03_chdir
  fail "the command's working directory is not the container's / (it is $cwd), so it reads the VM's files: pivot_root moves the working directory only when it was the old root — chdir('/') right after pivot_root" \
    'working directory: / of the container' "working directory: ${cwd:-?}"
elif [ -z "$top" ]; then
  point_03_pivot_root
  fail "a root process in the container can climb out of its root with '..' (or a nested chroot) and reach the VM's files: a chroot is not a wall. pivot_root into the rootfs and unmount the old root, so the VM's tree is not in the container's mount namespace at all" \
    'no way out' "'..' from / leads into the VM's tree"
else
  pass
fi

check no-way-under-root
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$top" ] || [ -n "$in_vm_root" ]; then
  fail "the container's / is not the top of its own mount namespace: fix pivot-root first"
elif [ "$lift" = lifted ]; then
  point_03_pivot_root
  fail "the container's / lies over the VM's root instead of replacing it: a root process in the container can unmount it (umount -l / in a mount namespace of its own) and stand in the VM's tree, still in the namespace under it. Moving the rootfs over / and chrooting (runc's --no-pivot) hides the VM's tree without removing it: pivot_root into the rootfs and unmount the old root" \
    "the kernel refusing to detach the container's /" "the container's / detached, uncovering the mount under it"
elif [ "$lift" = refused ]; then
  pass
else
  fail "the checker could not try to detach the container's / in its mount namespace: $(echo $lift | cut -c 1-200)"
fi
