# Level 04: containers share one copy of the image, unpacked once into <container-dir>/images/<name> and used
# read-only as overlay's lowerdir; each writes only to its own upperdir; nothing is left when they end.
# Judged from outside: the container's root mount, in the harness's /proc, and the sandbox's files between runs.
TRACE_CALLS='mount|umount2'
SROOT=/proc/$SANDBOX/root
lower=$CONTAINERS/images/busybox
slower=$SROOT$lower
tar_before=$(md5sum < "$SROOT$IMAGES/busybox.tar")
image_passwd=$(tar -xOf "$SROOT$IMAGES/busybox.tar" ./etc/passwd | md5sum)

# What the containers leave: folders in the container folder (the unpacked images aside) and mounts under it.
# (The first line keeps the pattern file non-empty: busybox grep -v -f with no patterns prints nothing.)
leftovers() { ls -A "$SROOT$CONTAINERS" | grep -vx images; mounts_under "$CONTAINERS"; }
{ echo '(none)'; leftovers; } > /run/check/left-before

# Whether the unpacked image was touched: the inode and change time of a file in it.
stamp() { stat -c '%i %z' "$slower/etc/passwd" 2>&1; }

# Container A writes a new file and changes one of the image's.
check overlay-root
probe 'echo written-by-a > /written-by-a && echo changed-by-a >> /etc/passwd && echo "a: wrote /written-by-a and /etc/passwd"'
if [ -n "$PROBE" ]; then
  root_mount=$(p_mounts | awk '$1 == "/" { print $2, $4 }')
  lowerdir=$(echo "${root_mount#* }" | tr ',' '\n' | grep '^lowerdir=')
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
  fail "the container's overlay does not use the unpacked image $lower as its lowerdir: unpack each image once into <container-dir>/images/<name> and name that folder as lowerdir" \
    "lowerdir=$lower" "$lowerdir"
else
  pass
fi

check image-unchanged
same_run
if [ "$(md5sum < "$SROOT$IMAGES/busybox.tar")" != "$tar_before" ]; then
  fail "rd changed the image file $IMAGES/busybox.tar: images are read-only for every container"
elif [ ! -d "$slower/bin" ]; then
  fail "found no unpacked image at $lower: unpack each image once into <container-dir>/images/<name> and use that folder as the overlay's lowerdir" \
    "$lower/bin/…" "$(ls -A "$SROOT$CONTAINERS" | tr '\n' ' ')"
elif [ -e "$slower/written-by-a" ] || [ "$(md5sum < "$slower/etc/passwd")" != "$image_passwd" ]; then
  point_04_overlay
  fail "container A's writes landed in the shared image at $lower: they must go to A's own upperdir. The order is lowerdir=<image>,upperdir=<container>/upper,workdir=<container>/work" \
    "$lower unchanged" "$(ls -A "$slower" | tr '\n' ' '); $(tail -n 1 "$slower/etc/passwd")"
elif [ -z "$PROBE" ]; then
  probe_missing
else
  pass
fi

# Container B, started after A, must see the image as it was.
check containers-isolated
probe '[ -e /written-by-a ] && echo "sees: /written-by-a"
  grep -q changed-by-a /etc/passwd && echo "sees: the line container A added to /etc/passwd"'
if [ -n "$PROBE" ]; then
  sees=$( { f=$(p_file /written-by-a) && [ -e "$f" ] && echo "sees: /written-by-a"
    f=$(p_file /etc/passwd) && grep -q changed-by-a "$f" && echo "sees: the line container A added to /etc/passwd"; } 2> /dev/null)
fi
probe_end
stamp_after_b=$(stamp)
if [ -z "$PROBE" ]; then
  probe_missing
elif [ -n "$sees" ] && [ -e "$slower/written-by-a" ]; then
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
if [ ! -e "$slower/etc/passwd" ]; then
  fail "found no unpacked image at $lower: unpack each image once into <container-dir>/images/<name> and use that folder as the overlay's lowerdir" \
    "$lower/etc/passwd" "$stamp_after_b"
elif [ "$stamp_after_b" != "$stamp_after_a" ]; then
  fail "the second container unpacked the image again ($lower/etc/passwd was rewritten): unpack only when <container-dir>/images/<name> does not exist yet" \
    "inode and change time $stamp_after_a" "$stamp_after_b"
else
  pass
fi

check cleanup
same_run
left=$(leftovers | grep -vxFf /run/check/left-before)
if [ "${root_mount%% *}" != overlay ] || [ "$lowerdir" != "lowerdir=$lower" ]; then
  fail "no container ran on an overlay of the image, so there was nothing to clean up: fix overlay-root first"
elif [ -n "$left" ]; then
  fail "the containers ended, but rd left this in $CONTAINERS: remove <container-dir>/<id> after the command exits (fs.rmSync with recursive: true). Mounts need no unmounting: they lived in the container's mount namespace" \
    'nothing new' "$left"
else
  pass
fi
