import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

/**
 * The part of Kubeflow's Notebook custom resource (kubeflow.org/v1) the manifests use: the CRD's spec is a
 * pod template, checked here against the real PodSpec. No npm package carries the CRD's own schema.
 */
export interface INotebook {
  apiVersion: 'kubeflow.org/v1';
  kind: 'Notebook';
  metadata: ObjectMeta & { name: string };
  spec: { template: { spec: IPodSpec } };
}
