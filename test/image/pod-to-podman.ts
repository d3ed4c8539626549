type Json = Record<string, any>;

/**
 * `podman run` flags that run a Kubernetes pod's container as the kubelet would, for the parts the
 * manifests use: user and groups, dropped capabilities, no privilege escalation, a read-only root,
 * emptyDir as tmpfs, PersistentVolumeClaims as host folders (`claims`: claim name → folder), env, the
 * memory limit, command and args with $(VAR) expanded. Seccomp RuntimeDefault is podman's default.
 */
export function podmanArgs(pod: Json, container: Json, claims: Record<string, string>, extraEnv: Record<string, string> = {}): string[] {
  const psc = pod.securityContext ?? {};
  const csc = container.securityContext ?? {};
  const args = ['--user', `${csc.runAsUser ?? psc.runAsUser}:${csc.runAsGroup ?? psc.runAsGroup}`];
  for (const g of psc.supplementalGroups ?? []) args.push('--group-add', String(g));
  if (csc.capabilities?.drop?.includes('ALL')) args.push('--cap-drop=all');
  if (csc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  if (csc.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  for (const m of container.volumeMounts ?? []) {
    const v = pod.volumes.find((vol: Json) => vol.name === m.name);
    if (v.emptyDir) args.push('--tmpfs', m.mountPath);
    else if (v.persistentVolumeClaim) {
      const dir = claims[v.persistentVolumeClaim.claimName];
      if (!dir) throw new Error(`no folder given for the claim ${v.persistentVolumeClaim.claimName}`);
      const ro = m.readOnly || v.persistentVolumeClaim.readOnly;
      args.push('-v', `${dir}:${m.mountPath}${ro ? ':ro' : ''}`);
    } else throw new Error(`volume ${m.name}: only emptyDir and persistentVolumeClaim are translated`);
  }
  // (An entry from a Secret is taken from extraEnv, as if the Secret held it, or left out, as an optional one is.)
  const values = (container.env ?? []).filter((e: Json) => e.value !== undefined).map((e: Json) => [e.name, e.value]);
  const env: Record<string, string> = { ...Object.fromEntries(values), ...extraEnv };
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  const memory = container.resources?.limits?.memory;
  if (memory) args.push('--memory', memory.replace(/Mi$/, 'm').replace(/Gi$/, 'g'));
  if (container.workingDir) args.push('--workdir', container.workingDir);
  const expand = (s: string) => s.replace(/\$\((\w+)\)/g, (_, name) => env[name] ?? `$(${name})`);
  if (container.command) args.push('--entrypoint', JSON.stringify(container.command.map(expand)));
  return [...args, container.image, ...(container.args ?? []).map(expand)];
}
