import { SERVICES } from './allocate.js'
import type { Plan } from './plan-types.js'
import { CLASSIFIER_SETTINGS } from './settings.js'

/** Lays rows out in columns; `align` has one letter per column, l or r (default: first l, rest r). */
export function table (rows: string[][], align = 'l'): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const right = (i: number): boolean => (align[i] ?? 'r') === 'r'
  return rows.map((r) => r.map((cell, i) => (right(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')
}

/** The env file compose reads with `--env-file`: limits per service and the classifier's settings. */
export function envFile (plan: Plan): string {
  const { services, classifier } = plan
  const lines = [
    `# Capacity plan for ${plan.machine.name} from \`npm run plan\` (deploy/src/cli.ts); use with docker compose --env-file.`,
    `# Target ${plan.target.imagesPerSec ?? 'max'} img/s, ${plan.target.primePerSec} prime checks/s, p99 SLO ${plan.target.sloMs} ms.`,
    `# Capacity: classify ~${plan.capacity.classifyImagesPerSec} img/s (${plan.capacity.classify.kind}), prime ~${plan.capacity.primeChecksPerSec} checks/s.`
  ]
  for (const name of SERVICES) {
    const key = name.toUpperCase()
    lines.push(`${key}_CPUS=${services[name].cpus}`, `${key}_MEM=${services[name].memLimit}`)
  }
  lines.push(`PRIME_REPLICAS=${services.prime.replicas}`)
  for (const key of CLASSIFIER_SETTINGS) lines.push(`${key}=${classifier[key]}`)
  return lines.join('\n') + '\n'
}

/** The plan as a readable report. */
export function formatPlan (plan: Plan): string {
  const { machine, services, classifier, capacity, target } = plan
  const gpu = machine.gpu === undefined ? 'no GPU' : `${machine.gpu.model} (${machine.gpu.memMiB} MiB usable)`
  const out: string[] = []
  out.push(`Plan for ${machine.name}: ${machine.vcpus} vCPU ${machine.cpuModel}, ${machine.memGiB} GiB, ${gpu}`)
  out.push(`Model ${plan.model} (${plan.precision}) on ${plan.provider}; target ${target.imagesPerSec === null ? 'as many' : target.imagesPerSec} img/s, ${target.primePerSec} prime checks/s, p99 SLO ${target.sloMs} ms${target.sloDefaulted ? ' (default)' : ''}`)
  out.push('', table([
    ['service', 'replicas', 'cpus', 'mem_limit', 'peak RSS'],
    ...SERVICES.map((s) => [s, String(services[s].replicas), services[s].cpus.toFixed(2), services[s].memLimit, `${services[s].rssMiB} MiB`]),
    ['(reserved for OS)', '', plan.reserved.cpus.toFixed(2), `${plan.reserved.memMiB}m`, '']
  ]))
  out.push('', 'Classifier settings', table([
    ['WORKERS', String(classifier.WORKERS), 'one process per GPU: a T4 time-slices, each CUDA process costs its own context'],
    ['INTRA_OP_THREADS', String(classifier.INTRA_OP_THREADS), plan.provider === 'cuda' ? 'the GPU does the math; vCPUs go to decode' : 'classifier vCPUs x inference share of CPU time'],
    ['MAX_BATCH_SIZE', String(classifier.MAX_BATCH_SIZE), `one batch runs ~${classifier.batchRunMs} ms`],
    ['MAX_QUEUE_DELAY_MS', String(classifier.MAX_QUEUE_DELAY_MS), 'at most half a batch run'],
    ['MAX_QUEUE', String(classifier.MAX_QUEUE), `capacity x (SLO ${target.sloMs} - service ${classifier.serviceMs} ms)`],
    ['Retry-After', `${classifier.RETRY_AFTER_S} s`, 'for 503 on a full queue: the time to drain it'],
    ['UV_THREADPOOL_SIZE', String(classifier.UV_THREADPOOL_SIZE), 'parallel sharp decodes']
  ], 'lrl'))
  const g = plan.gpu
  const gpuLabel = (what: string): string => `${what}${g?.measured === true ? ' (measured)' : ' (public figures)'}`
  out.push('', 'Capacity', table([
    ['stage', 'ceiling'],
    ['classifier CPU (decode' + (plan.provider === 'cpu' ? ' + inference)' : ')'), `${capacity.limits.classifierCpu} img/s`],
    ...(g === null || capacity.limits.gpu === null
      ? []
      : [
          [gpuLabel(`GPU ${plan.precision}, planned batch ${classifier.MAX_BATCH_SIZE}`), `${capacity.limits.gpu} img/s`],
          [gpuLabel(`GPU ${plan.precision} ceiling, batch ${g.ceiling.batch}`), `${g.ceiling.imagesPerSec} img/s`],
          [`GPU FP16 ceiling, batch ${g.fp16Ceiling.batch} (estimate: no FP16 model ships)`, `${g.fp16Ceiling.imagesPerSec} img/s`]
        ]),
    ['frontend proxy', `${capacity.limits.frontend} img/s`],
    ['prime', `${capacity.primeChecksPerSec} checks/s`]
  ]))
  out.push(`Bottleneck: ${capacity.classify.sentence}.`, `Prime: ${capacity.prime.sentence}.`)
  if (g !== null) out.push(`FP16: ${g.fp16Sentence}.`)
  if (plan.gpuMemory !== null) {
    const m = plan.gpuMemory
    out.push('', m.measuredMiB !== null
      ? `GPU memory: ${m.totalMiB} MiB of ${m.availableMiB}, measured by gpu:check at batch ${classifier.MAX_BATCH_SIZE}`
      : `GPU memory: ~${m.totalMiB} MiB of ${m.availableMiB} (estimate: context ${m.contextMiB} + weights ${m.weightsMiB} + workspace ${m.workspaceMiB} + activations ${m.activationsMiB} at batch ${classifier.MAX_BATCH_SIZE})`)
  }
  if (plan.cost !== null) {
    const at = plan.cost.usdPerMillionImagesAtTarget === null ? '' : `; $${plan.cost.usdPerMillionImagesAtTarget.toFixed(2)} at the target rate`
    out.push('', `Cost: $${plan.cost.pricePerHourUsd}/h (${plan.cost.source}) = $${plan.cost.usdPerMillionImages.toFixed(2)} per million images at capacity${at}`)
  }
  out.push('', 'Inputs: measured on your machines, or defaults with their sources (CPU per request on a target vCPU)', table([
    ['figure', 'value', 'origin', 'source'],
    ...plan.sources.map((f) => [f.figure, f.value, f.origin, f.url === undefined ? f.source : `${f.source} ${f.url}`])
  ], 'llll'))
  for (const w of plan.warnings) out.push(`WARNING: ${w}`)
  for (const n of plan.notes) out.push(`note: ${n}`)
  return out.join('\n') + '\n'
}
