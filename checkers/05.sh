# Level 05: UTS namespace. Inside, the hostname is the container's id, the name of its folder in
# $CONTAINERS; the VM's hostname stays as it was. Judged from outside: the container process's UTS
# namespace and its hostname, read through that namespace by the harness.
TRACE_CALLS='unshare|sethostname'

SROOT=/proc/$SANDBOX/root
vm_hostname=$(nsenter -t "$SANDBOX" -u hostname)
folders_before=" $(echo $(ls -A "$(s_file "$CONTAINERS")")) "

check own-uts-ns
PROBE_HOLDS=2
started_from=$(date +%s) # (the clock rd reads too: an id made of it shows)
probe 'echo "hostname: $(hostname)"' -i busybox
started_by=$(date +%s)
if [ -n "$PROBE" ]; then
  inside_uts=$(p_ns uts)
  # rd's own process stays in the VM's UTS namespace: the container's is made by the init stage.
  parent=$(rd_process)
  [ -n "$parent" ] && rd_strayed uts && uts_left=$STRAYED uts_left_ns=$STRAYED_NS
  # (Every PID of every process of rd's, as each PID namespace it is in numbers it.)
  rd_pids=$(for p in $(rd_processes); do sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$p/status"; done)
  inside_hostname=$(p_hostname)
  # (A first container also unpacks the image, into images: no container's folder.)
  id=$(for name in $(ls -A "$(s_file "$CONTAINERS")"); do
    case $folders_before in *" $name "*) continue ;; esac
    [ "$name" = images ] || echo "$name"
  done)
  # A second container of the same image, started while the first runs: its id must be another.
  probe_aside
  probe 'echo "hostname: $(hostname)"' -i busybox
  second=$PROBE
  [ -n "$second" ] && second_hostname=$(p_hostname)
  first_ran=yes
  # A third, started once the first has ended while the second still runs: an id unique only among the
  # containers running (one more than their number) gives it the second's. Only when the first two look right:
  # from here on the run set aside is the second's, and the checks about the first show their own.
  if [ -n "$second" ] && [ "$second_hostname" != "$inside_hostname" ] && [ "$inside_hostname" = "$id" ] &&
    [ "$(nsenter -t "$SANDBOX" -u hostname)" = "$vm_hostname" ]; then
    aside_end
    probe_aside
    PROBE_HOLDS=
    probe 'echo "hostname: $(hostname)"' -i busybox
    third_ran=yes
    [ -n "$PROBE" ] && third_hostname=$(p_hostname)
  fi
fi
PROBE_HOLDS=
probe_end
[ -n "$first_ran" ] && aside_run # (all but ids-differ are about the first container)
if [ -z "$first_ran" ]; then
  probe_missing
elif [ "$inside_uts" = "$(s_ns uts)" ]; then
  fail "the container shares the VM's UTS namespace: call linux.unshare with CLONE_NEWUTS (with CLONE_NEWNS) in the init stage, before sethostname" \
    "a namespace other than $(s_ns uts)" "$inside_uts"
elif [ -z "$parent" ]; then
  rd_lost
elif [ -n "$uts_left" ]; then
  trace_point '^parent [0-9]+ unshare\(.*CLONE_NEWUTS'
  fail "$uts_left left the VM's UTS namespace: the container's was made in rd, before it spawned the init stage, so rd now has the container's hostname, not the VM's. Add CLONE_NEWUTS to the init stage's unshare instead" \
    "rd in $(s_ns uts)" "rd in $uts_left_ns"
else
  pass
fi

check hostname-is-id
same_run
[ -n "$first_ran" ] && aside_run
if [ -z "$first_ran" ]; then
  probe_missing
elif [ -z "$id" ]; then
  fail "no folder appeared in $CONTAINERS while the container ran: each container lives in <container-dir>/<id> (levels 01 and 04), and its hostname is that id"
elif [ "$inside_hostname" != "$id" ]; then
  fail "inside the container the hostname must be the container's id, the name of its folder in $CONTAINERS: call linux.sethostname(container.id) in the init stage, after unshare" \
    "hostname: $id" "hostname: $inside_hostname"
elif ! printf '%s\n' "$id" | grep -Eqx '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?'; then
  fail "the container's id, $id, is its hostname, so it must be one a network can use: lowercase letters, digits and inner hyphens, 63 at most (a DNS label; _ is none, and names are compared without case). Make it hex, as Docker does: randomBytes(6).toString('hex')" \
    'an id of lowercase hex digits' "$id"
else
  pass
fi

# An id read as a number in base b by awk: read(ID, b), -1 if it holds a digit base b has not.
AWK_READ='function read(s, b,   i, d, v) {
    v = 0
    for (i = 1; i <= length(s); i++) {
      d = index("0123456789abcdefghijklmnopqrstuvwxyz", substr(s, i, 1)) - 1
      if (d < 0 || d >= b) return -1
      v = v * b + d
    }
    return v
  }'
# clock_read ID FROM BY: how ID reads as a time between FROM and BY (seconds since 1970, give or take 2), if it
# does ("N seconds since 1970, read in base B", or milliseconds), read in base 10, 16, 32 or 36 (Date.now().toString(36)).
clock_read() {
  echo "$1" | tr 'A-Z' 'a-z' | awk -v from="$2" -v by="$3" "$AWK_READ"'
    { split("10 16 32 36", bases, " ")
      for (k = 1; k <= 4; k++) {
        v = read($0, bases[k])
        if (v >= from - 2 && v <= by + 2) { printf "%.0f seconds since 1970, read in base %d\n", v, bases[k]; exit }
        if (v >= (from - 2) * 1000 && v <= (by + 2) * 1000) { printf "%.0f milliseconds since 1970, read in base %d\n", v, bases[k]; exit }
      } }'
}

# pid_read ID…: a base (10, 16, 32 or 36) in which each ID reads as a number no greater than the VM's pid_max, as
# PIDs do, whichever process's, written with more digits than pid_max needs (zeros in front); nothing if there is
# none. (Three random ids of twelve hex digits all read so once in 10^24 runs; a short id, with no zeros to spare,
# is left to the other tests.)
pid_read() {
  echo "$@" | tr 'A-Z' 'a-z' | awk -v max="$(cat /proc/sys/kernel/pid_max)" "$AWK_READ"'
    { split("10 16 32 36", bases, " ")
      for (k = 1; k <= 4; k++) {
        digits = 0
        for (m = max; m >= 1; m = int(m / bases[k])) digits++
        small = 1
        for (i = 1; i <= NF; i++) { v = read($i, bases[k]); if (v < 0 || v > max || length($i) <= digits) small = 0 }
        if (small) { print bases[k]; exit }
      } }'
}

check ids-differ
same_run
if [ -z "$first_ran" ]; then
  probe_missing
elif [ "$inside_uts" = "$(s_ns uts)" ]; then
  fail "the container had no UTS namespace of its own, so its hostname was the VM's: fix own-uts-ns first"
elif [ -z "$second" ]; then
  fail "a second container of busybox, started while the first ($inside_hostname) still ran, never ran its command (rd's output is below): every container needs an id of its own, and with it a folder and a hostname of its own" \
    'a second container running' '(none)'
elif [ "$second_hostname" = "$inside_hostname" ]; then
  fail "two containers of busybox, running at once, both got the hostname $inside_hostname: a container's id must differ from every other's (not the image's name, not a fixed word): make it at random, e.g. randomBytes(6).toString('hex')" \
    'two different hostnames' "$inside_hostname and $second_hostname"
elif [ -n "$third_ran" ] && [ -z "$PROBE" ]; then
  fail "a third container of busybox, started after the first ($inside_hostname) had ended while the second ($second_hostname) still ran, never ran its command (rd's output is below). An id unique only among the containers running now (one more than their number, say) comes back: make it at random, e.g. randomBytes(6).toString('hex')" \
    'a third container running' '(none)'
elif [ -n "$third_ran" ] && [ "$third_hostname" = "$second_hostname" ]; then
  fail "a third container of busybox, started after the first had ended while the second still ran, got the second's id, $second_hostname, and with it the second's folder (its files, and its end removes them under the second): an id unique only among the containers running now (one more than their number, say) comes back. Make it at random, e.g. randomBytes(6).toString('hex')" \
    'an id no running container has' "$third_hostname, the second's"
elif clock=$(clock_read "$id" "$started_from" "$started_by") && [ -n "$clock" ]; then
  fail "the first container's id, $id, is the time it started ($clock): every container started within the same $(echo "${clock#* }" | sed 's/s .*//') gets the same id, and with it the same folder and hostname, as two started at once by a script (\`rd run … &\` twice) are. Make the id at random, e.g. randomBytes(6).toString('hex')" \
    'an id not made of the clock' "$id"
elif [ -z "$parent" ]; then
  rd_lost
elif pid=$(for p in $rd_pids; do case $(echo "$id" | sed 's/^0*//') in "$p" | "$(printf %x "$p")") echo "$p" ;; esac; done) && [ -n "$pid" ]; then
  fail "the first container's id, $id, is rd's PID ($(echo $pid)): a PID is unique only while its process runs, and comes back later, and with it the folder an rd killed before it could clean up (kill -9, a crash) left, upperdir and all, for a new container to take as its own. Make the id at random, e.g. randomBytes(6).toString('hex')" \
    'an id not made of a PID' "$id"
elif [ -n "$third_hostname" ] && base=$(pid_read "$id" "$second_hostname" "$third_hostname") && [ -n "$base" ]; then
  fail "the ids of three containers, $id, $second_hostname and $third_hostname, all read in base $base as numbers no greater than the largest PID ($(cat /proc/sys/kernel/pid_max)): ids made of a PID (a process rd starts, say), which is unique only while its process runs, and comes back later, and with it the folder an rd killed before it could clean up (kill -9, a crash) left, upperdir and all, for a new container to take as its own. Make the id at random, e.g. randomBytes(6).toString('hex')" \
    'ids not made of PIDs' "$id $second_hostname $third_hostname"
else
  pass
fi

check vm-hostname-unchanged
same_run
[ -n "$first_ran" ] && aside_run
now=$(nsenter -t "$SANDBOX" -u hostname)
if [ -z "$first_ran" ]; then
  probe_missing
elif [ "$inside_uts" = "$(s_ns uts)" ] && [ "$now" = "$vm_hostname" ]; then
  fail "the container had no UTS namespace of its own, so its hostname was the VM's: fix own-uts-ns first"
elif [ "$now" = "$vm_hostname" ]; then
  pass
else
  nsenter -t "$SANDBOX" -u hostname "$vm_hostname" # later checks expect the VM as it was
  trace_point 'sethostname\('
  fail "the VM's hostname changed: sethostname renamed the UTS namespace the init stage was in at that moment, the VM's. Call unshare(CLONE_NEWUTS) first, then sethostname" \
    "$vm_hostname" "$now"
fi
