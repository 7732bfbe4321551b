/** Services the planner sizes, in compose order. */
export const SERVICES = ['frontend', 'prime', 'classifier'] as const
export type Service = typeof SERVICES[number]

export type PerService = Record<Service, number>

/**
 * Smallest CPU limits. A `cpus` limit is a CFS quota: a container that used its
 * share of a 100 ms period waits for the next one, so a small limit turns a
 * burst into latency. The frontend is on every request's path: half a vCPU.
 */
export const CPU_FLOOR: PerService = { frontend: 0.5, prime: 0.25, classifier: 1 }
/** The frontend is one Node event loop: more than one vCPU buys nothing. */
export const FRONTEND_MAX_CPUS = 1
/** Demand is planned with 25 % headroom so a service at target is not at 100 %. */
export const CPU_HEADROOM = 1.25
/** The share of a service's memory limit above its measured peak RSS. */
export const MEM_HEADROOM = 1.5
const CPU_STEP = 0.05

/** vCPUs left to the OS, dockerd and node-exporter-like extras: 10 %, at least half a vCPU. */
export function reservedCpus (vcpus: number): number {
  return Math.max(0.5, Math.round(vcpus * 0.1 / CPU_STEP) * CPU_STEP)
}

/** MiB left to the OS, page cache and dockerd: 10 %, at least 1 GiB. */
export function reservedMemMiB (memMiB: number): number {
  return Math.max(1024, Math.ceil(memMiB * 0.1))
}

const floorStep = (v: number): number => Math.floor(v / CPU_STEP + 1e-9) * CPU_STEP
const round2 = (v: number): number => Math.round(v * 100) / 100

export interface CpuShares extends PerService {
  /**
   * `none`: every need fits. `classifier`: frontend and prime got their needs,
   * the classifier the rest, less than it needs. `proportional`: every service
   * kept its floor and the rest was split in proportion to need.
   */
  cut: 'none' | 'classifier' | 'proportional'
}

/**
 * Splits `usable` vCPUs. Each service needs max(floor, demand × 1.25); the
 * frontend at most one vCPU. When the needs fit, the classifier (the CPU-heavy
 * one) also gets everything left: compose `cpus` are ceilings, so spare vCPUs
 * are best where JPEG decode runs. When they do not, the small needs (frontend,
 * prime) are met first so that their targets hold, and the classifier takes
 * the shortfall; only when even that leaves the classifier below its floor is
 * every service cut in proportion to its need above its floor.
 * Shares are rounded down to 0.05 vCPU so they never add up to more than `usable`.
 */
export function shareCpus (usable: number, demand: PerService): CpuShares {
  const need: PerService = {
    frontend: Math.min(FRONTEND_MAX_CPUS, Math.max(CPU_FLOOR.frontend, demand.frontend * CPU_HEADROOM)),
    prime: Math.max(CPU_FLOOR.prime, demand.prime * CPU_HEADROOM),
    classifier: Math.max(CPU_FLOOR.classifier, demand.classifier * CPU_HEADROOM)
  }
  const step = (v: number): number => round2(floorStep(v))
  const small = step(need.frontend) + step(need.prime)
  if (small + CPU_FLOOR.classifier <= usable) {
    const cut = small + need.classifier <= usable ? 'none' : 'classifier'
    return { frontend: step(need.frontend), prime: step(need.prime), classifier: step(usable - small), cut }
  }
  const floors = CPU_FLOOR.frontend + CPU_FLOOR.prime + CPU_FLOOR.classifier
  if (usable <= floors) {
    const f = usable / floors
    const scaled = (s: Service): number => step(CPU_FLOOR[s] * f)
    return { frontend: scaled('frontend'), prime: scaled('prime'), classifier: scaled('classifier'), cut: 'proportional' }
  }
  const above = need.frontend + need.prime + need.classifier - floors
  const part = (s: Service): number => step(CPU_FLOOR[s] + (usable - floors) * (need[s] - CPU_FLOOR[s]) / above)
  return { frontend: part('frontend'), prime: part('prime'), classifier: part('classifier'), cut: 'proportional' }
}

/** Replicas for a single-threaded service: one per vCPU of its share, at least one. */
export function replicasFor (cpus: number): { replicas: number, cpusEach: number } {
  const replicas = Math.max(1, Math.ceil(cpus - 1e-9))
  return { replicas, cpusEach: round2(floorStep(cpus / replicas)) }
}

/** A memory limit: peak RSS × 1.5 plus extra, at least 128 MiB, rounded up to 64 MiB. */
export function memLimitMiB (rssMiB: number, extraMiB = 0): number {
  return Math.max(128, Math.ceil((rssMiB * MEM_HEADROOM + extraMiB) / 64) * 64)
}

export { round2 }
