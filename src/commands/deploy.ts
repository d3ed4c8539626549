import { stringify } from 'yaml';
import { parseCommand, wholeNumber, type Command, type CommandSpec } from '../cli/args.js';
import { DeployError } from '../deploy/error.js';
import { ideNetworkPolicy, learnerHome, learnerObjects, readClassList } from '../deploy/class.js';
import { collectJobs } from '../deploy/collect.js';
import { notebook, notebookHome } from '../deploy/notebook.js';
import { gradeJob, gradesPod, mergeJob } from '../deploy/grade-job.js';
import { KVM_RESOURCE } from '../deploy/pod.js';

export const DEPLOY = {
  name: 'deploy',
  synopsis: 'rubber-workshop deploy WHAT … --image IMAGE [options] > manifests.yaml',
  about: `Prints Kubernetes manifests for the classroom image (kubectl apply -f them). Every pod runs as uid 1000
under the Pod Security Standards "restricted" profile, with a read-only root file system.

  deploy class LIST      per learner in LIST (a text file, one learner a line): a home volume, a
                         StatefulSet running the IDE, and a Service (port 80 → the IDE on 8888); and a
                         NetworkPolicy letting only --ingress-namespace reach the IDEs
  deploy notebook NAME…  a Kubeflow Notebook (kubeflow.org/v1) and its home volume per NAME
  deploy collect LIST    the class volume, and a Job per learner copying rd-workspace from their home
                         volume into it (stop the IDEs first: a home volume is ReadWriteOnce);
                         with --notebooks, collect NAME… copies the homes of those Notebooks
  deploy grade           an Indexed Job grading the class volume in --shards shards, and the grades volume
  deploy grade-merge     the Job merging the shards into one class.csv (apply when the grade Job is done)
  deploy grades-pod      a pod holding the grades volume for an hour, to kubectl cp class.csv from

Options:
  --image IMAGE          the classroom image as the cluster pulls it (required)
  --storage SIZE         each learner's home volume (default 2Gi)
  --ingress-namespace NS class: the namespace of your ingress controller, the only one to reach the IDEs
                         (default ingress-nginx)
  --kvm                  request /dev/kvm through the device plugin resource ${KVM_RESOURCE}
  --kvm-group GID        with --kvm: the group owning /dev/kvm on the nodes, added to the pods' groups
  --shards N             grade: how many shards (default 4)
  --parallelism N        grade: shards running at once (default: all)
  --jobs N               grade: workspaces each shard grades at once (default 1; its pod asks 1 CPU each)
  --class-claim NAME     collect, grade: the ReadWriteMany volume holding the class, a folder per
                         learner (default rubber-workshop-class)
  --class-storage SIZE   collect: its size (default 5Gi)
  --notebooks            collect: the names are Notebooks' (deploy notebook), not a class list
  --grades-claim NAME    grade: the ReadWriteMany volume for the results (default rubber-workshop-grades)
  --grades-storage SIZE  grade: its size (default 1Gi)
  -h, --help             show this help
`,
  options: {
    image: { type: 'string' },
    storage: { type: 'string', default: '2Gi' },
    'ingress-namespace': { type: 'string', default: 'ingress-nginx' },
    kvm: { type: 'boolean', default: false },
    'kvm-group': { type: 'string' },
    shards: { type: 'string', default: '4' },
    parallelism: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    'class-claim': { type: 'string', default: 'rubber-workshop-class' },
    'class-storage': { type: 'string', default: '5Gi' },
    notebooks: { type: 'boolean', default: false },
    'grades-claim': { type: 'string', default: 'rubber-workshop-grades' },
    'grades-storage': { type: 'string', default: '1Gi' },
  },
  maxPositionals: Infinity,
} satisfies CommandSpec;

const WHATS = ['class', 'notebook', 'collect', 'grade', 'grade-merge', 'grades-pod'];

/** `rubber-workshop deploy WHAT …`: prints manifests as YAML, headed by the command that made them. */
export async function deploy(argv: string[]): Promise<number> {
  const manifests = deployManifests(argv);
  if (manifests) process.stdout.write(manifests);
  return 0;
}

/** The YAML `deploy ARGV…` prints; undefined for --help (printed to `helpOut`). */
export function deployManifests(argv: string[], helpOut: NodeJS.WritableStream = process.stdout): string | undefined {
  const parsed = parseCommand(DEPLOY, argv, helpOut);
  if (!parsed) return undefined;
  const { values: v, positionals: [what, ...rest] } = parsed;
  if (!what || !WHATS.includes(what)) throw new DeployError(`deploy: say what to make: ${WHATS.join(', ')} (see rubber-workshop deploy --help)`);
  if (!v.image) throw new DeployError('deploy: --image is required: the classroom image as your cluster pulls it, e.g. registry.example.com/rubber-workshop-ide:0.1.0');
  if (v['kvm-group'] !== undefined && !v.kvm) throw new DeployError('deploy: --kvm-group only makes sense with --kvm');
  const kvm = { kvm: v.kvm, kvmGroup: v['kvm-group'] === undefined ? undefined : wholeNumber('--kvm-group', v['kvm-group'], 0) };
  const quantity = (flag: string, value: string) => {
    if (!/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/.test(value)) throw new DeployError(`deploy: ${flag} takes a size like 2Gi or 500Mi, not "${value}"`);
    return value;
  };
  const storage = quantity('--storage', v.storage);
  const shards = wholeNumber('--shards', v.shards, 1);
  const grading = {
    ...kvm,
    image: v.image,
    shards,
    parallelism: v.parallelism === undefined ? shards : wholeNumber('--parallelism', v.parallelism, 1),
    jobs: wholeNumber('--jobs', v.jobs, 1),
    classClaim: v['class-claim'],
    gradesClaim: v['grades-claim'],
    gradesStorage: quantity('--grades-storage', v['grades-storage']),
  };

  if (v.notebooks && what !== 'collect') throw new DeployError('deploy: --notebooks only makes sense with collect');
  const notebooks = what === 'notebook' || (what === 'collect' && v.notebooks);
  const listed = what === 'class' || (what === 'collect' && !v.notebooks);
  if (listed && !rest.length) throw new DeployError(`deploy ${what} needs the class list: rubber-workshop deploy ${what} learners.txt --image IMAGE`);
  if (notebooks && !rest.length) throw new DeployError(`deploy ${what}${v.notebooks ? ' --notebooks' : ''} needs at least one name: rubber-workshop deploy ${what} alice --image IMAGE${v.notebooks ? ' --notebooks' : ''}`);
  if (!listed && !notebooks && rest.length) throw new DeployError(`deploy ${what} takes no names (got "${rest[0]}")${what === 'grades-pod' ? '' : '; it grades the folders on --class-claim'}`);
  if (listed && rest.length > 1) throw new DeployError(`deploy ${what} takes one class list file; put every learner in it${what === 'collect' ? ' (or give Notebook names with --notebooks)' : ''}`);
  const names = notebooks ? rest.map((name) => dnsName(name, what)) : [];
  const twice = names.find((name, i, all) => all.indexOf(name) !== i);
  if (twice) throw new DeployError(`deploy ${what} was given ${twice} twice: each Notebook needs a name of its own`);
  const learners = listed ? readClassList(rest[0]) : [];
  const collecting = { image: v.image, classClaim: v['class-claim'], classStorage: quantity('--class-storage', v['class-storage']) };

  const objects = what === 'class' ? [...learners.flatMap((learner) => learnerObjects(learner, v.image!, { ...kvm, storage })), ideNetworkPolicy(v['ingress-namespace'])]
    : what === 'notebook' ? names.flatMap((name) => notebook(name, v.image!, { ...kvm, storage }))
    : what === 'collect' ? collectJobs(listed ? learners.map(learnerHome) : names.map(notebookHome), collecting)
    : what === 'grade' ? gradeJob(grading)
    : what === 'grade-merge' ? mergeJob(grading)
    : gradesPod(grading);
  // Headed by the command that printed it, so a file says how to make it again.
  return `# Generated by: ${['rubber-workshop', 'deploy', ...argv].join(' ')}\n`
    + objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

function dnsName(name: string, what: string): string {
  // A letter first: the controller names the notebook's Service after it, and a Service name is a DNS-1035 label.
  if (!/^[a-z]([a-z0-9-]{0,50}[a-z0-9])?$/.test(name)) throw new DeployError(`deploy ${what}: "${name}" is not a valid Notebook name: lowercase letters, digits and -, a letter first, at most 52 characters`);
  return name;
}

export const command: Command = { spec: DEPLOY, main: deploy };
