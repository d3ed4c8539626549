import { MAX_READ_BYTES } from '../learner-file.js';
import { HOME, KEEP_FINISHED_S, PART_OF, claim, containerSecurity, podSecurity, resources, tmpMount, tmpVolume } from './pod.js';

export interface CollectOptions {
  image: string;
  /** The ReadWriteMany claim the grading Job reads (made here): a folder per learner. */
  classClaim: string;
  classStorage: string;
}

/** A learner's home volume, and the folder their workspace gets in the class volume. */
export interface Home {
  learner: string;
  claim: string;
}

const CLASS_DIR = '/class';
/** The most one learner's copy may hold: a workspace is a few hundred KiB, and the class volume is everyone's. */
export const MAX_COPY_MIB = 128;

/**
 * What a learner's copy takes from rd-workspace: everything but koffi and the types `npm install` puts there for
 * the editor (koffi is the guest's own; ≈ 30 MB a learner), and files larger than the grader reads: a sparse file
 * of 64 GiB costs its learner nothing and would fill the class volume that every learner's copy shares (tar's
 * --sparse keeps the holes of the files it copies). Nor may many files fill it: a workspace over MAX_COPY_MIB is
 * not copied, and the stream between the two tars is cut at twice that (headers, files growing meanwhile), which
 * fails the copy. tar must not follow a link: `rd-workspace -> /class/bob`
 * would copy bob's work in as this learner's, so the copy is made from inside the folder, entered without
 * following links (cd -P) and found to be where it should be. The copy is made in a hidden folder beside the last one
 * (grade skips hidden folders) and put in its place only once whole: a failed copy (no rd-workspace, a file that
 * cannot be read; sh has no pipefail, so each command's failure is noted apart) leaves the last one as it was.
 */
const COPY = `set -eu
from="${HOME}/rd-workspace" to="${CLASS_DIR}/$LEARNER" new="${CLASS_DIR}/.$LEARNER.new"
cd -P "$from" 2>/dev/null && [ "$(pwd -P)" = "$from" ] || { echo "$LEARNER's home has no rd-workspace folder (a link is not taken): nothing copied" >&2; exit 1; }
rm -rf "$new" /tmp/copy-failed
mkdir "$new"
find . \\( -path ./node_modules/koffi -o -path ./node_modules/@types \\) -prune -o -type f -size +${MAX_READ_BYTES >> 10}k -o -print0 > /tmp/files || : > /tmp/copy-failed
size=$(xargs -0 -r stat -c %s -- < /tmp/files | awk '{ s += $1 } END { printf "%.0f\\n", s }')
if [ "$size" -gt ${MAX_COPY_MIB << 20} ]; then
  rm -rf "$new"; echo "$LEARNER's workspace holds $((size >> 20)) MiB (koffi and the editor's types aside), more than ${MAX_COPY_MIB} MiB: nothing copied, the last copy is kept" >&2; exit 1
fi
{ tar --null --no-recursion -T /tmp/files --sparse -cf - || : > /tmp/copy-failed; } | head -c ${2 * (MAX_COPY_MIB << 20)} | tar -C "$new" -xf - || : > /tmp/copy-failed
if [ -e /tmp/copy-failed ]; then rm -rf "$new"; echo "could not copy all of $LEARNER's workspace: the last copy is kept" >&2; exit 1; fi
rm -rf "$to"
mv "$new" "$to"
echo "copied $LEARNER's workspace to $to"`;

/**
 * The class volume, and a Job per learner copying their workspace from their home volume into it, as
 * `/class/<learner>`: what `deploy grade` grades. A home volume is ReadWriteOnce: with the learner's IDE
 * running on another node, its Job waits until the IDE is stopped.
 */
export function collectJobs(homes: Home[], opts: CollectOptions): Record<string, unknown>[] {
  return [claim(opts.classClaim, opts.classStorage, 'ReadWriteMany'), ...homes.map((home) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${home.claim.replace(/-home$/, '')}-copy`, labels: { ...PART_OF, 'rubber-workshop/learner': home.learner } },
    spec: {
      backoffLimit: 2,
      ttlSecondsAfterFinished: KEEP_FINISHED_S,
      template: {
        metadata: { labels: PART_OF },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity({ kvm: false }),
          automountServiceAccountToken: false,
          containers: [{
            name: 'copy',
            image: opts.image,
            command: ['sh', '-c', COPY],
            env: [{ name: 'LEARNER', value: home.learner }],
            resources: resources(0, 128, false, '100m'),
            securityContext: containerSecurity,
            volumeMounts: [{ name: 'home', mountPath: HOME, readOnly: true }, { name: 'class', mountPath: CLASS_DIR }, tmpMount],
          }],
          volumes: [
            { name: 'home', persistentVolumeClaim: { claimName: home.claim, readOnly: true } },
            { name: 'class', persistentVolumeClaim: { claimName: opts.classClaim } },
            tmpVolume,
          ],
        },
      },
    },
  }))];
}
