import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../../src/paths.js'
import type { ServiceName } from '../../src/stack.js'

/**
 * The settings the fault suite runs the stack with, and the bounds that follow from them. Each
 * bound is a promise the services make, checked with a margin for a small shared machine (2
 * cores that the load generator shares): these are not performance targets.
 */
export const SETTINGS = {
  prime: {
    // One worker: the bounds below follow from one queue in front of one thread.
    PRIME_WORKERS: 1,
    PRIME_MAX_QUEUE: 32
  },
  classifier: {
    // As in its image (services/classifier/Dockerfile): glibc arenas fragment under sharp otherwise.
    MALLOC_ARENA_MAX: 2,
    WORKERS: 1,
    MAX_BATCH_SIZE: 8,
    MAX_QUEUE: 32,
    REQUEST_TIMEOUT_MS: 5000,
    MAX_IMAGE_BYTES: 20 * 1024 * 1024,
    MAX_INFER_BYTES: 32 * 1024 * 1024,
    MAX_INPUT_PIXELS: 40_000_000
  },
  frontend: {
    PRIME_TIMEOUT_MS: 3000,
    // Above the classifier's own bound, so a 504 here never hides what the classifier would answer.
    CLASSIFIER_TIMEOUT_MS: 15_000,
    PROBE_TIMEOUT_MS: 1000,
    BODY_TIMEOUT_MS: 3000,
    MAX_UPLOAD_BYTES: 20 * 1024 * 1024,
    MAX_INFER_BYTES: 32 * 1024 * 1024,
    MAX_PRIME_BODY_BYTES: 1024 * 1024
  }
} as const satisfies Record<ServiceName, Record<string, number>>

/** The settings as environment variables. */
export function settingsEnv (service: ServiceName): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(SETTINGS[service]).map(([k, v]) => [k, String(v)]))
}

/** Slack for a machine whose cores the load generator and other work share. */
export const MACHINE_MARGIN_MS = 2000

/**
 * The longest a classification answered 200 may take: its wait for a batch (REQUEST_TIMEOUT_MS,
 * after which the classifier refuses it) plus one decode and one inference, which the margin covers.
 */
export const CLASSIFY_BOUND_MS = SETTINGS.classifier.REQUEST_TIMEOUT_MS + MACHINE_MARGIN_MS

/**
 * The longest a prime check answered 200 may take when each check costs `checkMs`: the worker's
 * queue full ahead of it (PRIME_MAX_QUEUE) and its own run, on PRIME_WORKERS threads.
 */
export function primeBoundMs (checkMs: number): number {
  const { PRIME_MAX_QUEUE, PRIME_WORKERS } = SETTINGS.prime
  return (PRIME_MAX_QUEUE + PRIME_WORKERS) * checkMs / PRIME_WORKERS + MACHINE_MARGIN_MS
}

/** A client that stops sending its body is answered (or cut off) within this long. */
export const BODY_TIMEOUT_BOUND_MS = SETTINGS.frontend.BODY_TIMEOUT_MS + MACHINE_MARGIN_MS

/** Under overload the first refusal comes within this long: no work is done before admission. */
export const FIRST_REFUSAL_BOUND_MS = MACHINE_MARGIN_MS

/** After the overload ends, a normal request is answered 200 again within this long. */
export const RECOVERY_BOUND_MS = 2 * MACHINE_MARGIN_MS

/** A graceful close (SIGTERM) ends within the services' drain time (kit DEFAULT_CLOSE_GRACE_MS, 10 s) plus slack. */
export const CLOSE_BOUND_MS = 10_000 + MACHINE_MARGIN_MS

/**
 * Each service's memory limit in compose.yaml (FRONTEND_MEM, PRIME_MEM, CLASSIFIER_MEM defaults):
 * the RSS a service must stay under in every case here.
 */
export function memoryLimitMiB (service: ServiceName): number {
  const compose = readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8')
  const match = new RegExp(`\\$\\{${service.toUpperCase()}_MEM:-(\\d+)([mg])\\}`).exec(compose)
  if (match === null) throw new Error(`compose.yaml has no ${service.toUpperCase()}_MEM default`)
  return Number(match[1]) * (match[2] === 'g' ? 1024 : 1)
}

/**
 * Node options of each service: a V8 heap of half its container's memory limit, the other half
 * left to native memory (sharp, onnxruntime, sockets). Outside a container V8 sizes its heap from
 * the whole machine (here 4 GiB, with 64 MiB semi-spaces that alone triple a proxy's RSS under
 * load), so without this an RSS peak on this machine would say little about the container.
 */
export function nodeOptions (service: ServiceName): string[] {
  return [`--max-old-space-size=${Math.floor(memoryLimitMiB(service) / 2)}`]
}
