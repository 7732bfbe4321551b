import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { Service } from 'kubernetes-models/v1/Service'
import type { JsonObject } from '../src/k8s/merge.js'

interface Validatable { validate: () => void }
type ModelClass = new (data: never) => Validatable

/** The Kubernetes schema model for each apiVersion/kind the manifests use. */
const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass
}

/** Validates one object against its Kubernetes schema (kubernetes-models); throws naming the object and the field. */
export function validateObject (obj: JsonObject): void {
  const id = `${String(obj.apiVersion)}/${String(obj.kind)}`
  const Model = MODELS[id]
  if (Model === undefined) throw new Error(`no schema for ${id} (${JSON.stringify(obj.metadata)})`)
  try {
    new Model(obj as never).validate()
  } catch (err) {
    throw new Error(`${id} ${String((obj.metadata as JsonObject).name)}: ${(err as Error).message}`)
  }
}
