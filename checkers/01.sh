# Level 01: the command runs in its own unpacked copy of the image (chroot), in its root folder, with /proc.

# rd starts from a folder only the VM has: a container whose working directory stays outside its root can
# still read it.
RD_CWD=/tmp/rw-check/cwd
mkdir -p "$RD_CWD" && echo vm > "$RD_CWD/only-in-vm" || exit 1
images_before=$(ls -A "$IMAGES"; md5sum < "$IMAGES/busybox.tar")

check image-root
rd run -- /bin/sh -c '
  echo "image: $(cat /etc/rubber-image 2>&1)"
  [ -e /workshop ] && echo "vm: /workshop is visible"
  [ -e only-in-vm ] && echo "cwd: still in /tmp/rw-check/cwd of the VM"
  grep -q "^[^ ]* /proc proc " /proc/mounts && echo "proc: mounted"
  echo "status: $(grep ^Pid: /proc/self/status 2>&1)"'
if ! ran_ok; then
  :
elif has_line '^vm: '; then
  fail "the command sees the VM's files (/workshop is there): chroot into the unpacked image before execve" \
    'no /workshop' '/workshop exists'
elif ! has_line '^image: busybox$'; then
  fail "the container's root is not the busybox image (its /etc/rubber-image is missing): unpack <image-dir>/busybox.tar into <container-dir>/<id>/rootfs and chroot there" \
    'image: busybox' "$(printf '%s\n' "$OUT" | grep '^image: ')"
else
  pass
fi

check cwd-inside-root
same_run
if ran_ok; then
  if has_line '^cwd: '; then
    fail "the command's working directory is still in the VM's tree (it can read the VM's /tmp/rw-check/cwd/only-in-vm): chroot() does not move the working directory — call chdir('/') right after it" \
      'working directory: / of the container' "$(printf '%s\n' "$OUT" | grep '^cwd: ')"
  else
    pass
  fi
fi

check proc
same_run
if ran_ok; then
  if has_line '^proc: mounted$' && has_line '^status: Pid:'; then
    pass
  else
    fail "/proc inside the container is empty: mount a proc filesystem on <rootfs>/proc before chroot — mount('proc', path.join(rootfs, 'proc'), 'proc')" \
      'a proc filesystem on /proc' "$(printf '%s\n' "$OUT" | grep -E '^(proc|status): ')"
  fi
fi

check image-dir-untouched
same_run
images_after=$(ls -A "$IMAGES"; md5sum < "$IMAGES/busybox.tar")
if [ "$images_after" != "$images_before" ]; then
  fail "rd changed the image folder $IMAGES: images are shared by every container, so unpack each container's copy into <container-dir>/<id>/rootfs" \
    "$images_before" "$images_after"
elif ran_ok; then
  pass
fi
