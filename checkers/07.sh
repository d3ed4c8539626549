# Level 07: network namespace. Inside there is only a loopback interface (down) and none of the VM's
# interfaces (the VM has lo, dummy0 and rw0), whether asked of the kernel (/proc/net/dev) or of the
# container's /sys.

vm_net_ns=$(readlink /proc/self/ns/net)

check own-net-ns
rd run -- /bin/sh -c '
  echo "ns: $(readlink /proc/self/ns/net)"
  echo kernel: $(sed -n "s/^ *\([^ :]*\):.*/\1/p" /proc/net/dev | sort)
  echo sysfs: $(ls /sys/class/net)'
if ran_ok; then
  inside=$(printf '%s\n' "$OUT" | sed -n 's/^ns: //p')
  if [ "$inside" = "$vm_net_ns" ]; then
    fail "the container shares the VM's network namespace: add CLONE_NEWNET to the init stage's unshare" \
      "a namespace other than $vm_net_ns" "$inside"
  else
    pass
  fi
fi

check only-loopback
same_run
if ran_ok; then
  expect_eq 'kernel: lo' "$(printf '%s\n' "$OUT" | grep '^kernel: ')" \
    "the kernel must show the container no network interface but its own loopback (/proc/net/dev): a new network namespace starts with lo alone, down"
fi

check sysfs-matches-namespace
same_run
if ran_ok; then
  expect_eq 'sysfs: lo' "$(printf '%s\n' "$OUT" | grep '^sysfs: ')" \
    "/sys/class/net in the container lists the VM's interfaces: a sysfs shows the network devices of the namespace of the process that mounted it. Unshare CLONE_NEWNET before mounting /sys (together with the other namespaces)"
fi
