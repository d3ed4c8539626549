import type { Home } from './collect.js';
import { PART_OF, claim, ideContainer, podSecurity, tmpVolume, type KvmOptions } from './pod.js';

/**
 * A Kubeflow Notebook (kubeflow.org/v1) serving the classroom image. Its controller makes the StatefulSet
 * and the Service (port 80 → 8888) and reports status only when the first container is named like the
 * Notebook; code-server wants the URL prefix stripped, which the http-rewrite-uri annotation asks Istio for.
 */
export function notebook(name: string, image: string, opts: KvmOptions & { storage: string }): Record<string, unknown>[] {
  const home = notebookHome(name).claim;
  return [claim(home, opts.storage, 'ReadWriteOnce'), {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Notebook',
    metadata: {
      name,
      labels: { app: name, ...PART_OF },
      // server-type group-one: Kubeflow's UI lists and opens it as a VS Code server, not a Jupyter one.
      annotations: { 'notebooks.kubeflow.org/http-rewrite-uri': '/', 'notebooks.kubeflow.org/server-type': 'group-one' },
    },
    spec: {
      template: {
        spec: {
          // (The learner's terminal needs no token of the namespace's default service account.)
          automountServiceAccountToken: false,
          securityContext: podSecurity(opts),
          containers: [ideContainer(name, image, opts, 'home')],
          volumes: [{ name: 'home', persistentVolumeClaim: { claimName: home } }, tmpVolume],
        },
      },
    },
  }];
}

/** A Notebook's home volume; its folder in the class volume takes the Notebook's name. */
export const notebookHome = (name: string): Home => ({ learner: name, claim: `${name}-home` });
