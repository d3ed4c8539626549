import { describe, expect, it } from 'vitest';
import { containerKvmAdvice, inContainer, type ContainerSigns } from '../../src/container.js';

const signs = (files: Record<string, string>, env: NodeJS.ProcessEnv = {}): ContainerSigns => ({
  exists: (f) => f in files,
  read: (f) => files[f] ?? '',
  env,
});

describe('inContainer', () => {
  it.each([
    ['Podman', signs({ '/run/.containerenv': '' })],
    ['Docker', signs({ '/.dockerenv': '' })],
    ['a cgroup v1 pod', signs({ '/proc/1/cgroup': '12:memory:/kubepods/burstable/pod1234/abcd\n' })],
    ['a Kubernetes pod on cgroup v2', signs({ '/proc/1/cgroup': '0::/\n' }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' })],
  ])('knows %s', (_what, s) => expect(inContainer(s)).toBe(true));

  it('a machine under systemd is not a container', () => {
    expect(inContainer(signs({ '/proc/1/cgroup': '0::/init.scope\n' }))).toBe(false);
  });
});

describe('containerKvmAdvice', () => {
  it('names the device plugin resource and the runtime flag, never usermod', () => {
    const text = containerKvmAdvice('device');
    expect(text).toContain('--device /dev/kvm');
    expect(text).toContain('devices.kubevirt.io/kvm');
    expect(text).not.toContain('usermod');
  });
  it('names the device group for supplementalGroups', () => {
    expect(containerKvmAdvice({ group: 36 })).toMatch(/--group-add 36.*supplementalGroups.*--kvm-group 36/);
  });
});
