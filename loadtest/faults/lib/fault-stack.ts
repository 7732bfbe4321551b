import { freePort } from '@inference-stack/kit/child'
import { startStack, type ServiceName, type Stack } from '../../src/stack.js'
import { nodeOptions, settingsEnv } from './settings.js'

/** A service log line at pino's error level (50) or above. */
export interface LoggedError { service: ServiceName, line: string }

/** The local stack as the fault suite runs it: the settings of settings.ts, logs kept, an inspector port when asked. */
export interface FaultStack extends Stack {
  /** Lines logged at ERROR or FATAL since the start (or the last `clearErrors`). */
  errors: () => LoggedError[]
  clearErrors: () => void
  /** The classifier's inspector port (127.0.0.1), when started with `inspectClassifier`. */
  inspectorPort?: number
  /** `http://127.0.0.1:port` of the service, or of the frontend. */
  url: (service: ServiceName) => string
}

export interface FaultStackOptions {
  services?: ServiceName[]
  /** Open the classifier's inspector on a free local port: the worker-kill test reaches its threads through it. */
  inspectClassifier?: boolean
  /** Settings on top of settings.ts, per service. */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>
}

/** Starts prime, the classifier and the frontend (or `services`) with the fault suite's settings. */
export async function startFaultStack (opts: FaultStackOptions = {}): Promise<FaultStack> {
  const services = opts.services ?? ['prime', 'classifier', 'frontend']
  let logged: LoggedError[] = []
  const inspectorPort = opts.inspectClassifier === true ? await freePort() : undefined
  const env = Object.fromEntries(services.map((s) => [s, { ...settingsEnv(s), ...opts.env?.[s] }]))
  const nodeArgs = Object.fromEntries(services.map((s) => [s, [
    ...nodeOptions(s),
    ...(s === 'classifier' && inspectorPort !== undefined ? [`--inspect=127.0.0.1:${inspectorPort}`] : [])
  ]]))
  const stack = await startStack({
    services,
    env,
    nodeArgs,
    onLine: (service, line) => {
      if (!line.startsWith('{')) return
      try {
        const { level } = JSON.parse(line) as { level?: number }
        if (typeof level === 'number' && level >= 50) logged.push({ service, line })
      } catch { /* not a log line */ }
    }
  })
  return Object.assign(stack, {
    errors: () => [...logged],
    clearErrors: () => { logged = [] },
    url: (service: ServiceName) => {
      const url = stack.urls[service]
      if (url === undefined) throw new Error(`${service} is not running in this stack`)
      return url
    },
    ...(inspectorPort === undefined ? {} : { inspectorPort })
  })
}
