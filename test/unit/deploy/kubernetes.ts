import path from 'node:path';
import ts from 'typescript';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

export type Manifest = Record<string, any>;

/** apiVersion/kind → [the kubernetes-models validator, the TypeScript type (module, name) of the same schema]. */
const KINDS: Record<string, { validate: (m: Manifest) => void; type: [string, string] }> = {
  'v1/PersistentVolumeClaim': { validate: (m) => new PersistentVolumeClaim(m as never).validate(), type: ['kubernetes-models/v1/PersistentVolumeClaim', 'IPersistentVolumeClaim'] },
  'v1/Pod': { validate: (m) => new Pod(m as never).validate(), type: ['kubernetes-models/v1/Pod', 'IPod'] },
  'v1/Service': { validate: (m) => new Service(m as never).validate(), type: ['kubernetes-models/v1/Service', 'IService'] },
  'apps/v1/StatefulSet': { validate: (m) => new StatefulSet(m as never).validate(), type: ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'] },
  'networking.k8s.io/v1/NetworkPolicy': { validate: (m) => new NetworkPolicy(m as never).validate(), type: ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'] },
  'batch/v1/Job': { validate: (m) => new Job(m as never).validate(), type: ['kubernetes-models/batch/v1/Job', 'IJob'] },
  'kubeflow.org/v1/Notebook': { validate: validateNotebook, type: ['./notebook-schema.js', 'INotebook'] },
};

function validateNotebook(m: Manifest): void {
  new ObjectMeta(m.metadata).validate();
  if (typeof m.metadata?.name !== 'string') throw new Error('metadata.name is required');
  if (!m.spec?.template?.spec) throw new Error('spec.template.spec is required');
  new PodSpec(m.spec.template.spec).validate();
}

const kindOf = (m: Manifest) => `${m.apiVersion}/${m.kind}`;

/**
 * Problems of each manifest against the Kubernetes OpenAPI schema: kubernetes-models' validators (ajv;
 * required fields, types, enums) and, because those let unknown fields through, TypeScript's excess-property
 * check of the same schema's types, which names every field it does not know. [] when it is valid.
 */
export function schemaProblems(manifests: Manifest[]): string[][] {
  const problems = manifests.map((m): string[] => {
    const kind = KINDS[kindOf(m)];
    if (!kind) return [`unknown kind ${kindOf(m)}`];
    try {
      kind.validate(m);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  });
  typeProblems(manifests).forEach((list, i) => problems[i].push(...list));
  return problems;
}

function typeProblems(manifests: Manifest[]): string[][] {
  const file = path.join(import.meta.dirname, '__manifests__.ts');
  const known = manifests.map((m) => KINDS[kindOf(m)]);
  const imports = [...new Set(known.filter(Boolean).map((k) => `import type { ${k.type[1]} } from '${k.type[0]}';`))];
  const starts: number[] = [];
  let source = imports.join('\n') + '\n';
  manifests.forEach((m, i) => {
    starts.push(source.length);
    source += `export const m${i}: ${known[i] ? known[i].type[1] : 'unknown'} = ${JSON.stringify(m, null, 1)};\n`;
  });
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile;
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : read.call(host, name, lang, ...rest));
  host.fileExists = ((exists) => (name: string) => path.resolve(name) === file || exists(name))(host.fileExists);
  const program = ts.createProgram([file], options, host);
  const out = manifests.map((): string[] => []);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file && path.resolve(d.file.fileName) !== file) continue;
    const at = d.start ?? 0;
    // Errors before the first manifest (an import that does not resolve) count against all of them.
    const before = starts.filter((s) => s <= at).length;
    const owners = before ? [before - 1] : out.map((_, i) => i);
    for (const i of owners) out[i].push(ts.flattenDiagnosticMessageText(d.messageText, ' '));
  }
  return out;
}

/** The pod spec inside a manifest that runs pods, else undefined. */
export function podSpecOf(m: Manifest): Manifest | undefined {
  return m.kind === 'Pod' ? m.spec : m.spec?.template?.spec;
}

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'name'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];

/**
 * What keeps a pod spec from the Pod Security Standards "restricted" profile (baseline's rules included),
 * as the admission controller words them, plus this project's own rule: a read-only root with /tmp mounted.
 */
export function restrictedProblems(pod: Manifest): string[] {
  const problems: string[] = [];
  const sc = pod.securityContext ?? {};
  const containers: Manifest[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod[field]) problems.push(`host namespaces: ${field}=true`);
  for (const v of pod.volumes ?? []) {
    const bad = Object.keys(v).filter((k) => !ALLOWED_VOLUMES.includes(k));
    if (bad.length) problems.push(`restricted volume types: ${v.name} uses ${bad.join(', ')}`);
  }
  for (const s of sc.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) problems.push(`forbidden sysctl ${s.name}`);
  if (sc.runAsUser === 0) problems.push('runAsUser=0 on the pod');
  const seLinuxOk = (o?: Manifest) => !o || (!o.user && !o.role && [undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(o.type));
  if (!seLinuxOk(sc.seLinuxOptions)) problems.push('seLinuxOptions on the pod');
  const seccompOk = (p?: Manifest) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  if (sc.seccompProfile && !seccompOk(sc.seccompProfile)) problems.push(`seccompProfile type ${sc.seccompProfile.type} on the pod`);
  for (const c of containers) {
    const csc = c.securityContext ?? {};
    const name = `container "${c.name}"`;
    if (csc.privileged) problems.push(`${name}: privileged`);
    if (csc.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation != false`);
    if (!(csc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name}: capabilities.drop does not include ALL`);
    const added = (csc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) problems.push(`${name}: adds capabilities ${added.join(', ')}`);
    if (csc.procMount && csc.procMount !== 'Default') problems.push(`${name}: procMount ${csc.procMount}`);
    if (!seLinuxOk(csc.seLinuxOptions)) problems.push(`${name}: seLinuxOptions`);
    if ((c.ports ?? []).some((p: Manifest) => p.hostPort)) problems.push(`${name}: hostPort`);
    if (!(csc.runAsNonRoot ?? sc.runAsNonRoot)) problems.push(`${name}: runAsNonRoot != true (pod or container)`);
    if (csc.runAsUser === 0) problems.push(`${name}: runAsUser=0`);
    const seccomp = csc.seccompProfile ?? sc.seccompProfile;
    if (!seccompOk(seccomp)) problems.push(`${name}: seccompProfile must be RuntimeDefault or Localhost (pod or container)`);
    if (csc.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem != true`);
    if (!(c.volumeMounts ?? []).some((m: Manifest) => m.mountPath === '/tmp')) problems.push(`${name}: no writable /tmp mounted`);
  }
  return problems;
}
