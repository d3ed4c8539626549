# Sourced by lib.sh. Where a failure points in rd's trace: for a failure whose likely cause shows in the
# calls rd made through linux.ts, each function below marks (trace_point) the call that cause is at, or the
# call after which one is missing, as rd's own trace records them. A pointer only marks a line the failure
# shows: it explains, and never decides a check. Levels 08 and 09 have none: their mistakes are in what rd
# writes to cgroup files with fs, which the trace does not hold, so any call marked would be a guess.
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
