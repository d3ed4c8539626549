# Level 03: the container's root is its own mount (pivot_root), and nothing of the VM stays reachable: no VM
# mounts inside, no leftover old-root folder, and the classic chroot breakout leads nowhere.

# rd starts from a folder only the VM has, holding a file the breakout looks for.
RD_CWD=/tmp/rw-check/cwd
mkdir -p "$RD_CWD" && echo vm > "$RD_CWD/only-in-vm" || exit 1
image_top=$(tar -tf "$IMAGES/busybox.tar" | sed 's#^\./##; s#/.*##' | grep -v '^$' | sort -u)

# The breakout: nsenter -r chroots into a subfolder but (unlike chroot(1)) keeps the working directory, which is
# then outside the process's root. From there, ".." climbs past the container's root unless that root is the
# top of its mount namespace.
check pivot-root
rd run -- /bin/sh -c '
  [ -e only-in-vm ] && echo "escape: the working directory is still /tmp/rw-check/cwd of the VM"
  echo "root: $(ls -A / | tr "\n" " ")"
  while read -r _ point _; do echo "mount: $point"; done < /proc/mounts
  bb=$(readlink -f /bin/sh)
  cd / && mkdir -p /tmp/b
  nsenter -r/tmp/b "${bb#/}" test -e ../../../../../../../../tmp/rw-check/cwd/only-in-vm &&
    echo "escape: a nested chroot climbed to the VM and found /tmp/rw-check/cwd/only-in-vm"
  exit 0'
if ran_ok; then
  if has_line '^mount: /$'; then
    pass
  else
    fail "the container's / is not a mount point of its own: rd still uses chroot. Bind-mount the rootfs onto itself, then pivot_root into it" \
      'mount: /' "$(printf '%s\n' "$OUT" | grep '^mount: ')"
  fi
fi

check old-root-unmounted
same_run
if ran_ok; then
  vm_mounts=$(printf '%s\n' "$OUT" | grep -E "^mount: .+$CONTAINERS\$")
  if [ -n "$vm_mounts" ]; then
    fail "the VM's mounts are still inside the container (its $CONTAINERS is mounted at ${vm_mounts#mount: }): after pivot_root, unmount the old root — umount2('/old_root', MNT_DETACH)" \
      'only the container'"'"'s own mounts' "$(printf '%s\n' "$OUT" | grep '^mount: ')"
  else
    pass
  fi
fi

check old-root-removed
same_run
if ran_ok; then
  extra=$(printf '%s\n' "$OUT" | sed -n 's/^root: //p' | tr ' ' '\n' | grep -v '^$' | grep -vxF "$image_top")
  if [ -n "$extra" ]; then
    fail "the container's / holds $(echo $extra), which is not in the image: remove the old root's folder (fs.rmdirSync) once it is unmounted" \
      "$(echo $image_top)" "$(printf '%s\n' "$OUT" | sed -n 's/^root: //p')"
  else
    pass
  fi
fi

check chroot-breakout
same_run
if ran_ok; then
  if has_line '^escape: the working directory'; then
    fail "the command's working directory is still in the VM's tree, so it reads the VM's files: pivot_root moves the working directory only when it was the old root — chdir('/') right after pivot_root" \
      'working directory: / of the container' "$(printf '%s\n' "$OUT" | grep '^escape: ')"
  elif has_line '^escape: '; then
    fail "a root process in the container climbed out with a nested chroot and reached the VM's files: a chroot is not a wall. pivot_root into the rootfs and unmount the old root, so the VM's tree is not in the container's mount namespace at all" \
      'no way out' "$(printf '%s\n' "$OUT" | grep '^escape: ')"
  else
    pass
  fi
fi
