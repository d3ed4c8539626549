import fs from 'node:fs';
import type { Home } from './collect.js';
import { DeployError } from './error.js';
import { IDE_PORT, PART_OF, claim, ideContainer, podSecurity, tmpVolume, type KvmOptions } from './pod.js';


const PREFIX = 'rw-';
/** Object names are DNS labels (63 characters); the longest derived name is the claim, `rw-<learner>-home` (the Secret's, `-ide`, is shorter). */
const MAX_LEARNER = 63 - PREFIX.length - '-home'.length;

const SPELLED: Record<string, string> = { ß: 'ss', ł: 'l', ø: 'o', æ: 'ae', đ: 'd', þ: 'th', ı: 'i', œ: 'oe' };

/**
 * Learner names from a class list: one learner a line (a name, a login or an e-mail address: the part
 * before @ is used), blank lines and lines starting with # ignored. Each becomes a DNS label.
 */
export function parseClassList(text: string, file: string): string[] {
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    // Accents dropped (José Núñez is jose-nunez), and the letters that have none spelled out (Groß is gross):
    // object names take only a-z, 0-9 and -.
    const latin = line.split('@')[0].normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[ßłøæđþıœ]/g, (c) => SPELLED[c]!);
    const label = latin.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    const where = `${file}:${i + 1}`;
    if (!label) throw new DeployError(`${where}: "${line}" has no Latin letters or digits to name the learner's objects by: put the learner's login on that line instead`);
    if (label.length > MAX_LEARNER) throw new DeployError(`${where}: "${label}" is longer than ${MAX_LEARNER} characters; shorten it in the list`);
    const before = seen.get(label);
    if (before !== undefined) throw new DeployError(`${where}: "${line}" is the same learner name "${label}" as line ${before}; make one of them distinct`);
    seen.set(label, i + 1);
  });
  if (!seen.size) throw new DeployError(`${file} lists no learners: write one name a line`);
  return [...seen.keys()];
}

export function readClassList(file: string): string[] {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DeployError(`cannot read the class list ${file} (${(e as NodeJS.ErrnoException).code}): give a text file with one learner a line`);
  }
  return parseClassList(text, file);
}

/** A class learner's home volume (see {@link learnerObjects}). */
export const learnerHome = (learner: string): Home => ({ learner, claim: `${PREFIX}${learner}-home` });

/**
 * The Secret whose `password` the learner's IDE asks for, if the instructor made it (kubectl create secret):
 * optional, as code-server asks for none without it (an authenticating proxy in front is the other way).
 */
const learnerSecret = (learner: string) => `${PREFIX}${learner}-ide`;

/**
 * Plain Kubernetes for one learner, for clusters without Kubeflow: a home volume, a one-replica StatefulSet
 * running the IDE on it, and a Service (port 80 → the IDE) for the instructor's ingress or port-forward.
 */
export function learnerObjects(learner: string, image: string, opts: KvmOptions & { storage: string }): Record<string, unknown>[] {
  const name = PREFIX + learner;
  const labels = { app: name, 'rubber-workshop/learner': learner, ...PART_OF };
  const selector = { app: name };
  return [
    claim(learnerHome(learner).claim, opts.storage, 'ReadWriteOnce'),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurity(opts),
            automountServiceAccountToken: false,
            containers: [{
              ...ideContainer('ide', image, opts, 'home'),
              env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: learnerSecret(learner), key: 'password', optional: true } } }],
            }],
            volumes: [{ name: 'home', persistentVolumeClaim: { claimName: learnerHome(learner).claim } }, tmpVolume],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: IDE_PORT, protocol: 'TCP' }] },
    },
  ];
}

/** Every address but the private, link-local and shared (carrier-grade NAT) ones, where clusters and clouds live. */
const PUBLIC: [string, string[]][] = [
  ['0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']],
  ['::/0', ['fc00::/7', 'fe80::/10', '::1/128']],
];

/**
 * The learners' IDEs take connections only from the ingress controller's namespace: code-server has no password
 * here, and another learner's pod (or terminal) in the namespace would otherwise reach it, terminal and all.
 * (Kubernetes always lets a pod's own node in, which the probes need; `kubectl port-forward` connects inside the
 * pod, past the policy.) And a learner's terminal reaches out only to DNS, wherever the cluster's resolver is, and
 * to public addresses (npm, the editor's extensions): not to the cluster's own (pods, Services, the ingress
 * controller, by which another learner's IDE is one request away) nor to the cloud's metadata (169.254.169.254,
 * the node's credentials). Checks need no network: their VMs run in the pod.
 */
export function ideNetworkPolicy(ingressNamespace: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'rubber-workshop-ides', labels: PART_OF },
    spec: {
      podSelector: { matchExpressions: [{ key: 'rubber-workshop/learner', operator: 'Exists' }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ingressNamespace } } }],
        ports: [{ protocol: 'TCP', port: IDE_PORT }],
      }],
      egress: [
        { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: PUBLIC.map(([cidr, except]) => ({ ipBlock: { cidr, except } })) },
      ],
    },
  };
}
