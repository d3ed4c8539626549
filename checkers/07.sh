# Level 07: network namespace. Inside there is only a loopback interface (down) and none of the VM's
# interfaces (the VM has lo, dummy0 and rw0), whether asked of the kernel or of the container's /sys.
# Judged from outside: the container process's network namespace and its interfaces, in the harness's /proc.
TRACE_CALLS='unshare|mount'

check own-net-ns
probe 'echo "sysfs: $(ls /sys/class/net)"'
if [ -n "$PROBE" ]; then
  inside=$(p_ns net)
  kernel=$(sed -n 's/^ *\([^ :]*\):.*/\1/p' "/proc/$PROBE/net/dev" | sort | tr '\n' ' ' | sed 's/ $//')
  sysfs=$(f=$(p_file /sys/class/net/lo) && ls "${f%/lo}" 2> /dev/null | sort | tr '\n' ' ' | sed 's/ $//')
  sys_dev=$(awk '$5 == "/sys" { print $3 }' "/proc/$PROBE/mountinfo")
  vm_sys_dev=$(awk '$5 == "/sys" { print $3 }' "/proc/$SANDBOX/mountinfo")
  # What is mounted on top at /sys, and anything mounted over /sys/class: the listing above is only a sysfs's
  # if the kernel shows one there, not a folder named lo on a tmpfs.
  sys_fs=$(p_mounts | awk '$1 == "/sys" { t = $2 } END { print t }')
  # Its per-mount options (mountinfo's sixth field): a sysfs is the kernel's, network devices aside, so read-only.
  sys_opts=$(awk '$5 == "/sys" { o = $6 } END { print o }' "/proc/$PROBE/mountinfo")
  over_class=$(p_mounts | awk '$1 ~ /^\/sys\/class(\/|$)/ { printf "%s%s (%s)", (n++ ? ", " : ""), $1, $2 }')
  # A cgroup filesystem in the container (the VM's bound in, so that programs see their limits) mounted
  # read-write: its root could write its own limits, and any other container's, back to max.
  cgroup_rw=$(awk '{ split($0, half, " - "); split(half[1], l, " "); split(half[2], r, " ")
    if ((r[1] == "cgroup2" || r[1] == "cgroup") && ("," l[6] ",") ~ /,rw,/) printf "%s%s", (n++ ? ", " : ""), l[5] }' "/proc/$PROBE/mountinfo")
  # rd's own process: it stays in the VM's network.
  parent=$(rd_process)
  [ -n "$parent" ] && rd_strayed net && net_left=$STRAYED net_left_ns=$STRAYED_NS
fi
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$inside" = "$(s_ns net)" ]; then
  point_07_net_namespace
  fail "the container shares the VM's network namespace: add CLONE_NEWNET to the init stage's unshare" \
    "a namespace other than $(s_ns net)" "$inside"
elif [ -z "$parent" ]; then
  rd_lost
elif [ -n "$net_left" ]; then
  point_07_net_namespace
  fail "$net_left left the VM's network namespace: the container's was made in rd, before it spawned the init stage, so rd itself now has only the container's network. Add CLONE_NEWNET to the init stage's unshare instead" \
    "rd in $(s_ns net)" "rd in $net_left_ns"
else
  # A network namespace of its own shows the kernel's view of it: a new one holds lo alone.
  point_07_net_namespace
  expect_eq 'kernel: lo' "kernel: $kernel" \
    "the kernel must show the container no network interface but its own loopback: a new network namespace starts with lo alone, down"
fi

check sysfs-matches-namespace
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$inside" = "$(s_ns net)" ]; then
  fail "the container is in the VM's network namespace, so its /sys cannot match a namespace of its own: fix own-net-ns first"
elif [ -z "$sys_dev" ]; then
  fail "the container has no sysfs on /sys (its /sys/class/net is empty): mount one in the init stage, as level 01 does" \
    'sysfs: lo' 'no sysfs mounted'
elif [ "$sys_fs" != sysfs ] || [ -n "$over_class" ]; then
  fail "the container's /sys/class/net is not what a sysfs shows: mount a sysfs (type sysfs) on <rootfs>/sys after unshare(CLONE_NEWNET), nothing over it" \
    'a sysfs on /sys' "${sys_fs:-nothing} on /sys${over_class:+, and over /sys/class: $over_class}"
elif [ "$sys_dev" = "$vm_sys_dev" ] && [ "$inside" != "$(s_ns net)" ]; then
  point_07_sysfs
  fail "the container's /sys is the VM's own sysfs (bound from the VM, or mounted before the network namespace existed), so it lists the VM's interfaces: mount a new sysfs after unshare(CLONE_NEWNET)" \
    'sysfs: lo' "sysfs: $sysfs"
elif [ "$sysfs" != lo ]; then
  point_07_sysfs
  fail "/sys/class/net in the container lists the VM's interfaces: a sysfs shows the network devices of the namespace of the process that mounted it. Unshare CLONE_NEWNET before mounting /sys (together with the other namespaces)" \
    'sysfs: lo' "sysfs: $sysfs"
elif ! printf ',%s,' "$sys_opts" | grep -q ',ro,'; then
  point_07_sysfs
  fail "the container's /sys is mounted read-write: apart from its network devices, a sysfs is the kernel's own (the machine's power state, its PCI and block devices), which a root in the container could then write. Mount it with linux.MS_RDONLY, as Docker does" \
    'a sysfs mounted ro' "a sysfs mounted ${sys_opts:-?}"
elif [ -n "$cgroup_rw" ]; then
  point_07_sysfs
  fail "the container has a cgroup filesystem mounted read-write at $cgroup_rw: its root could write the limits of its own cgroup, and of every other container's, back to max. Mount none, or bind it read-only (linux.MS_RDONLY), as Docker mounts a container's own cgroup" \
    'no cgroup filesystem mounted rw' "cgroup mounted rw at $cgroup_rw"
else
  pass
fi
