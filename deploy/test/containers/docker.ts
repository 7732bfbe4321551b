import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { TEST_MODEL } from '@inference-stack/test-assets'
import Docker from 'dockerode'

const execFileAsync = promisify(execFile)

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** The model the container tests serve: small and real. */
export { TEST_MODEL }
/** Images built by the tests get their own tag, so a user's `latest` stays untouched. */
export const TEST_IMAGE_TAG = 'containers-test'

export const docker = new Docker()

/** Runs a command in the repository root and returns its stdout; a failure throws with its stderr. */
export async function run (file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 })
    return stdout
  } catch (err) {
    const { stderr, stdout, message } = err as Error & { stderr?: string, stdout?: string }
    throw new Error(`${file} ${args.join(' ')} failed:\n${(stderr || stdout || message).slice(-6000)}`)
  }
}

/** Fails early, saying what to run, when no Docker engine answers. */
export async function requireDocker (): Promise<void> {
  try {
    await docker.ping()
  } catch (err) {
    throw new Error(`no Docker engine answers on /var/run/docker.sock (${(err as Error).message}); ` +
      'start the Docker daemon (or set DOCKER_HOST) and run the container tests again')
  }
}

/** Polls `probe` until it returns a value other than undefined; throws naming `what` after `timeoutMs`. */
export async function waitFor<T> (what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

/** What is left of a compose project or a stack, found by its label. */
export async function leftovers (label: string): Promise<{ containers: string[], networks: string[], volumes: string[] }> {
  const filters = { label: [label] }
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters })
  ])
  return {
    containers: containers.map((c) => c.Names.join(',')),
    networks: networks.map((n) => n.Name),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name)
  }
}

/** The CPU limit the classifier gets here: at most what this machine has. */
export function classifierCpus (cpuCount: number): string {
  return String(Math.max(1, Math.min(3, cpuCount)))
}
