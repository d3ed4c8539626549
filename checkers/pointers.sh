# Sourced by lib.sh. Where a failure points in rd's trace: for a failure whose likely cause shows in what rd
# says it did (its calls through linux.ts, and the writes, mkdirs and rmdirs it made with node:fs in
# /sys/fs/cgroup and to a user namespace's uid_map, gid_map and setgroups), each function below marks
# (trace_point) the call that cause is at, or the call after which one is missing. A pointer only marks a
# line the failure shows: it explains, and never decides a check.
# A failure without a pointer of its own points at rd's last failed call, if one failed (lib.sh).

# trace_before A B: true if a line of the trace matches the extended regex A, and a later one B.
trace_before() {
  _trace_read | A=$1 B=$2 awk 'a && $0 ~ ENVIRON["B"] { found = 1; exit } $0 ~ ENVIRON["A"] { a = 1 } END { exit !found }'
}

# point_first REGEX…: marks the first of these calls the trace has (a call it lacks marks nothing).
point_first() {
  for _p in "$@"; do
    if trace_has "$_p"; then trace_point "$_p" && return; fi
  done
}

# 03: the root is not a mount of its own, or '..' climbs out of it: rd chroots, or pivot_root went wrong.
point_03_pivot_root() { trace_point '^init [0-9]+ (chroot|pivot_root)\('; }

# 03: the VM's tree is still mounted (or its folder still there) after pivot_root: at umount2 if rd called
# it (its flags), else at the pivot_root it should follow.
point_03_old_root() {
  point_first '^init [0-9]+ umount2\(' '^init [0-9]+ pivot_root\('
}

# 03: the working directory stayed in the VM's tree: the chdir after pivot_root (its path), or, if none
# came after it, the pivot_root it should follow.
point_03_chdir() {
  if trace_before '^init [0-9]+ pivot_root\(' '^init [0-9]+ chdir\('; then trace_point '^init [0-9]+ chdir\('
  else trace_point '^init [0-9]+ pivot_root\('
  fi
}

# 04: the root is not an overlay of the image, or writes reached the image or another container: the
# overlay's mount (its lowerdir, upperdir and workdir), or, without one, the pivot_root into something else.
point_04_overlay() {
  point_first '^init [0-9]+ mount\([^,]*, [^,]*, "overlay"' '^init [0-9]+ pivot_root\('
}

# 06: the command is in the VM's PID namespace: CLONE_NEWPID unshared by the init stage (it moves only
# the caller's children to come), or the parent back in its own namespace before the init stage started.
point_06_pid_namespace() {
  point_first '^init [0-9]+ unshare\(.*CLONE_NEWPID' '^parent [0-9]+ setns\(.*CLONE_NEWPID'
}

# 06: the command is in a PID namespace, not as PID 1: the parent's unshare, after which the init stage
# must be the first process started.
point_06_not_pid_1() { trace_point '^parent [0-9]+ unshare\(.*CLONE_NEWPID'; }

# 06: /proc shows the VM's processes: the mount on the container's /proc.
point_06_proc() { trace_point '^init [0-9]+ mount\([^,]*, "[^"]*/proc",'; }

# 07: the container has the VM's network: CLONE_NEWNET unshared by the parent (which moves only the
# parent), or the init stage's unshare without it.
point_07_net_namespace() {
  point_first '^parent [0-9]+ unshare\(.*CLONE_NEWNET' '^init [0-9]+ unshare\('
}

# 07: /sys lists the VM's interfaces: the unshare(CLONE_NEWNET) that came after sysfs was mounted, or the
# sysfs mount itself.
point_07_sysfs() {
  if trace_before '^init [0-9]+ mount\("sysfs"' '^init [0-9]+ unshare\(.*CLONE_NEWNET'; then trace_point '^init [0-9]+ unshare\(.*CLONE_NEWNET'
  else trace_point '^init [0-9]+ mount\([^,]*, "[^"]*/sys",'
  fi
}

# 10: the ids are wrong: a setuid before something only root may do (mounts, pivot_root, setgid), else
# setgid and setuid with the ids they were given.
point_10_ids() {
  if trace_before '^init [0-9]+ setuid\(' '^init [0-9]+ (setgid|mount|pivot_root|umount2|sethostname)\('; then trace_point '^init [0-9]+ setuid\('
  else trace_point '^init [0-9]+ set[gu]id\('
  fi
}

# 10: root's groups stayed: setgroups with what it was given, or, if rd never called it, the setgid it
# belongs before.
point_10_groups() {
  point_first '^init [0-9]+ setgroups\(' '^init [0-9]+ setgid\('
}

# ---- cgroups (levels 08, 09 and 12): rd writes a line per file, e.g. parent 25 write("/sys/fs/cgroup/
# rubber-workshop/ab12/cpu.weight", "8") = 0.

# The container's own cgroup being made: what its settings' writes follow.
_cgroup_mkdir='^[a-z]+ [0-9]+ mkdir\("[^"]*/rubber-workshop/[^"/]+"'

# A container's cgroup lacks a controller's files (cpu.weight, memory.max, pids.max): what rubber-workshop's
# cgroup.subtree_control was given, or, if rd never wrote it, the mkdir of rubber-workshop it belongs after.
point_cgroup_handed_down() {
  point_first 'write\("[^"]*/cgroup\.subtree_control"' '^[a-z]+ [0-9]+ mkdir\("[^"]*/rubber-workshop"'
}

# The container, or more than it, is in the wrong cgroup, or got there late: a write to cgroup.procs by rd's
# parent (its own PID, or the init stage's once it runs), else the init stage's (which cgroup), else the init
# stage's execve it belongs before.
point_cgroup_procs() {
  point_first '^parent [0-9]+ write\("[^"]*/cgroup\.procs"' '^init [0-9]+ write\("[^"]*/cgroup\.procs"' '^init [0-9]+ execve\('
}

# The container's cgroup stayed: rd's rmdir of it (EBUSY: a process, rd itself perhaps, still in it), else
# the mkdir that made it.
point_cgroup_removed() { point_first '^[a-z]+ [0-9]+ rmdir\(' "$_cgroup_mkdir"; }

# 08: the container's cpu.weight: its write (the value), else the mkdir of the cgroup it belongs after.
point_08_cpu_weight() { point_first 'write\("[^"]*/cpu\.weight"' "$_cgroup_mkdir"; }

# 09: the container's memory limits: the writes to memory.max and memory.swap.max (their values), else the
# mkdir of the cgroup they belong after.
point_09_memory_limits() { point_first 'write\("[^"]*/memory\.(swap\.)?max"' "$_cgroup_mkdir"; }

# 12: the container's pids.max: its write (which cgroup, what number), else the mkdir of the cgroup it
# belongs after.
point_12_pids_max() { point_first 'write\("[^"]*/pids\.max"' "$_cgroup_mkdir"; }

# ---- 11: a user namespace's maps, written by rd's parent to /proc/PID of unshare(1)'s process.

# 11: the map $1 (uid_map or gid_map) is wrong or empty: its write (which range), else the other map's.
point_11_map() { point_first "write\\(\"/proc/[^/]+/$1\"" 'write\("/proc/[^/]+/[ug]id_map"'; }

# 11: rd stopped with --userns auto: the map it wrote that is not root's line of /etc/subuid ($1) or
# /etc/subgid ($2), each "START COUNT". Marks nothing if both are right or neither was written.
point_11_maps() {
  if trace_has '/uid_map"' && ! trace_has "/uid_map\", \"0 $1\""; then point_11_map uid_map
  elif trace_has '/gid_map"' && ! trace_has "/gid_map\", \"0 $2\""; then point_11_map gid_map
  fi
}

# 11: setgroups not denied: its write (what, and EPERM if after gid_map), else the gid_map it belongs before.
point_11_setgroups() { point_first 'write\("/proc/[^/]+/setgroups"' 'write\("/proc/[^/]+/gid_map"'; }

# ---- 14: capabilities and the seccomp filter, in the init stage.

# 14: the bounding set kept capabilities: a setuid before the first PR_CAPBSET_DROP (which then lacks
# CAP_SETPCAP), else the drops rd made, else the capset (or execve) they belong before.
point_14_bounding() {
  if trace_before '^init [0-9]+ setuid\(' 'prctl\(PR_CAPBSET_DROP'; then trace_point '^init [0-9]+ setuid\('
  else point_first 'prctl\(PR_CAPBSET_DROP' '^init [0-9]+ capset\(' '^init [0-9]+ execve\('
  fi
}

# 14: no_new_privs or the filter is missing: the seccomp call (no PR_SET_NO_NEW_PRIVS before it), else the
# PR_SET_NO_NEW_PRIVS it belongs after, else the execve both belong before.
point_14_filter() {
  point_first '^init [0-9]+ seccomp\(' 'prctl\(PR_SET_NO_NEW_PRIVS' '^init [0-9]+ execve\('
}

# 14: rd stopped after its filter was in place: the seccomp call that came before rd's own failed call (the
# filter refuses rd its mounts too). Marks nothing otherwise.
point_14_filter_early() {
  if trace_before '^init [0-9]+ seccomp\(.* = 0$' ' = -1 E'; then trace_point '^init [0-9]+ seccomp\('; fi
}
