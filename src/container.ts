import fs from 'node:fs';

/** What a container check looks at; tests give their own. */
export interface ContainerSigns {
  exists: (file: string) => boolean;
  read: (file: string) => string;
  env: NodeJS.ProcessEnv;
}

const realSigns: ContainerSigns = {
  exists: (f) => fs.existsSync(f),
  read: (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  },
  env: process.env,
};

/**
 * Whether this process runs in a container (Podman, Docker, a Kubernetes pod), where the fixes for
 * /dev/kvm are the runtime's or the cluster's (a device, a group), not usermod on this "machine".
 */
export function inContainer(signs: ContainerSigns = realSigns): boolean {
  return signs.exists('/run/.containerenv') || signs.exists('/.dockerenv') || Boolean(signs.env.KUBERNETES_SERVICE_HOST)
    || /docker|kubepods|containerd|libpod|crio/.test(signs.read('/proc/1/cgroup'));
}

/** How to give this container /dev/kvm, when it has none; `group` when it has the device but not its group. */
export function containerKvmAdvice(missing: 'device' | { group: number }): string {
  return missing === 'device'
    ? 'give the container /dev/kvm: podman or docker run --device /dev/kvm …; in Kubernetes, request the device plugin resource devices.kubevirt.io/kvm: "1" (rubber-workshop deploy … --kvm)'
    : `add the container to /dev/kvm's group ${missing.group}: podman run --group-add keep-groups (or --group-add ${missing.group}); in Kubernetes, add ${missing.group} to the pod's securityContext.supplementalGroups (rubber-workshop deploy … --kvm --kvm-group ${missing.group})`;
}
