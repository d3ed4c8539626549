# Level 02: the container has a mount namespace of its own (its mounts never reach the VM, whose mounts are
# shared like a systemd host's), and a /dev tmpfs with the usual devices.

vm_ns=$(vm 'readlink /proc/self/ns/mnt')
# (The first line keeps the pattern file non-empty: busybox grep -v -f with no patterns prints nothing.)
{ echo '(none)'; mounts_under "$CONTAINERS"; } > /run/check/mounts-before
probe=rw-probe-$$

check mount-namespace
rd run -- /bin/sh -c "
  echo \"ns: \$(readlink /proc/self/ns/mnt)\"
  mount -t tmpfs $probe /tmp && echo 'probe: mounted a tmpfs on /tmp'
  stat -c 'dev: %n %F %t,%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty 2>&1
  grep -q '^[^ ]* /dev tmpfs ' /proc/mounts && echo 'dev: tmpfs'
  echo \"dev: links \$(readlink /dev/stdin) \$(readlink /dev/stdout) \$(readlink /dev/stderr)\"
  echo \"null: \$(echo data > /dev/null && cat /dev/null | wc -c) bytes\""
leftovers=$(mounts_under "$CONTAINERS" | grep -vxFf /run/check/mounts-before)
if ran_ok; then
  inside_ns=$(printf '%s\n' "$OUT" | sed -n 's/^ns: //p')
  if [ "$inside_ns" = "$vm_ns" ]; then
    fail "the container uses the VM's mount namespace: call linux.unshare(CLONE_NEWNS) at the start of the init stage, before any mount" \
      "a namespace other than $vm_ns" "$inside_ns"
  else
    pass
  fi
fi

check inside-mounts-private
same_run
probe_in_vm=$(vm "grep '^$probe ' /proc/mounts")
if [ -n "$probe_in_vm" ]; then
  fail "a tmpfs the command mounted inside the container showed up in the VM: the copies of the VM's mounts are still shared with it. Make them private first: mount(null, '/', null, MS_PRIVATE | MS_REC)" \
    'the VM does not see the tmpfs' "$probe_in_vm"
elif ran_ok && ! has_line '^probe: mounted'; then
  fail "the command could not mount a tmpfs inside the container (see its output)" 'probe: mounted a tmpfs on /tmp' "$OUT"
else
  pass
fi

check no-leftover-mounts
same_run
if [ -n "$leftovers" ] && [ -n "$probe_in_vm" ]; then
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
null=$(printf '%s\n' "$OUT" | grep '^dev: /dev/null ')
if ! ran_ok; then
  :
elif [ "$null" = 'dev: /dev/null character special file 1,3 666' ] && has_line '^null: 0 bytes$'; then
  pass
elif [ -z "$null" ]; then
  fail "there is no /dev/null in the container: mount a tmpfs on <rootfs>/dev and create it with linux.mknod" \
    'character special file 1,3 666' "$(printf '%s\n' "$OUT" | grep /dev/null)"
elif ! has_line '^dev: /dev/null character special file ' "$null"; then
  fail "/dev/null is not a device: mknod's mode needs the file type, S_IFCHR | 0o666 (without it, mknod makes a regular file)" \
    'character special file 1,3 666' "${null#dev: /dev/null }"
elif ! has_line ' 1,3 ' "$null"; then
  fail "/dev/null has the wrong device number: it is major 1, minor 3 — linux.makedev(1, 3)" \
    'character special file 1,3 666' "${null#dev: /dev/null }"
else
  fail "/dev/null must be readable and writable by everyone (mode 666): mknod applies the umask, so chmod it afterwards" \
    'character special file 1,3 666' "${null#dev: /dev/null }"
fi

check dev-nodes
same_run
if ran_ok; then
  wrong=
  for node in 'zero 1,5' 'full 1,7' 'random 1,8' 'urandom 1,9' 'tty 5,0'; do
    name=/dev/${node% *} numbers=${node#* }
    line=$(printf '%s\n' "$OUT" | grep "^dev: $name ")
    if [ -z "$line" ]; then wrong="$wrong; $name is missing (char $numbers)"
    elif ! has_line "^dev: $name character special file " "$line"; then wrong="$wrong; $name is not a device (S_IFCHR)"
    elif ! has_line "^dev: $name character special file $numbers " "$line"; then wrong="$wrong; $name is not $numbers"
    fi
  done
  has_line '^dev: tmpfs$' || wrong="$wrong; /dev is not a tmpfs of its own"
  has_line '^dev: links /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2$' ||
    wrong="$wrong; /dev/stdin, stdout and stderr do not link to /proc/self/fd/0, 1 and 2"
  if [ -n "$wrong" ]; then
    fail "/dev is not what programs expect: ${wrong#; }. Mount a tmpfs on <rootfs>/dev, mknod each character device, and symlink the std streams" \
      'zero 1,5, full 1,7, random 1,8, urandom 1,9, tty 5,0, links to /proc/self/fd, on a tmpfs' "$(printf '%s\n' "$OUT" | grep '^dev: ')"
  else
    pass
  fi
fi
