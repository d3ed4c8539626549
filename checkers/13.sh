# Level 13: container networking. With --net bridge the container's network namespace has lo up and one end of
# a veth pair, up, with an address of 10.13.0.0/24 and a default route via 10.13.0.1; the other end is in the
# VM, up, on the bridge rd0 (10.13.0.1/24). The harness sends random tokens both ways, with its own nc in each
# namespace, and the server's side decides what arrived. Two containers at once get two addresses and reach
# each other; once rd has ended, the VM has no interface the container added; with --net none the container
# keeps lo alone. Judged from outside: the kernel's answers (the harness's own ip, through netlink) in the
# container's and the VM's network namespaces.
TRACE_CALLS='linkAddVeth|linkSetNetns|linkSetMaster|linkSetUp|addrAdd|routeAddDefault|setns'
SUBNET=10.13.0
GATEWAY=$SUBNET.1

# links PID: the interfaces of PID's network namespace, "INDEX NAME PEER FLAGS MASTER" a line; PEER is ifN for
# a veth whose other end is in another namespace (N its index there), its name if beside it, "-" for none.
links() {
  nsenter -t "$1" -n ip -o link 2> /dev/null | awk -F': ' '{
    split($2, n, "@"); flags = $3; sub(/>.*/, "", flags); sub(/^</, "", flags)
    master = "-"; if (match($0, / master [^ ]+/)) master = substr($0, RSTART + 8, RLENGTH - 8)
    print $1, n[1], (n[2] == "" ? "-" : n[2]), flags, master }'
}
# addrs PID: the IPv4 addresses of PID's network namespace, "NAME ADDRESS/PREFIX" a line.
addrs() { nsenter -t "$1" -n ip -o -4 addr 2> /dev/null | awk '{ print $2, $4 }'; }
# own_addr PID: the first address of PID's network namespace besides lo's, "ADDRESS/PREFIX".
own_addr() { addrs "$1" | awk '$1 != "lo" { print $2; exit }'; }
# default_route PID: "GATEWAY dev DEVICE" of the default route in PID's network namespace.
default_route() { nsenter -t "$1" -n ip route 2> /dev/null | awk '$1 == "default" { print $3, "dev", $5; exit }'; }
# link_field LINKS NAME FIELD: a field (1 index, 3 peer, 4 flags, 5 master) of the link NAME; by_index: of index N.
link_field() { printf '%s\n' "$1" | awk -v n="$2" -v f="$3" '$2 == n { print $f }'; }
by_index() { printf '%s\n' "$1" | awk -v i="$2" '$1 == i { print $2 }'; }
remote_peer() { case $1 in if*) ;; *) return 1 ;; esac; }
is_up() { case ",$1," in *,UP,*) ;; *) return 1 ;; esac; }
# in_subnet ADDRESS/24: a container's address: a host of the subnet (.2–.254: not the network's .0, the bridge's
# .1 or the broadcast .255).
in_subnet() { case $1 in "$SUBNET".*/24) _h=${1%/24} && _h=${_h##*.} && [ "$_h" -ge 2 ] 2> /dev/null && [ "$_h" -le 254 ] ;; *) return 1 ;; esac; }

# reach FROM TO ADDRESS: the harness's nc sends a random token from FROM's network namespace to a server the
# harness runs in TO's, on ADDRESS; true if the server received exactly the token. (Two may run at once.)
reach() {
  _token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ') _port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
  nsenter -t "$2" -n nc -l -p "$_port" < /dev/null > "$_untrusted/received-$_token" 2> /dev/null &
  _server=$! _i=0
  # The tries below count refusals too, which come at once: they start when the server listens (up to 5 s; on
  # a crowded machine, starting nsenter and nc took longer than the tries' 1.5 s).
  _listening=":$(printf '%04X' "$_port") 0+:0000 0A" # (busybox nc listens on IPv6's any address, which takes IPv4 too)
  until cat "/proc/$_server/net/tcp" "/proc/$_server/net/tcp6" 2> /dev/null | grep -Eq "$_listening" || [ $((_i += 1)) -gt 50 ]; do
    usleep 100000
  done
  _i=0
  until printf '%s\n' "$_token" | nsenter -t "$1" -n nc -w 2 "$3" "$_port" > /dev/null 2>&1; do
    [ $((_i += 1)) -lt 5 ] || break
    usleep 200000
  done
  _i=0
  while kill -0 "$_server" 2> /dev/null && [ $((_i += 1)) -lt 20 ]; do usleep 100000; done
  kill "$_server" 2> /dev/null
  wait "$_server" 2> /dev/null
  [ "$(cat "$_untrusted/received-$_token")" = "$_token" ]
}

# reach_retried FROM TO ADDRESS: reach, tried twice more 2 and 4 s apart when it fails. Now and then on a
# crowded host a reach between two namespaces failed with both ends up and on the bridge (a new veth's first
# frames, or the kernel still tearing down an ended container's namespace); a runtime that wired it wrong
# fails all three.
reach_retried() {
  for _wait in 0 2 4; do
    sleep $_wait
    reach "$@" && return 0
  done
  return 1
}

# why_unreachable: the likely cause, from what the kernel showed of both namespaces (c_* and v_* below).
why_unreachable() {
  if [ -z "$c_if" ] || ! in_subnet "$c_addr"; then echo "the container has no veth with an address of $SUBNET.0/24 (see own-interface)"
  elif [ -z "$(link_field "$v_links" rd0 2)" ]; then echo "the VM has no bridge rd0: linkAddBridge('rd0') in the VM's namespace"
  elif ! printf '%s\n' "$v_addrs" | grep -qx "rd0 $GATEWAY/24"; then echo "the bridge rd0 has no address $GATEWAY/24, so the VM is not on the containers' subnet: addrAdd('rd0', '$GATEWAY/24')"
  elif ! is_up "$(link_field "$v_links" rd0 4)"; then echo "the bridge rd0 is down: linkSetUp('rd0')"
  elif [ "$h_master" != rd0 ] || ! is_up "$h_flags"; then echo "the VM's end of the veth pair is not on the bridge, up (see vm-end-on-bridge)"
  else echo "the interfaces look right: is something in the container's namespace (a second address, a route) in the way?"
  fi
}

# part: one container on the bridge, and the VM's interfaces before and after it
v_before=$(links "$SANDBOX")
# (What rd writes from here on is newer: address-given-back reads files of leases by it. Two seconds back: find
# -newer may compare whole seconds, and a lease written within the stamp's second would not be newer.)
touch -d "$(date -d "@$(( $(date +%s) - 2 ))" '+%Y-%m-%d %H:%M:%S')" /run/check/13-stamp
check own-interface
probe 'true' --net bridge
if [ -n "$PROBE" ]; then
  c_links=$(links "$PROBE") c_addrs=$(addrs "$PROBE") c_route=$(default_route "$PROBE")
  v_links=$(links "$SANDBOX") v_addrs=$(addrs "$SANDBOX")
  c_others=$(printf '%s\n' "$c_links" | awk '$2 != "lo"')
  c_if=$(printf '%s\n' "$c_others" | awk 'NR == 1 { print $2 }')
  c_addr=$(printf '%s\n' "$c_addrs" | awk -v n="$c_if" '$1 == n { print $2; exit }') c_id=$(p_hostname)
  c_peer=$(link_field "$c_links" "$c_if" 3)
  h_name=$(remote_peer "$c_peer" && by_index "$v_links" "${c_peer#if}")
  h_master=$(link_field "$v_links" "$h_name" 5) h_flags=$(link_field "$v_links" "$h_name" 4)
  # Both ways at once: where the network is broken, each waits out its tries (≈ 12 s), so a learner waits once.
  to_vm=no to_container=no
  reach "$PROBE" "$SANDBOX" "$GATEWAY" & towards_vm=$!
  [ -n "$c_addr" ] && reach "$SANDBOX" "$PROBE" "${c_addr%/*}" && to_container=yes
  wait "$towards_vm" && to_vm=yes
  # Both ends wired right and still nothing: now and then on a crowded host (see reach_retried), tried again. A
  # network wired wrong is not: its cause is known, and the learner waits for the tries once.
  case $to_vm$to_container in *no*)
    case $(why_unreachable) in 'the interfaces look right'*)
      [ "$to_vm" = yes ] || { reach_retried "$PROBE" "$SANDBOX" "$GATEWAY" && to_vm=yes; }
      [ "$to_container" = yes ] || { [ -n "$c_addr" ] && reach_retried "$SANDBOX" "$PROBE" "${c_addr%/*}" && to_container=yes; }
      ;;
    esac
    ;;
  esac
fi
probe_end
# What the VM has now that it did not have before, besides rd0. The kernel removes a veth with its namespace a
# moment after the last process in it has gone: what is still there is looked at again, for up to 5 s.
links_new() {
  links "$SANDBOX" | awk -v before=" $(printf '%s\n' "$v_before" | awk '{ print $2 }' | tr '\n' ' ') rd0 " \
    'index(before, " " $2 " ") == 0 { print $2 }' | tr '\n' ' ' | sed 's/ $//'
}
left=$(links_new)
_now
gone_by=$((_ms + 5000))
while [ -n "$left" ] && _now && [ "$_ms" -lt "$gone_by" ]; do usleep 100000; left=$(links_new); done
# The bridge, every container's, stays once made (as Docker keeps docker0): was it there, and is it still?
rd0_was=$(link_field "$v_links" rd0 2) rd0_after=$(link_field "$(links "$SANDBOX")" rd0 2)
c_flags=$(link_field "$c_links" "$c_if" 4)
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$c_if" ]; then
  both=$(printf '%s\n' "$v_links" | awk '$3 != "-" && $3 !~ /^if/ { print $2 }' | tr '\n' ' ')
  if [ -n "$both" ]; then
    trace_point 'linkAddVeth'
    fail "both ends of the veth pair are in the VM ($both): make the container's end in the container's namespace (linkAddVeth's peerNetns), or move it there with linkSetNetns" \
      "lo and a veth, in the container" 'lo only'
  else
    trace_point 'linkAddVeth'
    fail "with --net bridge the container's namespace has only lo: rd must make a veth pair and put one end (eth0) in it" \
      "lo and a veth, in the container" 'lo only'
  fi
elif [ "$(printf '%s\n' "$c_others" | wc -l)" -gt 1 ]; then
  fail "the container's namespace has more than one interface besides lo: one veth end is enough" 'lo and one veth' "$(echo $c_others)"
elif ! remote_peer "$c_peer"; then
  fail "$c_if in the container is not a veth whose other end is in the VM (its peer: $c_peer): linkAddVeth with the other end in the VM's namespace" \
    "$c_if@ifN" "$c_if@$c_peer"
elif [ -z "$c_addr" ] && printf '%s\n' "$v_addrs" | grep -q "^$h_name $SUBNET\\."; then
  trace_point 'addrAdd'
  fail "the container's address is on the VM's end ($h_name), not on the container's ($c_if): call addrAdd in the container's namespace, on its end" \
    "$c_if UP $SUBNET.N/24" "$h_name $(printf '%s\n' "$v_addrs" | awk -v n="$h_name" '$1 == n { print $2 }')"
else
  point=$(is_up "$c_flags" && echo addrAdd || echo linkSetUp)
  trace_point "$point"
  state=$(is_up "$c_flags" && echo UP || echo DOWN)
  if [ "$state" = UP ] && in_subnet "$c_addr"; then pass; else
    fail "the container's end ($c_if) must be up (linkSetUp) with a host address of $SUBNET.0/24, from .2 to .254: not the network's .0, the gateway's .1 or the broadcast .255 (addrAdd('$c_if', '$SUBNET.N/24'))" \
      "$c_if UP $SUBNET.N/24 (N 2–254)" "$c_if $state ${c_addr:-no address}"
  fi
fi

check loopback-up
same_run
if [ -z "$PROBE" ]; then
  probe_missing
else
  trace_point "linkSetUp\\(\"lo\""
  lo=$(is_up "$(link_field "$c_links" lo 4)" && echo UP || echo DOWN)
  expect_eq 'lo UP' "lo $lo" \
    "a new network namespace's loopback is down, so even 127.0.0.1 is unreachable inside: linkSetUp('lo') in the container's namespace"
fi

check default-route
same_run
if [ -z "$PROBE" ]; then
  probe_missing
else
  trace_point 'routeAddDefault'
  expect_eq "default via $GATEWAY dev ${c_if:-eth0}" "default via ${c_route:-(no default route)}" \
    "the container needs a default route via the bridge's address, so that what is not on $SUBNET.0/24 goes to the VM: routeAddDefault('$GATEWAY') after the address is on its end and that end is up"
fi

check vm-end-on-bridge
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$h_name" ]; then
  fail "the VM has no other end of the container's veth (the container's end: ${c_if:-none}): see own-interface" \
    "a veth on rd0, UP" '(none)'
else
  state=$(is_up "$h_flags" && echo UP || echo DOWN)
  rd0_addrs=$(printf '%s\n' "$v_addrs" | awk '$1 == "rd0" { print $2 }' | tr '\n' ' ' | sed 's/ $//')
  if [ "$h_master $state" != 'rd0 UP' ]; then
    trace_point 'linkSetMaster|linkSetUp'
    fail "the VM's end of the veth pair must be on the bridge and up, or nothing it receives reaches the VM: in the VM's namespace (setns back to it), linkSetMaster('$h_name', 'rd0') and linkSetUp('$h_name')" \
      "$h_name master rd0 UP" "$h_name master $h_master $state"
  elif [ "$rd0_addrs" != "$GATEWAY/24" ]; then
    # (A wider one, docker0's /16, still connects, but the VM and its containers then disagree on the subnet.)
    trace_point 'addrAdd'
    fail "the bridge rd0 must have the gateway's address on the containers' subnet, $GATEWAY/24, and only that one: addrAdd('rd0', '$GATEWAY/24') when rd makes the bridge" \
      "rd0 $GATEWAY/24" "rd0 ${rd0_addrs:-(no address)}"
  else
    pass
  fi
fi

# reached YES-OR-NO SERVER ADDRESS: the result of a reach from the first probe, failed with the likely cause.
reached() {
  if [ -z "$PROBE" ]; then
    probe_missing
  elif [ "$1" = yes ]; then
    pass
  else
    fail "a server $2 on $3 got nothing from the other side: $(why_unreachable)" "the token, at $3" 'nothing'
  fi
}

check container-reaches-vm
same_run
reached "$to_vm" "in the VM, reached from the container's namespace," "$GATEWAY"

check vm-reaches-container
same_run
c_ip=${c_addr%/*}
reached "$to_container" "in the container's namespace, reached from the VM," "${c_ip:-(no address)}"

check nothing-left
same_run
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$h_name" ]; then
  fail "the container had no veth whose other end was in the VM (see own-interface), so there was nothing of its to be left behind: fix own-interface first"
elif [ -n "$left" ]; then
  fail "once the container has ended the VM still has interfaces it made: a veth goes with the container's network namespace when nothing holds it (no bind mount, no process, no open fd of it), and rd removes what else it made (linkDel)" \
    'no interface left' "left: $left"
elif [ -n "$rd0_was" ] && [ -z "$rd0_after" ]; then
  fail "once the container had ended, the bridge rd0 was gone too: it is the VM's, for every container, so rd makes it once, for the first container that needs it, and keeps it, as Docker keeps docker0 (removed when the last container ends, it would be pulled from under one starting at that moment). rd removes only the container's own" \
    'rd0 kept' 'rd0 removed'
else
  pass
fi

check address-given-back
# Once the container has ended, no lease of its address may stay anywhere rd keeps files: a file or folder named
# after the address that holds nothing, or the container's id (a lease; named after its host number, the id), in the
# container folder or the sandbox's own files (as CNI keeps leases in /var/lib/cni/networks: the overlay's upper layer
# shows all rd wrote there, and the filesystems in memory the sandbox mounts, /run, /tmp, /dev and /dev/shm among
# them, the rest); or a file written since the container started naming both the address and the id (an entry of a
# list of leases; not a log, *.log or in /var/log). Else every start takes one more address, and after 253 --net bridge fails for good. (A file naming the
# address alone may be a round-robin's last address given, one named after it and saying something else an address
# marked free: no leases.)
same_run
# lease_places: where rd may keep a lease, "FOLDER<tab>SHOWN-AS" a line, the folder as the harness reaches it: the
# container folder, the sandbox's own files (the overlay's upper layer holds all rd wrote there; shown from /), and
# every other filesystem in memory the sandbox's mount table lists (/run, /tmp, /dev, /dev/shm: tmpfs of their own,
# and any rd mounted), each searched without crossing into the next.
TAB=$(printf '\t')
lease_places() {
  printf '%s\t%s\n' "$(s_file "$CONTAINERS")" "$CONTAINERS" /run/sandbox/rw/upper ''
  # (mountinfo writes a space, tab, newline or backslash in a mount point as \040-style octal: decoded by printf %b.)
  sed 's/ - / /' "/proc/$SANDBOX/mountinfo" | awk -v c="$CONTAINERS" '($(NF - 2) == "tmpfs" || $(NF - 2) == "ramfs") && $5 != c { print $5 }' |
    while IFS= read -r _m; do _m=$(printf '%b' "$(printf '%s' "$_m" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')"); printf '%s\t%s\n' "$(s_file "$_m")" "$_m"; done
}
# records [FIND-TEST…]: "FILE<tab>SHOWN-AS" for every small regular file of lease_places (that passes the find
# tests given) that may hold records of rd's: not rd's traces (/tmp/.rd-trace-*, one a call), not a log (*.log,
# /var/log), not the image cache.
records() {
  lease_places | while IFS="$TAB" read -r held_in shown; do
    find "$held_in" -mindepth 1 -xdev -type f -size -64k "$@" 2> /dev/null | grep -v -e "^$held_in/images/" | while IFS= read -r f; do
      name=$shown/${f#"$held_in"/}
      case $name in /tmp/.rd-trace-* | *.log | /var/log/*) continue ;; esac
      printf '%s\t%s\n' "$f" "$name"
    done
  done
}
# addresses_held: "COUNT FILE" for every record that names addresses of the subnet, COUNT of them.
subnet_re=$(echo "$SUBNET" | sed 's/[.]/[.]/g')
addresses_held() {
  records | while IFS="$TAB" read -r f name; do
    n=$(grep -o -E "(^|[^0-9.])$subnet_re[.][0-9]+" "$f" 2> /dev/null | grep -cE "$subnet_re[.][0-9]+\$")
    [ "$n" -gt 0 ] && printf '%s %s\n' "$n" "$name"
  done
}
kept= typo_kept=
if [ -n "$PROBE" ] && in_subnet "$c_addr" && [ -n "$c_id" ]; then
  c_ip=${c_addr%/*} c_host=${c_addr%/*}
  c_host=${c_host##*.}
  # A file or folder named after the address that holds nothing or the id, or a file named after its host number
  # alone that holds the id; or a record rd wrote since the container started that names both the address and the
  # id (in its name or its contents: an entry of a list of leases; one naming the address alone may be a
  # round-robin's last address given). (By name first, with find: /tmp may hold a whole image.)
  kept=$({ lease_places | while IFS="$TAB" read -r held_in shown; do
    find "$held_in" -mindepth 1 -xdev \( -name "*$c_ip*" -o -name "$c_host" \) 2> /dev/null |
      grep -v -e "^$held_in/images\$" -e "^$held_in/images/" | while IFS= read -r f; do
      name=$shown/${f#"$held_in"/}
      if printf '%s\n' "${name##*/}" | grep -qwF "$c_ip"; then
        { [ -L "$f" ] || [ -d "$f" ] || [ ! -s "$f" ] || grep -qF "$c_id" "$f"; } && echo "$name"
      elif [ -f "$f" ] && [ ! -L "$f" ] && grep -qF "$c_id" "$f"; then
        echo "$name"
      fi
    done
  done
  records -newer /run/check/13-stamp | while IFS="$TAB" read -r f name; do
    grep -qwF "$c_ip" "$f" && { case $name in *"$c_id"*) true ;; *) grep -qF "$c_id" "$f" ;; esac; } && echo "$name"
  done; } | sort -u | tr '\n' ' ' | sed 's/ $//')
  # A start that fails takes no address either: here the image is not there (a typo), then a limit is one rd
  # refuses, which rd finds out only if it looks for the image and checks its flags before it leases an address,
  # or gives the address back when the start fails. What it left: a new file named after an address of the subnet,
  # or a record naming more of them than before.
  if [ -z "$kept" ]; then
    all_files() { lease_places | while IFS="$TAB" read -r held_in shown; do find "$held_in" -mindepth 1 2> /dev/null; done; }
    for failing in "-i no-such-image-$$" '--pids-limit 0'; do
      before=$(all_files)
      # (A first line that names no file: awk tells the file from its input by it even when no record names one.)
      { echo '0 /'; addresses_held; } > /run/check/13-held
      # shellcheck disable=SC2086 # (the options' words)
      rd_split run $failing --net bridge -- /bin/true
      # A new file named after an address, or a record that names more addresses than it did (one added to a list;
      # a round-robin's last address given, replaced, names as many).
      typo_kept=$({ lease_places | while IFS="$TAB" read -r held_in shown; do
        find "$held_in" -mindepth 1 2> /dev/null | grep -vxF "${before:-/}" | while IFS= read -r f; do
          case ${f##*/} in *"$SUBNET".*) echo "$shown/${f#"$held_in"/}" ;; esac
        done
      done; addresses_held | awk 'NR == FNR { f = $0; sub(/^[0-9]+ /, "", f); had[f] = $1; next }
        { f = $0; sub(/^[0-9]+ /, "", f); if ($1 > had[f] + 0) print f }' /run/check/13-held -; } | sort -u | tr '\n' ' ' | sed 's/ $//')
      [ -z "$typo_kept" ] || break
    done
  fi
fi
if [ -z "$PROBE" ]; then
  probe_missing
elif ! in_subnet "$c_addr"; then
  fail "the container had no address of $SUBNET.0/24 (see own-interface), so none was given back: fix own-interface first"
elif [ -n "$typo_kept" ]; then
  trace_point 'linkAddBridge'
  case $failing in -i*) why='there is no such image' ;; *) why='a limit of 0 is none rd takes' ;; esac
  fail "rd run $failing --net bridge failed ($why), but kept an address ($typo_kept): find the image and check every flag before leasing an address, or give the address back when a start fails. Else every mistyped image or flag holds one more, and after 253 --net bridge fails for good" \
    '(none)' "$typo_kept"
elif [ -z "$kept" ]; then
  pass
else
  fail "once the container had ended, its address $c_ip was still held ($kept): when the command has exited, rd gives the address back (removes its lease), so that a later container may get it" \
    "no record of $c_ip" "$kept"
fi

# holds before this level: net-none — before this level no container is ever connected
check net-none
# --net none, said outright, is level 07's empty namespace: a runtime that connects whatever --net names fails.
probe 'true' --net none
none_links= none_net=
if [ -n "$PROBE" ]; then
  none_links=$(links "$PROBE" | awk '{ print $2 }' | tr '\n' ' ' | sed 's/ $//')
  none_net=$(p_ns net)
fi
probe_end
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "$none_net" = "$(s_ns net)" ]; then
  fail "with --net none the container is in the VM's network namespace: it keeps a namespace of its own, empty, as without --net (level 07)" \
    "a namespace other than $(s_ns net)" "$none_net"
else
  trace_point 'linkAddVeth'
  expect_eq 'lo' "${none_links:-(none)}" \
    "with --net none the container's network namespace must hold lo alone, as without --net (level 07): only --net bridge connects it"
fi

# An unknown --net (a typo, or host, which rd does not offer) is refused, not run without a network.
# holds before this level: bad-net-refused — the stub's code takes --net none and refuses other values
check bad-net-refused
# A refusal counts only from a runtime that takes --net: one that knows no --net refuses every value.
if [ -z "$none_net" ]; then
  fail "rd does not run a container with --net none yet (see net-none), so refusing an unknown --net says nothing: fix net-none first"
elif refused --net "bridge or none" --net "$(pick 1 brdige host bridged container:x)" &&
  refused --net "bridge or none: an empty one, as --net=\$NET gives with NET unset, is neither (if (options.net) skips it, and the container comes up without a word and without a network)" --net ''; then
  pass
fi

# part: two containers at once, then a third
check two-containers
# Two containers at once, then the first ends while the second runs: the second must keep its network (what
# the first's rd removes is its own only), and a third, started then, must get an address the second does
# not hold (the first's, given back, or another); then the second ends, and a fourth must not get the third's.
# The second has a container folder of its own (OTHER): the
# bridge is the VM's, one for all, and so are its addresses, whatever folder a container's files go in.
# (Four times rd's time: each reach between them may be tried three times, ≈ 14 s a try when it fails, while both
# rds run; a runtime hung past that is still caught.)
PROBE_HOLDS=4 OTHER=/tmp/rw-other-containers
probe 'true' --net bridge
first= second= third= third_probe= fourth= fourth_ran= first_ran= second_ran= kept_network= seen_by_second=
if [ -n "$PROBE" ]; then
  first_ran=yes
  first=$(own_addr "$PROBE")
  probe_aside
  probe 'true' --net bridge --container-dir "$OTHER"
  if [ -n "$PROBE" ]; then
    second_ran=yes
    second=$(own_addr "$PROBE")
    between=no
    [ -n "$first" ] && [ "$first" != "$second" ] && reach_retried "$PROBE" "$PROBE_ASIDE" "${first%/*}" && between=yes
    # (Only when the two reached each other: otherwise there is nothing for the first's end to break.)
    if [ "$between" = yes ]; then
      # The first's veth, by its index in the VM: the kernel removes it some time after the first's end, with
      # its namespace. Until then the bridge may keep that end's MAC address (a bridge takes its ports' lowest
      # unless given one), and a gateway address the second resolved in between would point at a MAC gone a
      # moment later: wait for it to go (up to 5 s), so that the reach below is not a race with the kernel.
      first_end=$(links "$PROBE_ASIDE" | awk '$2 != "lo" && $3 ~ /^if[0-9]+$/ { print substr($3, 3); exit }')
      aside_end
      _i=0
      while [ -n "$first_end" ] && [ -n "$(by_index "$(links "$SANDBOX")" "$first_end")" ] && [ $((_i += 1)) -le 50 ]; do usleep 100000; done
      v_links=$(links "$SANDBOX") v_addrs=$(addrs "$SANDBOX")
      # (What the second knew of its neighbours and links when all tries failed goes into the message.)
      reach_retried "$PROBE" "$SANDBOX" "$GATEWAY" && kept_network=yes
      [ -n "$kept_network" ] || seen_by_second="its neighbours: $(nsenter -t "$PROBE" -n ip neigh 2> /dev/null | tr '\n' ';'); its links: $(links "$PROBE" | tr '\n' ';')"
      probe_aside
      PROBE_HOLDS=
      probe 'true' --net bridge
      third_probe=$PROBE
      [ -n "$PROBE" ] && third=$(own_addr "$PROBE")
      # Then the second ends while the third runs, and a fourth starts: an rd whose end freed every address,
      # not its own alone, gives the fourth the third's.
      if [ -n "$third" ] && [ "$third" != "$second" ]; then
        aside_end
        probe_aside
        probe 'true' --net bridge
        fourth_ran=yes
        [ -n "$PROBE" ] && fourth=$(own_addr "$PROBE")
      fi
    fi
  fi
fi
PROBE_HOLDS=
probe_end
if [ -z "$first_ran" ] || [ -z "$second_ran" ]; then
  probe_missing
elif [ -z "$first" ] || [ -z "$second" ]; then
  fail "a container started with --net bridge has no address besides lo's (see own-interface)" \
    'two addresses' "${first:-none} and ${second:-none}"
elif [ "$first" = "$second" ]; then
  trace_point 'addrAdd'
  fail "both containers running at once got $first (the second with --container-dir $OTHER): each must get an address no running container holds, and give it back when it ends. The bridge is the VM's, one for every container whatever its container folder: keep the addresses in use in one place for the VM (the reference keeps them in /run/rd/addresses)" \
    'two addresses' "$first and $second"
elif [ "$between" != yes ]; then
  fail "the second container ($second) could not reach the first ($first) through the bridge: both VM ends must be on rd0, up" \
    'the token, at the first' 'nothing'
elif [ "$kept_network" != yes ]; then
  why=$(if [ -z "$(link_field "$v_links" rd0 2)" ]; then echo "the bridge rd0 is gone: the first container's rd removed it, though it is every container's (make it once and keep it, as Docker keeps docker0; rd removes only the container's own veth)"
    else echo "the VM's rd0: $(link_field "$v_links" rd0 4), $(printf '%s\n' "$v_addrs" | awk '$1 == "rd0" { print $2 }')"; fi)
  fail "once the first container had ended, the second ($second), still running, could no longer reach the VM at $GATEWAY: $why (${seen_by_second:-})" \
    'the token, at the VM' 'nothing'
elif [ -z "$third_probe" ]; then
  fail "a third container, started while the second still ran, never ran its command (rd's output is below)"
elif [ -z "$third" ]; then
  fail "a third container, started after the first ended and while the second ($second) still ran, has no address besides lo's: its network was not set up, yet it ran (rd's output is below). Every container of --net bridge gets one, or does not start" \
    "an address other than $second" 'none'
elif [ "$third" = "$second" ]; then
  trace_point 'addrAdd'
  fail "a third container, started after the first ended and while the second ($second) still ran, got $third too: an address is free when no running container holds it, not by how many run (a count reuses a running one's). Keep a record of each address in use, and remove it when its container ends" \
    "an address other than $second" "$third"
elif [ -n "$fourth_ran" ] && [ -z "$PROBE" ]; then
  fail "a fourth container, started after the second ended while the third ($third) still ran, never ran its command (rd's output is below)"
elif [ -n "$fourth_ran" ] && [ -z "$fourth" ]; then
  fail "a fourth container, started after the second ended while the third ($third) still ran, has no address besides lo's: its network was not set up, yet it ran (rd's output is below). Every container of --net bridge gets one, or does not start" \
    "an address other than $third" 'none'
elif [ -n "$fourth_ran" ] && [ "$fourth" = "$third" ]; then
  trace_point 'addrAdd'
  fail "a fourth container, started after the second ended while the third ($third) still ran, got $third too: the second's end freed the third's address with its own. A container's end gives back its own address alone (the reference removes its own file in /run/rd/addresses, not the folder)" \
    "an address other than $third" "$fourth"
else
  pass
fi

# part: two containers started together
check started-together
# Two containers whose starts overlap (as `rd run … &` twice does): the first's is held (stopped) once its rd has
# started its init stage, having leased an address it has not wired yet, while the second starts and runs; then it
# goes on. They must get two addresses. (The first's rd has twice rd's time: it waits for the second.)
PROBE_HOLDS=2 PROBE_PAUSED=yes
probe 'true' --net bridge
PROBE_HOLDS= PROBE_PAUSED= t_held=$([ -n "$_paused" ] && echo "it was held once its rd had started the init stage, while the second started" || echo "its rd ran on unheld: the checker saw no init stage to hold, and the second started once its command ran")
probe_aside
probe 'true' --net bridge
t_second=$PROBE t_first= t_a= t_b=
aside_wait && t_first=$PROBE_ASIDE
[ -n "$t_first" ] && t_a=$(own_addr "$t_first")
[ -n "$t_second" ] && t_b=$(own_addr "$t_second")
probe_end
if [ -z "$t_first" ]; then
  aside_run
  fail "the first of two containers whose starts overlapped ($t_held) never ran its command (its rd's output is below): two starts at once must not get in each other's way" \
    'the first container running' '(none)'
elif [ -z "$t_second" ]; then
  fail "the second of two containers whose starts overlapped (the first: $t_held) never ran its command (rd's output is below): two starts at once must not get in each other's way" \
    'the second container running' '(none)'
elif [ -z "$t_a" ] || [ -z "$t_b" ]; then
  fail "a container started with --net bridge has no address besides lo's (see own-interface)" \
    'two addresses' "${t_a:-none} and ${t_b:-none}"
elif [ "$t_a" = "$t_b" ]; then
  trace_point 'addrAdd'
  fail "two containers whose starts overlapped (the first: $t_held) both got $t_a: one took the address the other had taken and not wired yet (a lease whose container has no veth yet is not left over: its rd may still be starting). Take an address in one step that fails if it is taken (the reference creates its file in /run/rd/addresses with the flag 'wx', O_EXCL), and free only your own" \
    'two addresses' "$t_a and $t_b"
else
  pass
fi

# part: a container of --userns auto on the bridge
check userns-bridge
# With --userns auto the container's network namespace belongs to its user namespace, whose root may set up its
# own end but not enter the VM's namespace (setns: EPERM) to plug the other end into rd0: the VM's root must.
subordinate_ids
probe 'true' --net bridge --userns auto
u_if= u_addr= u_route= u_peer= u_host= u_reached= u_userns=
if [ -n "$PROBE" ]; then
  u_links=$(links "$PROBE") u_route=$(default_route "$PROBE") u_userns=$(p_ns user) v_links=$(links "$SANDBOX")
  u_if=$(printf '%s\n' "$u_links" | awk '$2 != "lo" { print $2; exit }')
  u_addr=$(addrs "$PROBE" | awk -v n="$u_if" '$1 == n { print $2; exit }')
  u_peer=$(link_field "$u_links" "$u_if" 3)
  u_host=$(remote_peer "$u_peer" && by_index "$v_links" "${u_peer#if}")
  u_state="$(link_field "$v_links" "$u_host" 5) $(is_up "$(link_field "$v_links" "$u_host" 4)" && echo UP || echo DOWN)"
  # (Only with an end to reach from: where there is none, each try would wait for nothing.)
  [ -n "$u_host" ] && reach_retried "$PROBE" "$SANDBOX" "$GATEWAY" && u_reached=yes
fi
probe_end
if [ -z "$PROBE" ] && ! rd_timed_out && [ "$RC" != 137 ]; then
  why=$(rd_error)
  case $why in *EPERM*) why="$why. rd run, the VM's root, plugs the pair in once the init stage is in its namespaces: linkAddVeth(hostEnd, 'eth0', { pid: <the init stage's> }) makes eth0 there, then the VM's end goes on rd0; the init stage sets eth0 up" ;; esac
  fail "with --userns auto --net bridge rd exited with status $RC before the command ran: ${why:-see rd's output}" \
    'the command running, on the bridge' "rd exited with status $RC"
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ "$u_userns" = "$(s_ns user)" ]; then
  fail "the container of --userns auto runs in the VM's user namespace (see 11/uid-map), so its network says nothing about one in a user namespace: fix uid-map first"
elif [ -z "$u_if" ]; then
  trace_point 'linkAddVeth'
  fail "with --userns auto --net bridge the container's namespace has only lo: a container in a user namespace of its own gets a network too. Its root may not enter the VM's namespace, so rd run, outside, makes the pair: linkAddVeth(hostEnd, 'eth0', { pid: <the init stage's> })" \
    'lo and a veth, in the container' 'lo only'
elif ! in_subnet "$u_addr" || ! is_up "$(link_field "$u_links" "$u_if" 4)" || [ "$u_route" != "$GATEWAY dev $u_if" ]; then
  fail "with --userns auto --net bridge the container's end must be up with an address of $SUBNET.0/24 and the default route via $GATEWAY, as without --userns (own-interface, default-route): the init stage sets it up, once rd run has made it" \
    "$u_if UP $SUBNET.N/24, default via $GATEWAY" "$u_if $(is_up "$(link_field "$u_links" "$u_if" 4)" && echo UP || echo DOWN) ${u_addr:-no address}, default via ${u_route:-(none)}"
elif [ "$u_state" != 'rd0 UP' ]; then
  trace_point 'linkSetMaster|linkSetUp'
  fail "with --userns auto --net bridge the VM's end of the pair (${u_host:-none}) must be on rd0, up, as without --userns (vm-end-on-bridge): rd run puts it there, in the VM's namespace" \
    "${u_host:-vethN} master rd0 UP" "${u_host:-(none)} master $u_state"
elif [ -z "$u_reached" ]; then
  fail "with --userns auto --net bridge a server in the VM on $GATEWAY got nothing from the container's namespace, though both ends look right" \
    "the token, at $GATEWAY" 'nothing'
elif ! is_up "$(link_field "$u_links" lo 4)"; then
  trace_point "linkSetUp\\(\"lo\""
  fail "with --userns auto --net bridge the container's lo is down, so 127.0.0.1 is unreachable inside, as without --userns it is not (loopback-up): bring lo up where the init stage sets up its own end, which it does on either path, not where only one of them goes" \
    'lo UP' 'lo DOWN'
else
  pass
fi
