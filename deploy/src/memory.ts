import { memLimitMiB, reservedMemMiB, round2 } from './allocate.js'
import { NODE_BASE_RSS_MIB, type Costs } from './costs.js'
import { CUDA_HOST_RSS_MIB } from './gpu-memory.js'
import type { MachineSpec } from './machines.js'
import type { ModelPerf } from './models.js'
import type { Plan, Provider } from './plan-types.js'

/** Decoded-image buffer per concurrent sharp job at the classifier's MAX_INPUT_PIXELS (40 M) x 3 bytes RGB. */
export const DECODE_BUFFER_MIB = 115

export interface MemoryInput {
  machine: MachineSpec
  costs: Costs
  model: ModelPerf
  provider: Provider
  cpus: { frontend: number, prime: number, classifier: number }
  primeReplicas: number
  /** Concurrent sharp decodes in the classifier (libuv threads). */
  decodeThreads: number
}

/**
 * Memory limits: expected peak RSS × 1.5, rounded up to 64 MiB, at least 128 MiB.
 * The classifier's RSS is its base (Node, fastify, sharp; measured or default)
 * plus the model: on CPU the model's working set, on CUDA the CUDA libraries
 * and a host copy of the weights. It also gets one decode buffer per libuv thread.
 * The sum must fit in the machine's memory less 10 % (at least 1 GiB) for the OS.
 */
export function sizeMemory (input: MemoryInput): { services: Plan['services'], reservedMiB: number, warnings: string[] } {
  const { costs, model, cpus } = input
  const classifierRss = costs.classifierBaseRssMiB.value + (input.provider === 'cuda'
    ? CUDA_HOST_RSS_MIB + Math.ceil(model.weightBytes / 2 ** 20)
    : model.cpuRssMiB - NODE_BASE_RSS_MIB)
  const limit = (cpu: number, rss: number, extra = 0, replicas = 1): Plan['services']['frontend'] => {
    const mem = memLimitMiB(rss, extra)
    return { cpus: round2(cpu), memMiB: mem, memLimit: `${mem}m`, rssMiB: Math.round(rss), replicas }
  }
  const services: Plan['services'] = {
    frontend: limit(cpus.frontend, costs.frontendRssMiB.value),
    prime: limit(cpus.prime, costs.primeRssMiB.value, 0, input.primeReplicas),
    classifier: limit(cpus.classifier, classifierRss, input.decodeThreads * DECODE_BUFFER_MIB)
  }
  const memMiB = input.machine.memGiB * 1024
  const reservedMiB = reservedMemMiB(memMiB)
  const total = Object.values(services).reduce((sum, s) => sum + s.memMiB * s.replicas, 0)
  const warnings = total > memMiB - reservedMiB
    ? [`memory limits add up to ${total} MiB, more than the ${memMiB - reservedMiB} MiB left after ${reservedMiB} MiB for the OS`]
    : []
  return { services, reservedMiB, warnings }
}
