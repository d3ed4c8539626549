# Level 04: containers share one copy of the image, unpacked once into <container-dir>/images/<name> and used
# read-only as overlay's lowerdir; each writes only to its own upperdir; nothing is left when they end.
# Judged from outside: the container's root mount, in the harness's /proc, and the sandbox's files between runs.
TRACE_CALLS='mount|umount2'
# The first part's containers live in a container folder of the checker's, given with --container-dir: every
# container's things must be made, used and removed there (a cleanup of the default folder alone would not do).
GIVEN=/tmp/rw-given
lower=$GIVEN/images/busybox
image_passwd=$(tar -xOf "$BUSYBOX_TAR" ./etc/passwd | md5sum)
# The tar's last file, as a path in the image: an unpack cut off halfway lacks it. has_last: the probe's root has it.
last=$(tar -tf "$BUSYBOX_TAR" | tail -n 1)
last=/${last#./}
has_last() { _f=$(p_file "$last") && { [ -e "$_f" ] || [ -L "$_f" ]; }; }
# slower PATH: PATH in the unpacked image, as the harness reaches it (nowhere if a link is on the way).
slower() { s_file "$lower$1"; }

# What the containers leave: folders in the container folder (the unpacked images aside) and mounts under it.
leftovers() { container_items "$GIVEN"; }

# root_layers: the probe's root, "FSTYPE lowerdir=…" (the lowerdir only of an overlay).
root_layers() { p_mounts | awk '$1 == "/" { t = $2; n = split($4, o, ","); l = ""; for (i = 1; i <= n; i++) if (o[i] ~ /^lowerdir=/) l = o[i] } END { print t, l }'; }

# Whether the unpacked image was touched: the inode and change time of a file in it.
stamp() { stat -c '%i %z' "$(slower /etc/passwd)" 2>&1; }

# A tar held at its open, for an rd that will not read a named pipe: lease_hold FILE takes a write lease on FILE
# (fcntl F_SETLEASE) in a background process, LEASER, so that any other open of FILE waits until lease_release
# (a stat does not); lease_state BREAKING is true once one waits. lease_hold FILE once: the first open of FILE
# ends the holder instead (lease_release then returns 157), and goes on at once. The holder is a static x86-64 ELF of 213 bytes,
# made by scripts/lease-program.mjs (its instructions are listed there; a unit test keeps the two the same).
LEASE_PROGRAM=f0VMRgIBAQAAAAAAAAAAAAIAPgABAAAAeABAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAEAAOAABAAAAAAAAAAEAAAAFAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAAAAA1QAAAAAAAADVAAAAAAAAAAAQAAAAAAAASIt8JBAx9rgCAAAADwWFwHhAicNIgzwkA3QXid++CgAAALoXAAAAuEgAAAAPBYXAeCCJ374ABAAAugEAAAC4SAAAAA8FhcB4CbgiAAAADwXr9/fYice4PAAAAA8F
lease_hold() {
  echo "$LEASE_PROGRAM" | base64 -d > /run/check/lease-holder && chmod 755 /run/check/lease-holder
  /run/check/lease-holder "$@" &
  LEASER=$!
  _i=0
  until lease_state ACTIVE; do
    kill -0 "$LEASER" 2> /dev/null && [ $((_i += 1)) -le 200 ] || return 1
    usleep 10000
  done
}
# lease_state WORD: LEASER's lease is in /proc/locks as WORD (ACTIVE, or BREAKING: an open waits for it).
lease_state() {
  while read -r _n _kind _state _type _pid _rest; do
    [ "$_kind $_state $_pid" = "LEASE $1 $LEASER" ] && return 0
  done < /proc/locks
  return 1
}
lease_release() {
  [ -n "$LEASER" ] || return 0
  kill "$LEASER" 2> /dev/null
  wait "$LEASER" 2> /dev/null
  _rc=$? LEASER=
  return "$_rc"
}
# lease_opened RD-PID: waits until rd's open of the held tar waits, or rd ends, up to 10 s; true in the first case.
lease_opened() {
  _i=0
  until lease_state BREAKING || ! kill -0 "$1" 2> /dev/null || [ $((_i += 1)) -gt 100 ]; do usleep 100000; done
  lease_state BREAKING
}

# part: containers A, B and C, one after another and two at once; what they leave
# What earlier levels' rd calls in this VM left in the container folder goes first (the unpacked images stay),
# so that what these containers leave is judged alike wherever this part runs: a fixed-name item rd keeps there
# would otherwise pass or fail by whether an earlier call made it. Mounts cannot go; they are the baseline
# (its first line keeps the pattern file non-empty: busybox grep -v -f with no patterns prints nothing).
vm "mkdir -p $GIVEN && cd $GIVEN && ls -A | grep -vx images | while read -r f; do rm -rf -- \"\$f\"; done" 2>/dev/null
{ echo '(none)'; leftovers; } > /run/check/left-before
# Container A writes a new file and changes one of the image's.
check overlay-root
probe 'echo written-by-a > /written-by-a && echo changed-by-a >> /etc/passwd && echo "a: wrote /written-by-a and /etc/passwd"' --container-dir $GIVEN
if [ -n "$PROBE" ]; then
  root_mount=$(p_mounts | awk '$1 == "/" { print $2, $4 }')
  # The root mount's own flags (mountinfo's sixth field; the last mount at / is the one on top).
  root_flags=$(sed 's/ - / /' "/proc/$PROBE/mountinfo" | awk '$5 == "/" { f = $6 } END { print f }')
  lowerdir=$(echo "${root_mount#* }" | tr ',' '\n' | grep '^lowerdir=')
  # (Its own layers, wherever rd made them: they go with it, judged at cleanup.)
  a_layers=$(echo "${root_mount#* }" | tr ',' '\n' | sed -n -e 's/^upperdir=//p' -e 's/^workdir=//p')
  # (A's root is where its writes must land: a read-only overlay takes none.)
  a_wrote=$(f=$(p_file /written-by-a) && [ -f "$f" ] && [ ! -L "$f" ] && echo yes)
  # The VM's mounts under the container folder while A runs: its overlay belongs to its own mount namespace.
  vm_sees=$(mounts_under "$GIVEN" | grep -vxFf /run/check/left-before | tr '\n' ' ')
fi
probe_end
stamp_after_a=$(stamp)
if [ -z "$PROBE" ]; then
  probe_missing
elif [ "${root_mount%% *}" != overlay ]; then
  point_04_overlay
  fail "the container's / is not an overlay: mount one on <container-dir>/<id>/merged (lowerdir = the unpacked image, upperdir and workdir = the container's own) and pivot into it" \
    'an overlay at /' "${root_mount%% *} at /"
elif [ "$lowerdir" != "lowerdir=$lower" ]; then
  point_04_overlay
  fail "the container's overlay does not use the unpacked image $lower as its lowerdir (rd was given --container-dir $GIVEN): unpack each image once into <container-dir>/images/<name>, in the container folder given, and name that folder as lowerdir" \
    "lowerdir=$lower" "$lowerdir"
elif [ -n "$vm_sees" ]; then
  point_04_overlay
  fail "while container A ran, the VM had $vm_sees mounted: the overlay was mounted in the VM's mount namespace, so every running container's root is the VM's to see and to change. Mount it in the init stage, after unshare(CLONE_NEWNS)" \
    "no mount in the VM under $GIVEN" "$vm_sees"
elif [ -z "$a_wrote" ]; then
  point_04_overlay
  fail "container A could not write to its / (the harness finds no /written-by-a in it; the command's output is below): the overlay needs an upperdir and a workdir of the container's own, and no MS_RDONLY, so that writes land in the upperdir" \
    'a writable overlay at /: /written-by-a made' "no /written-by-a; / is ${root_mount}"
elif ! printf ',%s,' "$root_flags" | grep -q ',nodev,'; then
  point_04_overlay
  fail "the container's overlay is mounted without MS_NODEV: a device file on it (in the image, or made by a container that may mknod) would open the VM's device of that number. Mount it with the flag linux.MS_NODEV" \
    'the root mounted nodev' "the root mounted ${root_flags:-?}"
elif printf ',%s,' "$root_flags" | grep -q ',nosuid,'; then
  point_04_overlay
  fail "the container's overlay is mounted with MS_NOSUID: every set-user-ID or set-group-ID program of the image (su, passwd, ping, crontab) would run without its privileges, where Docker keeps them (a container's root is an image's system, not a folder of data like /proc). Mount it with linux.MS_NODEV alone" \
    'the root mounted nodev, not nosuid' "the root mounted $root_flags"
else
  pass
fi

check image-unchanged
same_run
if ! cmp -s "$(s_file "$IMAGES/busybox.tar")" "$BUSYBOX_TAR"; then
  fail "rd changed the image file $IMAGES/busybox.tar: images are read-only for every container"
elif [ ! -d "$(slower /bin)" ]; then
  fail "found no unpacked image at $lower: unpack each image once into <container-dir>/images/<name> and use that folder as the overlay's lowerdir" \
    "$lower/bin/…" "$(ls -A "$(s_file "$GIVEN")" | tr '\n' ' ')"
elif [ -e "$(slower /written-by-a)" ] || [ "$(md5sum < "$(slower /etc/passwd)")" != "$image_passwd" ]; then
  point_04_overlay
  fail "container A's writes landed in the shared image at $lower: they must go to A's own upperdir. The order is lowerdir=<image>,upperdir=<container>/upper,workdir=<container>/work" \
    "$lower unchanged" "$(ls -A "$(slower /)" | tr '\n' ' '); $(tail -n 1 "$(slower /etc/passwd)")"
elif [ -z "$PROBE" ]; then
  probe_missing
else
  pass
fi

# Container B, started after A ended, must see the image as it was; then, while B still runs, container C
# starts: B and C write in each writable place, and neither may see the other's files (each read from
# outside, in its own root). Two containers at once need two ids, two folders, two upperdirs and two workdirs.
spots='/ /tmp /root /var /dev'
has_file() { _f=$(PROBE=$1 && p_file "$2") && [ -f "$_f" ]; } # PID PATH: that container has a file at PATH
# overlay_dirs: the upperdir= and workdir= options of the probe's root, "upperdir=… workdir=…".
overlay_dirs() { p_mounts | awk '$1 == "/" { print $4 }' | tr ',' '\n' | grep -E '^(upper|work)dir=' | sort | paste -s -d ' '; }
# holds before this level: containers-isolated — a copy of the image per container (level 03) isolates them too
check containers-isolated
PROBE_HOLDS=2
probe "[ -e /written-by-a ] && echo 'sees: /written-by-a'
  grep -q changed-by-a /etc/passwd && echo 'sees: the line container A added to /etc/passwd'
  for d in $spots; do echo b > \$d/.written-by-b 2> /dev/null; done" --container-dir $GIVEN
PROBE_HOLDS=
b_ran=
if [ -n "$PROBE" ]; then
  b_ran=yes
  sees=$( { f=$(p_file /written-by-a) && [ -e "$f" ] && echo "sees: /written-by-a"
    f=$(p_file /etc/passwd) && grep -q changed-by-a "$f" && echo "sees: the line container A added to /etc/passwd"; } 2> /dev/null)
  b_dirs=$(overlay_dirs)
  b_upper=${b_dirs%% *}
  probe_aside
  probe "for d in $spots; do echo c > \$d/.written-by-c 2> /dev/null; done; echo 'c: wrote'" --container-dir $GIVEN
  if [ -n "$PROBE" ]; then
    c_dirs=$(overlay_dirs)
    c_upper=${c_dirs%% *}
    # B's upperdir, once C has started: C's rd must leave the folders of other containers alone.
    b_kept=$(f=$(s_file "${b_upper#upperdir=}/.written-by-b") && [ -f "$f" ] && echo yes)
    shared=$(for d in $spots; do
      if has_file "$PROBE" "${d%/}/.written-by-b" || has_file "$PROBE_ASIDE" "${d%/}/.written-by-c"; then echo "$d"; fi
    done | tr '\n' ' ' | sed 's/ $//')
  fi
fi
probe_end
[ -n "$b_ran" ] && aside_run # (this check is about B)
stamp_after_b=$(stamp)
if [ -z "$b_ran" ]; then
  probe_missing
elif [ -n "$sees" ] && [ -e "$(slower /written-by-a)" ]; then
  point_04_overlay
  fail "container B sees what container A wrote, because A wrote into the shared image (see image-unchanged): the image must be the lowerdir, never the upperdir" \
    'the image as it was' "$sees"
elif [ -n "$sees" ]; then
  point_04_overlay
  fail "container B sees what container A wrote: give each container its own upperdir and workdir, in <container-dir>/<id>" \
    'the image as it was' "$sees"
else
  pass
fi

check unpacked-once
same_run
if [ -z "$b_ran" ]; then
  probe_missing
elif [ -n "$(s_linked "$lower/etc/passwd")" ]; then
  links_refused "$(s_linked "$lower/etc/passwd")"
elif [ ! -e "$(slower /etc/passwd)" ]; then
  fail "found no unpacked image at $lower: unpack each image once into <container-dir>/images/<name> and use that folder as the overlay's lowerdir" \
    "$lower/etc/passwd" "$stamp_after_b"
elif [ "$stamp_after_b" != "$stamp_after_a" ]; then
  fail "a later container unpacked the image again ($lower/etc/passwd was rewritten): unpack only when <container-dir>/images/<name> does not exist yet" \
    "inode and change time $stamp_after_a" "$stamp_after_b"
else
  pass
fi

check containers-at-once
same_run
if [ -z "$b_ran" ]; then
  probe_missing
elif [ "${root_mount%% *}" != overlay ]; then
  fail "the containers do not run on an overlay of the image: fix overlay-root first"
elif [ -z "$PROBE" ]; then
  fail "a second container, started while the first was still running, never ran its command (rd's output is below): containers must not get in each other's way. Does every container get its own id and folder <container-dir>/<id>?"
elif [ "$b_upper" = "$c_upper" ]; then
  fail "two containers running at once wrote to the same upperdir, so each sees the other's files: every container needs an id of its own (random, e.g. randomBytes(6).toString('hex')), and its own folder <container-dir>/<id>" \
    'two upperdirs' "both ${b_upper:-(none)}"
elif [ -z "$b_kept" ]; then
  fail "once the second container had started, the first's upperdir (${b_upper#upperdir=}) no longer held the file the first wrote at its /: the second's rd removed or emptied a running container's folder. Its overlay is mounted only in its own mount namespace, so no rd can tell a running container's folder from one left behind by the mounts it sees: rd removes its own container's folder alone" \
    "${b_upper#upperdir=}/.written-by-b" 'gone'
elif [ "${b_dirs#* }" = "${c_dirs#* }" ]; then
  fail "two containers running at once had one overlay workdir (${b_dirs#* }): overlayfs empties <workdir>/work at every mount, so once the second started, the first's copy-ups, deletions and renames failed (ENOENT: appending to an image file, rm of one). Each overlay needs a workdir of its own, beside its upperdir in <container-dir>/<id>" \
    'two workdirs' "both ${b_dirs#* }"
elif [ -n "$shared" ]; then
  fail "two containers running at once share $shared: what one wrote there, the other saw. Each container's writable places must be its own (its overlay's upperdir, a tmpfs of its own for /dev)" \
    'nothing shared' "shared: $shared"
else
  pass
fi

check cleanup
same_run
left=$(leftovers | grep -vxFf /run/check/left-before)
if [ "${root_mount%% *}" != overlay ] || [ "$lowerdir" != "lowerdir=$lower" ]; then
  fail "no container ran on an overlay of the image, so there was nothing to clean up: fix overlay-root first"
elif [ -n "$left" ]; then
  fail "the containers, run with --container-dir $GIVEN, ended, but rd left this there: remove <container-dir>/<id>, in the container folder given, after the command exits (fs.rmSync with recursive: true). Mounts need no unmounting: they lived in the container's mount namespace" \
    'nothing new' "$left"
elif a_kept=$(for d in $a_layers; do f=$(s_file "$d") && [ ! -e "$f" ] || printf '%s ' "$d"; done) && [ -n "$a_kept" ]; then
  fail "container A had ended, but its overlay's upper and work folders were still there: ${a_kept% }. They are the container's own, made for it alone: make them in its folder <container-dir>/<id>, which goes when the command exits, and nowhere else" \
    'nothing of container A' "still there: ${a_kept% }"
else
  # A command that fails by itself (the checker killed every container above): its container goes all the same.
  rd run --container-dir $GIVEN -- /bin/sh -c 'echo x > /tmp/.written; exit 3'
  failed_rc=$RC
  left=$(leftovers | grep -vxFf /run/check/left-before)
  # An image that is not there (a typo): rd fails, and makes nothing for a container it cannot start, nor
  # beside the unpacked images.
  with_images() { leftovers; ls -A "$(s_file "$GIVEN/images")" | sed 's#^#images/#'; }
  { cat /run/check/left-before; with_images; } > /run/check/left-before-typo
  # (Only once the first call is right: a failure shows the rd call it is about.)
  [ "$failed_rc" = 3 ] && [ -z "$left" ] && rd_split run -i no-such-image-$$ --container-dir $GIVEN -- /bin/true
  left_typo=$(with_images | grep -vxFf /run/check/left-before-typo)
  if [ "$failed_rc" != 3 ]; then
    fail "rd run -- sh -c '…; exit 3' exited with status $failed_rc: rd exits with its command's status" \
      'exit status 3' "exit status $failed_rc"
  elif [ -n "$left" ]; then
    fail "a container whose command exited with status 3 by itself left this in $GIVEN: remove <container-dir>/<id> however the command ends, with a status or a signal (nothing can use or remove it later: rd has no rm)" \
      'nothing new' "$left"
  elif [ "$RC" = 0 ]; then
    fail "rd run -i no-such-image-$$ exited with status 0, though $IMAGES has no such image: fail with rd's own error" \
      'an error' 'exit status 0'
  elif has_line '^rd: ' && ! has_line '^rd: ' "$ERR"; then
    errors_on_stdout
  elif [ -n "$left_typo" ]; then
    fail "rd run -i no-such-image-$$ failed (there is no such image), but left this in $GIVEN: find the image's tar before making the container's folders, or a folder to unpack it in" \
      'nothing new' "$left_typo"
  else
    # An image whose tar is cut off halfway: tar fails, and so must rd, leaving no folder of the unpack.
    cut=cut-$$
    tar_cut_halfway | s_put "$IMAGES/$cut.tar"
    rd_split run -i $cut --container-dir $GIVEN -- /bin/true
    rm -f "$(s_file "$IMAGES")/$cut.tar"
    left=$(with_images | grep -vxFf /run/check/left-before-typo)
    if [ "$RC" = 0 ]; then
      fail "rd run -i $cut exited with status 0, though its tar is cut off halfway and tar fails on it: a failed unpack fails the start" \
        'an error' 'exit status 0'
    elif [ -n "$left" ]; then
      fail "rd run -i $cut failed (its tar is cut off halfway, and tar fails on it), but left this in $GIVEN: when the unpack fails, remove the folder it went into, then fail. Else every failed start leaves half an image behind" \
        'nothing new' "$left"
    else
      pass
    fi
  fi
fi

# part: an unpack cut off halfway must not be kept as the image. The image's tar is a fifo the checker feeds half
# of and then holds open, so rd is stopped (SIGKILL, as a power cut) while its unpack is halfway, every
# time; then the fifo becomes the whole tar, and the next container of that image must have all of it.
check unpack-interrupted
# (Looked at again for each verdict: rd may make a link at any of its calls.)
halfway_linked() { s_linked "$IMAGES" "$CONTAINERS/images/halfway/bin"; }
# (Both where the harness reaches them through no link, or nowhere: rd could point a link into the harness's
# own files. Every file made there goes through s_put or mkfifo, which take no link rd may have left for the tar.)
half_tar=$(s_file "$IMAGES")/halfway.tar
half_lower=$(s_file "$CONTAINERS/images")/halfway
rm -f "$half_tar"
mkfifo -m 644 "$half_tar"
( tar_cut_halfway && : > /run/check/half-fed
  exec sleep 120 ) > "$half_tar" &
feeder=$!
rd_start run -i halfway -- /bin/true
i=0
until [ -e /run/check/half-fed ] || ! kill -0 "$_rd_bg" 2> /dev/null || [ $((i += 1)) -gt 100 ]; do usleep 100000; done
usleep 500000 # (time to unpack what was fed)
rd_kill
kill "$feeder" 2> /dev/null
wait "$feeder"
rm -f "$half_tar"
if [ ! -e /run/check/half-fed ]; then
  # rd would not read a pipe (it may want a regular file): then it gets the whole tar as a regular file, held
  # at its open (lease_hold), and is killed while its open waits: what it made for the unpack so far stays, as
  # after a power cut. Then a tar cut off in its middle: an unpack that fails halfway.
  s_put "$IMAGES/halfway.tar" < "$BUSYBOX_TAR"
  lease_hold "$half_tar"
  rd_start run -i halfway -- /bin/true
  lease_opened "$_rd_bg"
  rd_kill
  lease_release
  tar_cut_halfway | s_put "$IMAGES/halfway.tar"
  rd run -i halfway -- /bin/true
fi
s_put "$IMAGES/halfway.tar" < "$BUSYBOX_TAR"
probe 'echo started' -i halfway
if [ -n "$PROBE" ]; then
  has_last && sees_last=yes || sees_last=
  half_root=$(root_layers)
fi
probe_end
linked=$(halfway_linked)
if [ -n "$linked" ]; then
  links_refused "$linked"
elif [ -n "$PROBE" ] && [ "$half_root" != "overlay lowerdir=$CONTAINERS/images/halfway" ]; then
  fail "the container of image halfway did not run on an overlay whose lowerdir is $CONTAINERS/images/halfway, so what its unpack kept could not be judged: fix overlay-root first" \
    "overlay lowerdir=$CONTAINERS/images/halfway" "$half_root"
elif [ -d "$half_lower" ] && ! { [ -e "$half_lower$last" ] || [ -L "$half_lower$last" ]; }; then
  fail "an unpack that was cut off halfway (rd killed while tar ran, or tar failed) was kept as the image: $CONTAINERS/images/halfway lacks the tar's last file, $last, and later containers run on half an image. Unpack into a temporary folder beside it, then rename it to <container-dir>/images/<image> when tar has succeeded" \
    "$last in the image" "$(ls -A "$half_lower" | tr '\n' ' ')"
elif [ -z "$PROBE" ]; then
  probe_missing
elif [ -z "$sees_last" ]; then
  fail "the container of an image unpacked after an interrupted attempt lacks the tar's last file, $last: the first, cut-off unpack must not be used as the image" \
    "$last" '(missing)'
else
  pass
fi

# Once an image is unpacked, a container of it must not read its tar at all: an unpack beside the image, thrown
# away when the rename finds the image there, costs every start the whole unpack. The tar is held by a lease
# that its first open ends (lease_hold FILE once): that open is seen, goes on at once, and the run goes on. A
# stat or existsSync does not open it. (A regular file, as every start's tar is: a pipe rd could tell apart.)
check image-read-once
read_before= ran= opened=
if [ -d "$half_lower/bin" ]; then
  read_before=yes
  s_put "$IMAGES/halfway.tar" < "$BUSYBOX_TAR"
  lease_hold "$half_tar" once || opened=unknown
  # A container that runs, not only an rd that ends well: one that returns once the image is there passes no tar.
  probe '' -i halfway
  ran=$PROBE
  probe_end
  lease_release
  [ $? = 157 ] && opened=${opened:-yes}
  rm -f "$half_tar"
fi
linked=$(halfway_linked)
if [ -n "$linked" ]; then
  links_refused "$linked"
elif [ -z "$read_before" ]; then
  fail "the image halfway was never unpacked whole into $CONTAINERS/images/halfway, so whether a later container reads its tar again could not be judged: fix unpack-interrupted first"
elif [ "$opened" = unknown ]; then
  fail "the checker could not take a lease on $IMAGES/halfway.tar within 2 s (something held it open?), so whether a container opened it could not be seen"
elif [ -n "$opened" ]; then
  fail "a container of the image halfway, already unpacked in $CONTAINERS/images/halfway, opened $IMAGES/halfway.tar again: every start still pays for a whole unpack, even if it is thrown away after. Check whether <container-dir>/images/<image> exists before anything else, and use it as it is" \
    'the tar not opened' 'the tar opened'
elif [ -z "$ran" ]; then
  probe_missing
else
  pass
fi

# part: two containers of one image at once, the first's unpack under way. The first's tar is a fifo fed half
# of the image and then held, as above; once the first has read that half, a whole tar takes its place at the
# same path, and a second container of the image starts: it unpacks, renames its folder into place and runs
# (or waits for the first, up to 8 s). Then the fifo gets the rest: the first's unpack ends, finds the image in
# place, and its container must run on the image as it is, whole. Nothing may write the image again once a
# container runs on it (an overlay's lowerdir must not change under it). Each container is judged by the kernel
# (its root, as the harness reaches it), the image by the inodes and change times of its files. (An rd that will
# not read a pipe is held at its open of the whole tar instead: see lease_hold.)
check unpacked-at-once
pair_tar=$(s_file "$IMAGES")/together.tar
pair_lower=$(s_file "$CONTAINERS/images")/together
pair_linked() { s_linked "$IMAGES" "$CONTAINERS/images/together/bin"; }
# pair_state: every file of the image in place, "INODE CHANGE-TIME PATH" a line (tar's rewrite changes both).
pair_state() { find "$pair_lower" -xdev -exec stat -c '%i %z %n' {} + 2> /dev/null | sort | md5sum; }
# held MARK RD-PID TENTHS: sets HELD to the PID of the container's command `sleep MARK` once it runs, waiting
# while its rd runs, up to TENTHS tenths of a second (a scan of /proc each fifth). In this shell, not a
# subshell: only this shell reaps an rd that ended, and kill -0 finds an unreaped one still there.
held() {
  _i=0
  until HELD=$(_processes_running "sleep $1 "); [ -n "$HELD" ] || ! kill -0 "$2" 2> /dev/null || [ $((_i += 2)) -gt "$3" ]; do
    usleep 200000
  done
}
vm "rm -rf $CONTAINERS/images/together $CONTAINERS/images/together.*" # (an earlier run in this VM)
rm -f "$pair_tar" /run/check/pair-fed /run/check/pair-go
mkfifo -m 644 "$pair_tar"
half=$(( $(stat -c %s "$BUSYBOX_TAR") / 2 ))
( head -c "$half" "$BUSYBOX_TAR" && : > /run/check/pair-fed
  until [ -e /run/check/pair-go ]; do usleep 50000; done
  exec tail -c +$((half + 1)) "$BUSYBOX_TAR" ) > "$pair_tar" 2> /dev/null &
feeder=$!
# What the image folder holds before: what the first rd makes beside the image while it is held is then its own.
pair_images=$(s_file "$CONTAINERS/images")
images_before() { { echo together; ls -A "$pair_images"; } > /run/check/pair-images-before; }
images_before
mark_a=$(random_in 3600 60000).$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
mark_b=$(random_in 3600 60000).$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
PROBE_HOLDS=3
rd_start run -i together -- /bin/sh -c "exec sleep $mark_a"
i=0
until [ -e /run/check/pair-fed ] || ! kill -0 "$_rd_bg" 2> /dev/null || [ $((i += 1)) -gt 100 ]; do usleep 100000; done
fed=$([ -e /run/check/pair-fed ] && echo yes)
s_put "$IMAGES/together.tar" < "$BUSYBOX_TAR"
if [ -z "$fed" ] && ! kill -0 "$_rd_bg" 2> /dev/null; then
  # rd would not read a pipe (it may want a regular file): then the first gets the whole tar as a regular file,
  # held at its open (lease_hold), not halfway; the second reads a new file at that path meanwhile, and the
  # first's open goes on once the second has run.
  rd_wait
  images_before # (what the rd that refused the pipe left is not the held one's)
  lease_hold "$pair_tar"
  rd_start run -i together -- /bin/sh -c "exec sleep $mark_a"
  lease_opened "$_rd_bg" && fed=lease
  s_put "$IMAGES/together.tar" < "$BUSYBOX_TAR"
fi
a_made=$([ -n "$fed" ] && ls -A "$pair_images" | grep -vxFf /run/check/pair-images-before)
probe_aside
rd_start run -i together -- /bin/sh -c "exec sleep $mark_b"
PROBE_HOLDS=
b_pid= a_pid= b_state= a_state=
if [ -n "$fed" ]; then
  held "$mark_b" "$_rd_bg" 80
  b_pid=$HELD
  [ -n "$b_pid" ] && b_state=$(pair_state)
fi
# (While the first is still held: nothing but the second can have taken what the first made.)
a_gone=$(printf '%s\n' "$a_made" | while IFS= read -r made; do [ -z "$made" ] || [ -e "$pair_images/$made" ] || [ -L "$pair_images/$made" ] || printf '%s ' "$made"; done | sed 's/ $//')
: > /run/check/pair-go
lease_release
if [ -n "$fed" ]; then
  held "$mark_a" "$_aside_bg" 200
  a_pid=$HELD
  if [ -z "$b_pid" ]; then
    held "$mark_b" "$_rd_bg" 100
    b_pid=$HELD b_state=$(pair_state)
  fi
  a_state=$(pair_state)
  b_root=$(PROBE=$b_pid && root_layers)
  a_last=$(PROBE=$a_pid && has_last && echo yes)
  b_last=$(PROBE=$b_pid && has_last && echo yes)
  # Both run: a folder of files left beside the image now is an unpack nobody will use (a lock, a file or a
  # folder of one or two, may stay). Looked at again for up to 3 s, for an rd that removes it in the background.
  copies_beside() {
    ls -A "$pair_images" | grep -vxFf /run/check/pair-images-before | while IFS= read -r made; do
      [ -d "$pair_images/$made" ] && [ ! -L "$pair_images/$made" ] &&
        [ "$(find "$pair_images/$made" -mindepth 1 2> /dev/null | head -n 3 | wc -l)" -ge 3 ] && printf '%s ' "$made"
    done | sed 's/ $//'
  }
  left_beside=$(copies_beside) i=0
  while [ -n "$left_beside" ] && [ $((i += 1)) -le 15 ]; do usleep 200000; left_beside=$(copies_beside); done
fi
PROBE=$b_pid PROBE_ASIDE=$a_pid
probe_end
kill "$feeder" 2> /dev/null
wait "$feeder"
rm -f "$pair_tar"
linked=$(pair_linked)
if [ -n "$linked" ]; then
  links_refused "$linked"
elif [ -z "$fed" ]; then
  aside_run
  fail "the first rd run -i together did not open $IMAGES/together.tar within 10 s (a named pipe the checker fed half an image, to hold the unpack halfway, or, for an rd that will not read a pipe, a regular file): does it hang, or fail? Its output is below" \
    'the tar opened' 'not opened'
elif [ -n "$a_gone" ]; then
  fail "the first container's unpack, held $([ "$fed" = lease ] && echo 'at its open of the tar' || echo halfway), had made $a_gone beside the image; while it was held, the second container's start took that away: the second unpacked into the same folder, of a fixed name, and renamed it into place (or removed it). Give each unpack a folder of a random name" \
    "$a_gone kept" "$a_gone gone"
elif [ -z "$b_pid" ]; then
  fail "a second container of an image whose unpack was under way for another never ran (rd's output is below): two unpacks of one image at once must not collide. Unpack into a folder of a random name beside <container-dir>/images/<image>, then rename it into place"
elif [ "$b_root" != "overlay lowerdir=$CONTAINERS/images/together" ]; then
  fail "the second container of image together did not run on an overlay whose lowerdir is $CONTAINERS/images/together, so how two unpacks of one image at once went could not be judged: fix overlay-root and unpacked-once first" \
    "overlay lowerdir=$CONTAINERS/images/together" "$b_root"
elif [ -z "$b_last" ]; then
  fail "a second container, started while another unpacked its image, ran without the tar's last file, $last: it used half an image. Unpack into a folder of a random name beside <container-dir>/images/<image>, and use the image only once it is there, renamed into place whole" \
    "$last" '(missing)'
elif [ "$a_state" != "$b_state" ]; then
  fail "the image in $CONTAINERS/images/together was written again while a container ran on it: the first unpack, cut off until then, went on writing into the folder the second had renamed into place (both unpacked into one folder of a fixed name, and tar stays in the folder it started in). Give each unpack a folder of a random name" \
    'the image unchanged' 'files rewritten'
elif [ -z "$a_pid" ]; then
  aside_run
  if [ "$fed" = lease ] && has_line 'EAGAIN|EWOULDBLOCK|temporarily unavailable'; then
    fail "the first rd's open of $IMAGES/together.tar failed at once (EAGAIN; its output is below): it opened the tar with O_NONBLOCK, and the checker holds it with a file lease (as a pipe holds an unpack halfway, for an rd that will not read a pipe), which a non-blocking open does not wait for. Open the image's tar without O_NONBLOCK" \
      'the open waits' 'EAGAIN'
  elif has_line 'ENOTEMPTY|EEXIST|rename'; then
    fail "a container whose unpack was under way while a second one unpacked the same image and renamed it into place never ran (its rd's output is below): when the rename finds the image there already (ENOTEMPTY or EEXIST), another container was quicker. Remove your own unpacked folder and use the image in place"
  else
    fail "a container whose unpack was under way while a second one unpacked the same image and renamed it into place never ran (its rd's output is below): did both unpack into one folder of a fixed name, which the second renamed away? Give each unpack a folder of a random name"
  fi
elif [ -z "$a_last" ]; then
  aside_run
  fail "a container whose unpack was cut off while another unpacked the same image ran without the tar's last file, $last" \
    "$last" '(missing)'
elif [ -n "$left_beside" ]; then
  fail "both containers ran, but $left_beside is left beside the image in $CONTAINERS/images: the unpack whose rename found the image in place already (ENOTEMPTY or EEXIST) must remove its own folder, or every lost race keeps a copy of the image" \
    'nothing beside the image' "$left_beside"
else
  pass
fi
