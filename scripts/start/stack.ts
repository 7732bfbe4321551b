// Steps 2 and 3 of `npm start`, loaded once the build has made the workspaces' dist/:
// the model, then prime and the classifier, then the frontend pointed at them.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Child } from '@inference-stack/kit/child'
import type { Built } from './build.js'
import { ensureModel, modelPlace } from './model.js'
import type { Output } from './output.js'
import { PAGE_WATCHER, serviceSpecs, urlOf, type ServiceSpec } from './services.js'
import { Supervisor, type Service } from './supervisor.js'

/** Opening a large model on a GPU can take a while; the frontend waits this long for the classifier to listen. */
const LISTEN_TIMEOUT_MS = 300_000

export interface StackOptions { dev: boolean, out: Output, parentPid: number, built: Built }

/** The port a service actually bound (it may have been 0), from the URL it reported; undefined if it did not. */
async function boundPort (service: Service | undefined, timeoutMs = LISTEN_TIMEOUT_MS): Promise<number | undefined> {
  if (service === undefined) return undefined
  const url = await Promise.race([service.listening, sleep(timeoutMs, undefined, { ref: false })])
  return url === undefined ? undefined : Number(new URL(url).port)
}

async function waitUntilReady (url: string, child: Child, supervisor: Supervisor): Promise<string | undefined> {
  while (!supervisor.stopping && child.proc.exitCode === null && child.proc.signalCode === null) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })
      const body = await res.json() as { info?: { executionProvider?: string } }
      if (res.ok) return body.info?.executionProvider ?? 'unknown'
    } catch { /* not yet */ }
    await sleep(250)
  }
  return undefined
}

export async function startStack ({ dev, out, parentPid, built }: StackOptions): Promise<void> {
  const env = process.env
  let specs: ReturnType<typeof serviceSpecs>
  try {
    specs = serviceSpecs(env)
  } catch (err) {
    out.warn((err as Error).message)
    process.exit(2)
  }
  const host = env.HOST || '127.0.0.1'
  const supervisor = new Supervisor(out, parentPid)
  const required = (spec: ServiceSpec) => (how: string): void => {
    out.warn(`${spec.name} stopped (${how}); see its log above. Stopping the others.`)
    supervisor.stop(1)
  }

  const model = built.classifierSkipped === undefined ? await ensureModel(env, out, supervisor.signal) : 'skipped'
  if (supervisor.stopping) return
  if (built.classifierSkipped !== undefined) out.warn(`not starting the classifier: ${built.classifierSkipped}. Image classification will answer 503.`)

  const place = modelPlace(env)
  const prime = supervisor.start(specs.prime, { dev, env: { ...env, HOST: host, PORT: String(specs.prime.port) }, onExit: required(specs.prime) })
  const classifier = model === 'skipped'
    ? undefined
    : supervisor.start(specs.classifier, {
      dev,
      env: {
        ...env,
        HOST: host,
        PORT: String(specs.classifier.port),
        MODEL: place.name,
        // The services run in their own directories: these are the caller's paths, made absolute.
        ...(place.modelsDir === undefined ? {} : { MODELS_DIR: place.modelsDir }),
        MODEL_CACHE_DIR: place.cacheDir,
        // Without a model it stays up and says how to install one, so the page can tell the user.
        ON_MISSING_MODEL: 'unready',
        // Fewer glibc arenas keep sharp's and onnxruntime's memory from fragmenting (about -120 MB RSS with ResNet-50).
        MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2'
      },
      onExit: (how) => out.warn(`image classification is unavailable: the classifier stopped (${how}); see its log above. Prime and the page keep running.`)
    })
  if (dev) supervisor.start(PAGE_WATCHER, { dev, env, onExit: (how) => out.say(`the page watcher stopped (${how})`) })

  // The frontend starts once its upstreams listen: it must never forward to another program on their ports.
  // (Under --dev a service that fails waits for a change instead of exiting: the frontend does not wait for it.)
  const [primePort, classifierPort] = dev ? [specs.prime.port, specs.classifier.port] : await Promise.all([boundPort(prime), boundPort(classifier)])
  if (supervisor.stopping) return
  const classifierUrl = urlOf(host, classifierPort ?? specs.classifier.port!)
  const frontend = supervisor.start(specs.frontend, {
    dev,
    env: { ...env, HOST: host, PORT: String(specs.frontend.port), PRIME_URL: urlOf(host, primePort ?? specs.prime.port!), CLASSIFIER_URL: classifierUrl },
    onExit: required(specs.frontend)
  })

  // The page line only once the frontend itself listens, never on an answer another process could give.
  const frontendPort = await boundPort(frontend)
  if (frontendPort === undefined || supervisor.stopping) return
  const page = `${urlOf(host, frontendPort)}/`
  out.say(out.paint('1', `the page is at ${page}`))
  out.say(`try: curl ${page}api/prime/check/1000000007   ·   Ctrl+C stops everything`)

  if (classifier === undefined || classifierPort === undefined || model !== 'ready') return
  const provider = await waitUntilReady(classifierUrl, classifier.child, supervisor)
  if (provider !== undefined) out.say(`image classification is ready (${place.name} on ${provider.toUpperCase()})`)
}
