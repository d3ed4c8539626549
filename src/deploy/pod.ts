/**
 * The pod every classroom manifest runs: the classroom image as uid 1000 under the Pod Security Standards
 * "restricted" profile, with a writable /tmp and nothing else writable but its volumes. One place for all of
 * it, so the Notebook, the per-learner StatefulSets and the grading Jobs cannot drift apart.
 */

/** jovyan, and the users group Kubeflow's images use: what the image's files and the home volume belong to. */
export const UID = 1000;
export const GID = 100;
export const HOME = '/home/jovyan';
export const IDE_PORT = 8888;

/** The device-plugin resource that hands a pod /dev/kvm (KubeVirt's plugin; others use another name). */
export const KVM_RESOURCE = 'devices.kubevirt.io/kvm';

/**
 * Memory, measured (peak RSS of QEMU, TCG, `check 14` with the level-14 solution in one VM): 607 MB — the guest's
 * 256 MiB plus TCG's translated code, capped at 256 MiB (src/vm/machine.ts; uncapped it reached 1.04 GB, which
 * a slot of this size could not hold); a slot adds the Node side
 * of one check (bundling, the results channel). The base is the Node process driving the slots (grading),
 * plus code-server for the IDE.
 */
const SLOT_MIB = 768;
const GRADE_BASE_MIB = 256;
const IDE_BASE_MIB = 512;
/** /tmp holds each run's payload and QEMU's scratch; the VM assets themselves are in the image. */
const TMP_LIMIT = '1Gi';

export interface KvmOptions {
  /** Request /dev/kvm through the device plugin. */
  kvm: boolean;
  /** The group that owns /dev/kvm on the nodes, when the device keeps the node's ownership. */
  kvmGroup?: number;
}

type Json = Record<string, unknown>;

/** Memory and CPU for `slots` VMs at once on top of `baseMiB`; TCG keeps one core busy per running VM. */
export function resources(slots: number, baseMiB: number, kvm: boolean, cpuRequest: string = String(slots)): Json {
  const memory = `${baseMiB + slots * SLOT_MIB}Mi`;
  const device = kvm ? { [KVM_RESOURCE]: '1' } : {};
  return { requests: { cpu: cpuRequest, memory, ...device }, limits: { memory, ...device } };
}

/** The IDE: code-server and the workshop, one check (one VM) at a time plus one `rd run` by hand. */
export const ideResources = (kvm: boolean): Json => resources(2, IDE_BASE_MIB, kvm, '500m');
/** A grading shard running `jobs` workspaces at once. */
export const gradeResources = (jobs: number, kvm: boolean): Json => resources(jobs, GRADE_BASE_MIB, kvm);
/** Merging shards reads JSON files: no VM. */
export const mergeResources: Json = resources(0, GRADE_BASE_MIB, false, '100m');

/** The container-level half of the restricted profile (the pod sets the user and seccomp), plus a read-only root. */
export const containerSecurity: Json = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

export function podSecurity(opts: KvmOptions): Json {
  return {
    runAsNonRoot: true,
    runAsUser: UID,
    runAsGroup: GID,
    fsGroup: GID,
    // The home is chowned to the group only when its root is not yet: a restart does not walk every file again.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
    ...(opts.kvm && opts.kvmGroup !== undefined ? { supplementalGroups: [opts.kvmGroup] } : {}),
  };
}

export const tmpVolume: Json = { name: 'tmp', emptyDir: { sizeLimit: TMP_LIMIT } };
export const tmpMount: Json = { name: 'tmp', mountPath: '/tmp' };


/** The IDE container: code-server on IDE_PORT, the home volume on HOME. */
export function ideContainer(name: string, image: string, opts: KvmOptions, homeVolume: string): Json {
  const probe = { httpGet: { path: '/healthz', port: IDE_PORT } };
  return {
    name,
    image,
    ports: [{ name: 'http', containerPort: IDE_PORT, protocol: 'TCP' }],
    workingDir: HOME,
    resources: ideResources(opts.kvm),
    securityContext: containerSecurity,
    volumeMounts: [{ name: homeVolume, mountPath: HOME }, tmpMount],
    readinessProbe: { ...probe, periodSeconds: 10 },
    livenessProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 30 },
  };
}

/** A PersistentVolumeClaim: a learner's home (ReadWriteOnce), or a class's workspaces and grades (ReadWriteMany). */
export function claim(name: string, storage: string, mode: 'ReadWriteOnce' | 'ReadWriteMany'): Json {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: PART_OF },
    spec: { accessModes: [mode], resources: { requests: { storage } } },
  };
}

export const PART_OF = { 'app.kubernetes.io/part-of': 'rubber-workshop' };

/** Finished Jobs (and their pods' logs) stay a day for the instructor to look at, then go. */
export const KEEP_FINISHED_S = 24 * 60 * 60;
