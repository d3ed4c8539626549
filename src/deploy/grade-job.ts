import { KEEP_FINISHED_S, PART_OF, claim, containerSecurity, gradeResources, mergeResources, podSecurity, tmpMount, tmpVolume, type KvmOptions } from './pod.js';

export interface GradeJobOptions extends KvmOptions {
  image: string;
  /** Shards: the Job's completions; shard I grades its stable 1/N share of the class. */
  shards: number;
  /** Shards running at once. */
  parallelism: number;
  /** Workspaces each shard grades at once (`grade --jobs`): its pod's CPU and memory scale with it. */
  jobs: number;
  /** The ReadWriteMany claim holding the class: one folder per learner (workspaces or git clones). */
  classClaim: string;
  /** The ReadWriteMany claim the shards and the merged result go to (made here). */
  gradesClaim: string;
  gradesStorage: string;
}

export const JOB_NAME = 'rubber-workshop-grade';
const CLASS_DIR = '/class';
const GRADES_DIR = '/grades';

/** `grade --shard` writes shard I of N (1-based) to shard-I-of-N inside its --out. */
const SHARDS_DIR = `${GRADES_DIR}/shards`;

/** A grading pod: COMMAND… (`rubber-workshop grade …`) on the grades volume (and the class, read-only, when given). */
function gradePod(opts: GradeJobOptions, name: string, command: string[], resources: Record<string, unknown>, withClass: boolean): Record<string, unknown> {
  const classVolume = withClass ? [{ name: 'class', persistentVolumeClaim: { claimName: opts.classClaim, readOnly: true } }] : [];
  const classMount = withClass ? [{ name: 'class', mountPath: CLASS_DIR, readOnly: true }] : [];
  return {
    metadata: { labels: PART_OF },
    spec: {
      // backoffLimitPerIndex retries a failed shard in a new pod, never in place.
      restartPolicy: 'Never',
      securityContext: podSecurity(opts),
      automountServiceAccountToken: false,
      containers: [{
        name,
        image: opts.image,
        command,
        resources,
        securityContext: containerSecurity,
        volumeMounts: [...classMount, { name: 'grades', mountPath: GRADES_DIR }, tmpMount],
      }],
      volumes: [...classVolume, { name: 'grades', persistentVolumeClaim: { claimName: opts.gradesClaim } }, tmpVolume],
    },
  };
}

/**
 * The shards as a Kubernetes Indexed Job: pod I grades shard I + 1 of N (the Job controller sets
 * JOB_COMPLETION_INDEX, which `grade --shard N` reads) into its own folder on the grades volume; a failed
 * shard is retried on its own (and resumes), without failing the others. Also the grades volume.
 */
export function gradeJob(opts: GradeJobOptions): Record<string, unknown>[] {
  return [
    claim(opts.gradesClaim, opts.gradesStorage, 'ReadWriteMany'),
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: JOB_NAME, labels: PART_OF },
      spec: {
        completionMode: 'Indexed',
        completions: opts.shards,
        parallelism: opts.parallelism,
        backoffLimitPerIndex: 2,
        ttlSecondsAfterFinished: KEEP_FINISHED_S,
        // --resume: a shard's pod run again (the Job's retry, or a later grading of the class) keeps what is graded
        // and still current, and grades the rest.
        template: gradePod(opts, 'grade', ['rubber-workshop', 'grade', CLASS_DIR, '--shard', String(opts.shards), '--jobs', String(opts.jobs), '--out', SHARDS_DIR, '--resume'],
          gradeResources(opts.jobs, opts.kvm), true),
      },
    },
  ];
}

/** One class.csv / class.json from every shard's folder; run it once the shards' Job is complete. */
export function mergeJob(opts: GradeJobOptions): Record<string, unknown>[] {
  // Every shard named, so a missing one is reported as missing.
  const shards = Array.from({ length: opts.shards }, (_, i) => `${SHARDS_DIR}/shard-${i + 1}-of-${opts.shards}`);
  return [{
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${JOB_NAME}-merge`, labels: PART_OF },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: KEEP_FINISHED_S,
      template: gradePod({ ...opts, kvm: false }, 'merge', ['rubber-workshop', 'grade', 'merge', ...shards, '--out', `${GRADES_DIR}/class`], mergeResources, false),
    },
  }];
}

/** How long the grades pod waits for `kubectl cp`, then ends. */
const READER_S = 60 * 60;

/** A pod holding the grades volume for an hour, to copy the merged class.csv and class.html from (kubectl cp). */
export function gradesPod(opts: GradeJobOptions): Record<string, unknown>[] {
  const pod = gradePod({ ...opts, kvm: false }, 'grades', ['sleep', String(READER_S)], mergeResources, false);
  return [{
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'rubber-workshop-grades', labels: PART_OF },
    spec: { ...(pod.spec as Record<string, unknown>), activeDeadlineSeconds: READER_S },
  }];
}
