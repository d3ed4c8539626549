# Level 04: containers share one copy of the image, unpacked once into <container-dir>/images/<name> and used
# read-only as overlay's lowerdir; each writes only to its own upperdir; nothing is left when they end.
lower=$CONTAINERS/images/busybox
tar_before=$(md5sum < "$IMAGES/busybox.tar")
image_passwd=$(tar -xOf "$IMAGES/busybox.tar" ./etc/passwd | md5sum)

# What the containers leave: folders in the container folder (the unpacked images aside) and mounts under it.
# (The first line keeps the pattern file non-empty: busybox grep -v -f with no patterns prints nothing.)
leftovers() { ls -A "$CONTAINERS" | grep -vx images; mounts_under "$CONTAINERS"; }
{ echo '(none)'; leftovers; } > /run/check/left-before

# Whether the unpacked image was touched: the inode and change time of a file in it.
stamp() { stat -c '%i %z' "$lower/etc/passwd" 2>&1; }

# Container A writes a new file and changes one of the image's.
check overlay-root
rd run -- /bin/sh -c '
  while read -r _ point type _; do [ "$point" = / ] && echo "root: $type"; done < /proc/mounts
  echo written-by-a > /written-by-a && echo changed-by-a >> /etc/passwd && echo "a: wrote /written-by-a and /etc/passwd"'
stamp_after_a=$(stamp)
if ran_ok; then
  if has_line '^root: overlay$'; then
    pass
  else
    fail "the container's / is not an overlay: mount one on <container-dir>/<id>/merged (lowerdir = the unpacked image, upperdir and workdir = the container's own) and pivot into it" \
      'root: overlay' "$(printf '%s\n' "$OUT" | grep '^root: ')"
  fi
fi

check image-unchanged
same_run
if [ "$(md5sum < "$IMAGES/busybox.tar")" != "$tar_before" ]; then
  fail "rd changed the image file $IMAGES/busybox.tar: images are read-only for every container"
elif [ ! -d "$lower/bin" ]; then
  fail "found no unpacked image at $lower: unpack each image once into <container-dir>/images/<name> and use that folder as the overlay's lowerdir" \
    "$lower/bin/…" "$(ls -A "$CONTAINERS" | tr '\n' ' ')"
elif [ -e "$lower/written-by-a" ] || [ "$(md5sum < "$lower/etc/passwd")" != "$image_passwd" ]; then
  fail "container A's writes landed in the shared image at $lower: they must go to A's own upperdir. The order is lowerdir=<image>,upperdir=<container>/upper,workdir=<container>/work" \
    "$lower unchanged" "$(ls -A "$lower" | tr '\n' ' '); $(tail -n 1 "$lower/etc/passwd")"
elif ran_ok; then
  pass
fi

# Container B, started after A, must see the image as it was, and its status must pass through.
check containers-isolated
rd run -- /bin/sh -c '
  [ -e /written-by-a ] && echo "sees: /written-by-a"
  grep -q changed-by-a /etc/passwd && echo "sees: the line container A added to /etc/passwd"
  echo "b: ran"; exit 5'
stamp_after_b=$(stamp)
if ran_ok 5; then
  if has_line '^sees: ' && [ -e "$lower/written-by-a" ]; then
    fail "container B sees what container A wrote, because A wrote into the shared image (see image-unchanged): the image must be the lowerdir, never the upperdir" \
      'the image as it was' "$(printf '%s\n' "$OUT" | grep '^sees: ')"
  elif has_line '^sees: '; then
    fail "container B sees what container A wrote: give each container its own upperdir and workdir, in <container-dir>/<id>" \
      'the image as it was' "$(printf '%s\n' "$OUT" | grep '^sees: ')"
  else
    pass
  fi
fi

check unpacked-once
same_run
if [ ! -e "$lower/etc/passwd" ]; then
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
if [ -n "$left" ]; then
  fail "the containers ended, but rd left this in $CONTAINERS: remove <container-dir>/<id> after the command exits (fs.rmSync with recursive: true). Mounts need no unmounting: they lived in the container's mount namespace" \
    'nothing new' "$left"
else
  pass
fi
