import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { kustomize } from '../src/k8s/kustomize.js'
import type { JsonObject } from '../src/k8s/merge.js'
import { cpuQuantity, planPatchYaml, queueTarget } from '../src/k8s/plan-patch.js'
import { MACHINES } from '../src/machines.js'
import { plan, type Plan } from '../src/planner.js'
import { validateObject } from './k8s-models.js'

const K8S = fileURLToPath(new URL('../k8s', import.meta.url))
const BASE = `${K8S}/base`
const GPU = `${K8S}/overlays/gpu`
const TARGETS = [{ dir: BASE, machine: 'c6i.xlarge' }, { dir: GPU, machine: 'g4dn.xlarge' }] as const

type Obj = JsonObject & { kind: string, metadata: { name: string, namespace?: string }, spec: any }
const find = (objs: JsonObject[], kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && (x.metadata as JsonObject).name === name)
  if (o === undefined) throw new Error(`no ${kind}/${name}`)
  return o as Obj
}
const container = (d: Obj, name: string): any => d.spec.template.spec.containers.find((c: { name: string }) => c.name === name)
const env = (c: { env: Array<{ name: string, value: string }> }): Record<string, string> => Object.fromEntries(c.env.map((e) => [e.name, e.value]))

function kubectl (args: string[]): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(undefined)
      else if (err !== null) reject(new Error(stderr || err.message))
      else resolve(stdout)
    })
  })
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it.each(TARGETS)('renders $dir into objects that all pass the Kubernetes schemas', async ({ dir }) => {
    const objs = await kustomize(dir)
    expect(objs.map((o) => `${String(o.kind)}/${String((o.metadata as JsonObject).name)}`).sort()).toEqual([
      'Deployment/classifier', 'Deployment/frontend', 'Deployment/prime', 'HorizontalPodAutoscaler/classifier', 'Ingress/frontend',
      'NetworkPolicy/backends-from-frontend-only', 'PodDisruptionBudget/classifier', 'PodDisruptionBudget/frontend', 'PodDisruptionBudget/prime',
      'Service/classifier', 'Service/frontend', 'Service/prime'
    ])
    for (const o of objs) {
      validateObject(o)
      expect((o.metadata as JsonObject).namespace).toBe('inference-stack')
    }
  })

  it.each(TARGETS)('puts the planner\'s numbers for $machine into the rendered Deployments and autoscaler', async ({ dir, machine }) => {
    const p: Plan = plan({ machine: MACHINES[machine]! })
    const objs = await kustomize(dir)
    for (const name of ['frontend', 'prime', 'classifier'] as const) {
      const d = find(objs, 'Deployment', name)
      const amount = { cpu: cpuQuantity(p.services[name].cpus), memory: `${p.services[name].memMiB}Mi` }
      expect(container(d, name).resources.requests).toEqual(amount)
      expect(container(d, name).resources.limits).toMatchObject(amount)
      if (name !== 'classifier') expect(d.spec.replicas).toBe(p.services[name].replicas)
    }
    const classifier = find(objs, 'Deployment', 'classifier')
    expect(classifier.spec.replicas).toBeUndefined()
    const c = p.classifier
    expect(env(container(classifier, 'classifier'))).toMatchObject({
      MODEL: c.MODEL,
      EXECUTION_PROVIDER: c.EXECUTION_PROVIDER,
      MAX_BATCH_SIZE: String(c.MAX_BATCH_SIZE),
      MAX_QUEUE: String(c.MAX_QUEUE),
      MAX_QUEUE_DELAY_MS: String(c.MAX_QUEUE_DELAY_MS),
      INTRA_OP_THREADS: String(c.INTRA_OP_THREADS),
      RETRY_AFTER_S: String(c.RETRY_AFTER_S),
      MODELS_DIR: '/models'
    })
    expect(env(classifier.spec.template.spec.initContainers[0])).toEqual({ MODEL: c.MODEL })
    expect(find(objs, 'HorizontalPodAutoscaler', 'classifier').spec.metrics[0].pods.target.averageValue).toBe(String(queueTarget(p)))
  })

  it.each(TARGETS)('keeps $dir/plan.yaml what npm run plan -- --format k8s prints now', async ({ dir, machine }) => {
    const committed = await readFile(`${dir}/plan.yaml`, 'utf8')
    expect(committed).toBe(planPatchYaml(plan({ machine: MACHINES[machine]! }), `npm run plan -- --machine ${machine} --format k8s`))
  })

  it('gives the classifier one NVIDIA GPU and the CUDA image only in the GPU overlay', async () => {
    const gpu = find(await kustomize(GPU), 'Deployment', 'classifier')
    const cpu = find(await kustomize(BASE), 'Deployment', 'classifier')
    expect(container(gpu, 'classifier').resources.limits['nvidia.com/gpu']).toBe(1)
    expect(container(gpu, 'classifier').image).toBe('inference-stack/classifier:latest-gpu')
    expect(gpu.spec.template.spec.initContainers[0].image).toBe('inference-stack/classifier:latest-gpu')
    expect(gpu.spec.template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])
    expect(container(cpu, 'classifier').resources.limits['nvidia.com/gpu']).toBeUndefined()
    expect(container(cpu, 'classifier').image).toBe('inference-stack/classifier:latest')
  })

  it('probes readiness on /readyz and liveness on /healthz, and fills the model volume with the SHA-256 checking fetch', async () => {
    const objs = await kustomize(GPU)
    for (const name of ['prime', 'classifier']) {
      const c = container(find(objs, 'Deployment', name), name)
      expect(c.readinessProbe.httpGet.path).toBe('/readyz')
      expect(c.livenessProbe.httpGet.path).toBe('/healthz')
    }
    expect(container(find(objs, 'Deployment', 'frontend'), 'frontend').livenessProbe.httpGet.path).toBe('/healthz')
    const spec = find(objs, 'Deployment', 'classifier').spec.template.spec
    expect(spec.initContainers[0].command).toEqual(['node', 'models/dist/cli.js', 'fetch', '--dir', '/models'])
    expect(container(find(objs, 'Deployment', 'classifier'), 'classifier').volumeMounts).toContainEqual({ name: 'models', mountPath: '/models', readOnly: true })
  })

  it('exposes only the frontend: ClusterIP backends, one Ingress with TLS, and a NetworkPolicy admitting the frontend alone', async () => {
    const objs = await kustomize(GPU)
    for (const name of ['prime', 'classifier', 'frontend']) expect(find(objs, 'Service', name).spec.type).toBe('ClusterIP')
    const ingress = find(objs, 'Ingress', 'frontend')
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('frontend')
    expect(ingress.spec.tls[0].secretName).toBe('inference-stack-tls')
    const policy = find(objs, 'NetworkPolicy', 'backends-from-frontend-only')
    const backendLabels = policy.spec.podSelector.matchLabels
    for (const name of ['prime', 'classifier']) expect(find(objs, 'Deployment', name).spec.template.metadata.labels).toMatchObject(backendLabels)
    expect(find(objs, 'Deployment', 'frontend').spec.template.metadata.labels).not.toMatchObject(backendLabels)
    expect(policy.spec.policyTypes).toEqual(['Ingress'])
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }])
    // The autoscaler's scraper is the only other way in, and only by an explicit label.
    expect(policy.spec.ingress[1].from).toEqual([{ namespaceSelector: {}, podSelector: { matchLabels: { 'inference-stack/metrics-scraper': 'true' } } }])
  })

  it('scales the classifier on the metric it exports, served by the documented prometheus-adapter rule', async () => {
    const hpa = find(await kustomize(GPU), 'HorizontalPodAutoscaler', 'classifier')
    const metric = hpa.spec.metrics[0].pods.metric.name
    const exported = await readFile(new URL('../../services/classifier/src/lib/metrics.ts', import.meta.url), 'utf8')
    expect(exported).toContain(`name: '${metric}'`)
    const adapter = parse(await readFile(`${K8S}/prometheus-adapter-rules.yaml`, 'utf8')) as { rules: { custom: Array<{ seriesQuery: string, name: { as: string } }> } }
    expect(adapter.rules.custom.map((r) => r.name.as)).toEqual([metric])
    expect(adapter.rules.custom[0]!.seriesQuery).toContain(metric)
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'classifier' })
  })

  it('renders exactly what kubectl kustomize renders, where kubectl is installed', async (ctx) => {
    for (const { dir } of TARGETS) {
      const out = await kubectl(['kustomize', dir])
      if (out === undefined) { ctx.skip(); return }
      const theirs = parseAllDocuments(out).map((d) => d.toJS() as JsonObject)
      const key = (o: JsonObject): string => `${String(o.kind)}/${String((o.metadata as JsonObject).name)}`
      const mine = await kustomize(dir)
      expect(Object.fromEntries(mine.map((o) => [key(o), o]))).toEqual(Object.fromEntries(theirs.map((o) => [key(o), o])))
    }
  })
})
