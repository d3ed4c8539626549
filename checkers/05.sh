# Level 05: UTS namespace. Inside, `hostname` prints the container's id, the name of its folder in
# $CONTAINERS; the VM's hostname stays as it was.

vm_hostname=$(hostname)
vm_uts=$(readlink /proc/self/ns/uts)

# new_folders: prints each folder that appears in $CONTAINERS from now on (the shared images folder aside),
# once. The container's folder exists only while it runs (the runtime cleans up since level 04), so this
# watches from the background while rd runs.
new_folders() {
  known=" images $(echo $(ls -A "$CONTAINERS")) "
  while :; do
    for name in $(ls -A "$CONTAINERS"); do
      case $known in *" $name "*) ;; *) echo "$name"; known="$known$name " ;; esac
    done
    sleep 0.05
  done
}

check own-uts-ns
new_folders > /run/check/05-folders 3>&- &
watcher=$!
rd run -i busybox /bin/sh -- -c 'echo "uts: $(readlink /proc/self/ns/uts)"; echo "hostname: $(hostname)"; sleep 0.5'
kill $watcher; wait $watcher 2> /dev/null
id=$(cat /run/check/05-folders)
inside_uts=$(printf '%s\n' "$OUT" | sed -n 's/^uts: //p')
inside_hostname=$(printf '%s\n' "$OUT" | sed -n 's/^hostname: //p')
if ran_ok; then
  if [ "$inside_uts" = "$vm_uts" ]; then
    fail "the container shares the VM's UTS namespace: call linux.unshare with CLONE_NEWUTS (with CLONE_NEWNS) in the init stage, before sethostname" \
      "a namespace other than $vm_uts" "$inside_uts"
  else
    pass
  fi
fi

check hostname-is-id
same_run
if ! ran_ok; then
  :
elif [ -z "$id" ]; then
  fail "no folder appeared in $CONTAINERS while the container ran: each container lives in <container-dir>/<id> (levels 01 and 04), and its hostname is that id"
elif [ "$inside_hostname" != "$id" ]; then
  fail "inside the container \`hostname\` must print the container's id, the name of its folder in $CONTAINERS: call linux.sethostname(container.id) in the init stage, after unshare" \
    "hostname: $id" "hostname: $inside_hostname"
else
  pass
fi

check vm-hostname-unchanged
same_run
now=$(hostname)
if [ "$now" = "$vm_hostname" ]; then
  pass
else
  hostname "$vm_hostname" # later checks expect the VM as it was
  fail "the VM's hostname changed: sethostname renamed the UTS namespace the init stage was in at that moment, the VM's. Call unshare(CLONE_NEWUTS) first, then sethostname" \
    "$vm_hostname" "$now"
fi
