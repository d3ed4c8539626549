import { HOME, PART_OF, claim, containerSecurity, podSecurity, resources, tmpMount, tmpVolume } from './pod.js';

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
/** A finished copy's Job stays a day, for its log, then goes. */
const KEEP_FINISHED_S = 24 * 60 * 60;

/**
 * What a learner's copy takes from rd-workspace: everything but the two packages `npm install` puts there for the
 * editor (koffi is the guest's own, the types are for the editor; together ≈ 100 MB a learner). A copy is made
 * beside the last one and then put in its place, so the grading Job never finds half a workspace.
 */
const COPY = `set -eu
to="${CLASS_DIR}/$LEARNER"
rm -rf "$to.new"
mkdir "$to.new"
tar -C "${HOME}/rd-workspace" --exclude=./node_modules/koffi --exclude=./node_modules/@types -cf - . | tar -C "$to.new" -xf -
rm -rf "$to"
mv "$to.new" "$to"
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
