import { fileURLToPath } from 'node:url'
import { benchClassifierCost, DEFAULT_BENCH_DIR } from './bench-costs.js'
import { deriveCosts } from './costs.js'
import { pickGpuProfile, readGpuProfiles, sameGpu, type SourcedGpuProfile } from './gpu-profile.js'
import { MACHINE_NAMES, machineByName, type MachineSpec } from './machines.js'
import { MODELS } from './models.js'
import { CPU_MODEL, GPU_MODEL, plan, PlanError, type Plan } from './planner.js'
import { readProfiles } from './profiles.js'

/** Where `npm run gpu:check` writes its profiles, and `plan` looks for them. */
export const GPU_PROFILES_DIR = fileURLToPath(new URL('../gpu-profiles', import.meta.url))

/** Options every command that needs a plan accepts (node:util parseArgs format). */
export const PLAN_OPTIONS = {
  machine: { type: 'string', default: 'g4dn.xlarge' },
  model: { type: 'string' },
  provider: { type: 'string', default: 'auto' },
  profiles: { type: 'string' },
  bench: { type: 'string' },
  'profile-model': { type: 'string', default: 'mobilenetv2-12-int8' },
  'core-speed': { type: 'string', default: '1' },
  'images-per-sec': { type: 'string' },
  'prime-per-sec': { type: 'string' },
  'slo-ms': { type: 'string' },
  'gpu-profiles': { type: 'string' }
} as const

export interface PlanFlags {
  machine: string
  model?: string | undefined
  provider: string
  profiles?: string | undefined
  bench?: string | undefined
  'profile-model': string
  'core-speed': string
  'images-per-sec'?: string | undefined
  'prime-per-sec'?: string | undefined
  'slo-ms'?: string | undefined
  'gpu-profiles'?: string | undefined
}

/**
 * The gpu:check profile for this machine's GPU and the plan's model, if any.
 * Looked for in deploy/gpu-profiles; a location given with --gpu-profiles
 * must hold one, or the plan stops and says why none fits.
 */
export async function gpuProfileFor (machine: MachineSpec, flags: PlanFlags, notes: string[], defaultDir = GPU_PROFILES_DIR): Promise<SourcedGpuProfile | undefined> {
  const provider = flags.provider === 'auto' ? (machine.gpu === undefined ? 'cpu' : 'cuda') : flags.provider
  if (provider !== 'cuda' || machine.gpu === undefined) return undefined
  const model = flags.model ?? (provider === 'cuda' ? GPU_MODEL : CPU_MODEL)
  const location = flags['gpu-profiles'] ?? defaultDir
  const all = await readGpuProfiles(location)
  const picked = pickGpuProfile(all, machine.gpu.model, model)
  if (picked === undefined && flags['gpu-profiles'] !== undefined) {
    const why = all.map(({ file, profile: p }) => p.provider !== 'cuda'
      ? `${file} ran on ${p.provider}, not CUDA`
      : p.gpu === null || !sameGpu(p.gpu.name, machine.gpu!.model) ? `${file} is for ${p.gpu?.name ?? 'no GPU'}` : `${file} measured ${p.model.name}`)
    throw new PlanError(`no CUDA profile of ${model} on a ${machine.gpu.model} in ${location}${why.length > 0 ? `: ${why.join('; ')}` : ''}`)
  }
  notes.push(picked === undefined
    ? `GPU figures are public ${machine.gpu.model} figures, not measured: run npm run gpu:check on the GPU host to replace them`
    : `GPU figures measured by gpu:check: ${picked.file}`)
  return picked
}

function numberFlag (name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new PlanError(`--${name} must be a number >= ${min}, got "${value}"`)
  }
  return n
}

/** Builds the plan the flags describe, reading profiles when --profiles is given. */
export async function planFromFlags (flags: PlanFlags): Promise<Plan> {
  const machine = machineByName(flags.machine)
  if (machine === undefined) throw new PlanError(`unknown machine "${flags.machine}"; known: ${MACHINE_NAMES.join(', ')}`)
  if (!['auto', 'cuda', 'cpu'].includes(flags.provider)) throw new PlanError(`--provider must be auto, cuda or cpu, got "${flags.provider}"`)
  const measuredModel = MODELS[flags['profile-model']]
  if (measuredModel === undefined) throw new PlanError(`unknown --profile-model "${flags['profile-model']}"; known: ${Object.keys(MODELS).join(', ')}`)
  const coreSpeed = numberFlag('core-speed', flags['core-speed'], 0.01)!
  const profiles = flags.profiles === undefined ? [] : await readProfiles(flags.profiles)
  if (flags.profiles !== undefined && profiles.length === 0) throw new PlanError(`no *.json profiles in ${flags.profiles}`)
  const { costs, notes } = deriveCosts(profiles, { measuredModel, coreSpeed })
  // Without a measured classify profile, the classifier bench's preprocessing cost, when a result exists.
  const bench = costs.classifierCpuPerImage.measured ? undefined : await benchClassifierCost(flags.bench ?? DEFAULT_BENCH_DIR, coreSpeed)
  if (bench !== undefined) {
    costs.classifierCpuPerImage = bench
    notes.push(`classifier CPU per image from the classifier bench: ${bench.source}`)
  } else if (flags.bench !== undefined) throw new PlanError(`no classifier bench result with a decode section in ${flags.bench}`)
  if (profiles.length === 0) notes.push('no --profiles: per-request costs are defaults (sources below), not measurements of your traffic')
  const gpuProfile = await gpuProfileFor(machine, flags, notes)
  return plan({
    ...(gpuProfile === undefined ? {} : { gpuProfile }),
    machine,
    costs,
    costNotes: notes,
    model: flags.model,
    provider: flags.provider as 'auto' | 'cuda' | 'cpu',
    imagesPerSec: numberFlag('images-per-sec', flags['images-per-sec'], 0),
    primePerSec: numberFlag('prime-per-sec', flags['prime-per-sec'], 0),
    sloMs: numberFlag('slo-ms', flags['slo-ms'], 1)
  })
}
