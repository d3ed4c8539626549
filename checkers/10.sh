# Level 10: dropping to a user. With --user 1000:1000 (or --user 1000, the group then coming from the image's
# /etc/passwd) the command runs with every uid and gid 1000 and no supplementary groups, what it creates
# belongs to 1000:1000, and it can no longer do what only root may (rename the host, mount).

# rd runs the way a root login has it, with root's supplementary groups (the VM's init has none), so that
# a container which keeps them shows it: `rd` finds node through PATH, in the VM as the runtime sees it.
vm 'mkdir -p /run/login && printf "#!/bin/sh\nexec su -p -s /usr/local/bin/node root -- \"\$@\"\n" > /run/login/node && chmod +x /run/login/node'
PATH=/run/login:$PATH

# ids FIELD: the Uid:, Gid: or Groups: line of /proc/self/status the command printed, spaces collapsed.
ids() { printf '%s\n' "$OUT" | sed -n "s/^$1:[[:space:]]*//p" | tr -s ' \t' ' ' | sed 's/ $//'; }

check user-and-group
rd run -i busybox --user 1000:1000 -- /bin/sh -c '
  id; grep -E "^(Uid|Gid|Groups):" /proc/self/status
  touch /tmp/made-by-the-command && echo "owner: $(stat -c %u:%g /tmp/made-by-the-command)"
  hostname renamed-by-the-command 2> /dev/null && echo "root left: sethostname worked"
  mount -t tmpfs none /tmp 2> /dev/null && echo "root left: mount worked"
  echo "end"'
if ! ran_ok; then
  :
elif [ -z "$(ids Uid)" ]; then
  fail "the command printed nothing (see rd's output)"
else
  expect_eq 'uid 1000 1000 1000 1000, gid 1000 1000 1000 1000' "uid $(ids Uid), gid $(ids Gid)" \
    "with --user 1000:1000 every uid (real, effective, saved, filesystem) and every gid must be 1000 (/proc/self/status): as the init stage's last step before execve, call setgid(1000), then setuid(1000) — the other way round, setgid is no longer allowed"
fi

check no-supplementary-groups
same_run
if ! ran_ok; then
  :
elif [ -z "$(ids Uid)" ]; then
  fail "the command printed nothing (rd's output is below)"
else
  groups=$(ids Groups)
  expect_eq 'groups: (none)' "groups: ${groups:-(none)}" \
    "the command kept supplementary groups: rd ran with root's (0), and setuid/setgid leave them alone. Call setgroups([]) before setgid"
fi

check files-owned-by-user
same_run
if ! ran_ok; then
  :
elif [ -z "$(ids Uid)" ]; then
  fail "the command printed nothing (rd's output is below)"
else
  expect_eq 'owner: 1000:1000' "$(printf '%s\n' "$OUT" | grep '^owner: ')" \
    "a file the command creates must belong to 1000:1000: the kernel gives new files the process's filesystem uid and gid, which setuid and setgid set"
fi

check no-root-privileges
same_run
if ! ran_ok; then
  :
elif ! has_line '^end$'; then
  fail "the command did not run to its end (rd's output is below)"
elif has_line '^root left: '; then
  fail "as uid 1000 the command could still do what only root may: a change from uid 0 to another uid with setuid drops every capability, so setuid must really be called (not only seteuid)" \
    'sethostname and mount refused (EPERM)' "$(printf '%s\n' "$OUT" | grep '^root left: ' | tr '\n' ' ')"
else
  pass
fi

check user-without-group
rd run -i busybox --user 1000 -- /bin/sh -c 'grep -E "^(Uid|Gid|Groups):" /proc/self/status'
if ! ran_ok; then
  :
else
  groups=$(ids Groups)
  expect_eq 'uid 1000 1000 1000 1000, gid 1000 1000 1000 1000, groups: (none)' "uid $(ids Uid), gid $(ids Gid), groups: ${groups:-(none)}" \
    "with --user 1000 and no group, the group is the user's primary group in the image's /etc/passwd (learner:x:1000:1000:…): read it after pivot_root, where /etc/passwd is the image's, not the VM's"
fi
