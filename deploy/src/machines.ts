import os from 'node:os'
import { SOURCES } from './sources.js'

/** A GPU as the planner sees it: usable memory and peak arithmetic rates (public figures). */
export interface GpuSpec {
  model: string
  /** Marketed memory, GB. */
  memGB: number
  /** What CUDA can allocate: nvidia-smi's memory.total. */
  memMiB: number
  fp32Tflops: number
  fp16Tflops: number
  int8Tops: number
  memBandwidthGBs: number
  source: string
}

/** A deploy target: what compose limits must fit into. */
export interface MachineSpec {
  name: string
  cpuModel: string
  vcpus: number
  memGiB: number
  gpu?: GpuSpec
  /** On-demand USD per hour, us-east-1, when known. */
  pricePerHourUsd?: number
  priceSource?: string
  priceUrl?: string
  notes?: string
}

/**
 * The T4's datasheet says 16 GB GDDR6; nvidia-smi reports memory.total 15360 MiB
 * on it (ECC on, as on EC2), and that is what the planner can allocate.
 */
export const T4: GpuSpec = { model: 'NVIDIA T4', memGB: 16, memMiB: 15_360, fp32Tflops: 8.1, fp16Tflops: 65, int8Tops: 130, memBandwidthGBs: 320, source: SOURCES.t4Datasheet }

const PRICE_SOURCE = 'on-demand us-east-1, Linux: check before buying'

export const MACHINES: Record<string, MachineSpec> = {
  'g4dn.xlarge': {
    name: 'g4dn.xlarge',
    cpuModel: 'Intel Xeon Platinum 8259CL (Cascade Lake, AVX-512 VNNI)',
    vcpus: 4,
    memGiB: 16,
    gpu: T4,
    pricePerHourUsd: 0.526,
    priceSource: PRICE_SOURCE,
    priceUrl: SOURCES.g4dnInstance,
    notes: '4 vCPUs are 2 physical cores with hyper-threading'
  },
  'g4dn.2xlarge': {
    name: 'g4dn.2xlarge',
    cpuModel: 'Intel Xeon Platinum 8259CL (Cascade Lake, AVX-512 VNNI)',
    vcpus: 8,
    memGiB: 32,
    gpu: T4,
    pricePerHourUsd: 0.752,
    priceSource: PRICE_SOURCE,
    priceUrl: SOURCES.g4dnInstance,
    notes: 'the same T4 as the xlarge with twice the vCPUs for JPEG decode'
  },
  'c6i.xlarge': {
    name: 'c6i.xlarge',
    cpuModel: 'Intel Xeon Platinum 8375C (Ice Lake, AVX-512 VNNI)',
    vcpus: 4,
    memGiB: 8,
    pricePerHourUsd: 0.17,
    priceSource: PRICE_SOURCE,
    priceUrl: SOURCES.c6iInstance,
    notes: 'CPU only: the int8 model with onnxruntime\'s CPU provider'
  }
}

/**
 * "This machine", read from the OS. A GPU is not detected (that needs the
 * NVIDIA driver); `preflight` asks the Docker engine for the NVIDIA runtime.
 */
export function localMachine (): MachineSpec {
  return {
    name: 'local',
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    vcpus: os.availableParallelism(),
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    notes: 'detected from the OS; no GPU detection'
  }
}

export const MACHINE_NAMES = [...Object.keys(MACHINES), 'local']

/** Looks a machine up by name; `local` is this machine. */
export function machineByName (name: string): MachineSpec | undefined {
  if (name === 'local') return localMachine()
  return MACHINES[name]
}
