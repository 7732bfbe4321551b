// `npm start`: build what changed, run prime, classifier and frontend on this machine, print the page
// URL, stop them all on Ctrl+C / SIGTERM. `npm run dev` runs each service with `tsx watch` instead.
// Ports: FRONTEND_PORT (8080), PRIME_PORT (8081), CLASSIFIER_PORT (8082); HOST (127.0.0.1).
// Every other variable (MODELS_DIR, MODEL, LOG_LEVEL...) reaches the services unchanged.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dev = process.argv.includes('--dev')
const env = process.env
const host = env.HOST || '127.0.0.1'
const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
const STOP_GRACE_MS = 15_000
const color = process.stdout.isTTY && !env.NO_COLOR
const paint = (code, text) => color ? `\x1b[${code}m${text}\x1b[0m` : text
const say = (text) => console.log(`${paint('1', 'start'.padEnd(11))}│ ${text}`)

const services = [
  { name: 'prime', port: Number(env.PRIME_PORT || 8081), required: true, hue: '36' },
  { name: 'classifier', port: Number(env.CLASSIFIER_PORT || 8082), required: false, hue: '35' },
  { name: 'frontend', port: Number(env.FRONTEND_PORT || 8080), required: true, hue: '32' }
]
const byName = Object.fromEntries(services.map((s) => [s.name, s]))
const urlOf = (s) => `http://${reach.includes(':') ? `[${reach}]` : reach}:${s.port}`
const FIX_MODEL = 'run `npm run models:fetch`, or set MODELS_DIR to a directory that holds it (MODELS_DIR=/path/to/models npm start)'

function run (args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) say(`${what} failed (exit ${result.status ?? result.signal})`)
  return result.status === 0
}

const children = new Map()
let stopping = false
process.on('SIGINT', () => { if (stopping) killAll(); else stop(0) })
process.on('SIGTERM', () => { stop(0) })
process.on('exit', killAll)
function killAll () {
  for (const child of children.values()) child.kill('SIGKILL')
}

// 1. Build. tsc -b and esbuild are incremental, so an unchanged tree costs a second or two.
// `--dev` runs the services from src/ with tsx, but what they import (kit, models) comes from dist/.
const tsc = [fileURLToPath(import.meta.resolve('typescript/bin/tsc'))]
const classifierSource = existsSync(`${root}services/classifier/src/server.ts`)
say('building (tsc -b, page)…')
if (!run([...tsc, '-b', 'services/prime', 'services/frontend'], 'building prime and frontend')) process.exit(1)
if (classifierSource && !run([...tsc, '-b', 'services/classifier'], 'building the classifier')) byName.classifier.skip = 'it does not build (see the errors above)'
if (!run(['services/frontend/scripts/build-page.mjs'], 'building the page')) process.exit(1)
if (!classifierSource) byName.classifier.skip = 'services/classifier/src/server.ts does not exist yet'

// 2. Start. Children get their own process group: Ctrl+C reaches only this script, which forwards SIGTERM once.

function start (service) {
  const dir = service.watcher ? `${root}services/frontend` : `${root}services/${service.name}`
  const args = service.watcher
    ? ['scripts/build-page.mjs', '--watch']
    : dev ? [fileURLToPath(import.meta.resolve('tsx/cli')), 'watch', 'src/server.ts'] : ['dist/server.js']
  const childEnv = { ...env, HOST: host, PORT: String(service.port) }
  if (service.name === 'frontend') Object.assign(childEnv, { PRIME_URL: urlOf(byName.prime), CLASSIFIER_URL: urlOf(byName.classifier) })
  if (service.name === 'classifier') {
    // Services run in their own directories: relative model paths mean the caller's directory.
    for (const key of ['MODELS_DIR', 'MODEL_CACHE_DIR']) if (env[key]) childEnv[key] = resolve(env[key])
    // Fewer glibc arenas keep sharp's and onnxruntime's memory from fragmenting (about -120 MB RSS with ResNet-50).
    childEnv.MALLOC_ARENA_MAX ??= '2'
  }
  const child = spawn(process.execPath, args, { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  children.set(service.name, child)
  const prefix = paint(service.hue, service.name.padEnd(11)) + '│ '
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(prefix + formatLine(line)))
  }
  child.on('exit', (code, signal) => {
    children.delete(service.name)
    if (stopping) return
    if (service.required) {
      say(`${service.name} stopped (${signal ?? `exit ${code}`}); see its log above. Stopping the others.`)
      stop(1)
    } else if (service.name === 'classifier') {
      say(paint('33', `image classification is unavailable: the classifier stopped (${signal ?? `exit ${code}`}); see its log above.`))
      say(`prime and the page keep running. If its model is missing: ${FIX_MODEL}.`)
    } else {
      say(`${service.name} stopped (${signal ?? `exit ${code}`})`)
    }
  })
}

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: paint('33', 'WARN'), 50: paint('31', 'ERROR'), 60: paint('31', 'FATAL') }

/** Pino JSON lines become `LEVEL message details`; anything else passes as is. */
function formatLine (line) {
  let record
  try { record = JSON.parse(line) } catch { return line }
  if (typeof record !== 'object' || record === null || typeof record.level !== 'number') return line
  const { level, time, pid, hostname, service, msg, err, req, res, responseTime, reqId, ...rest } = record
  const parts = [LEVELS[level] ?? level, msg ?? '']
  if (req) parts.push(`${req.method} ${req.url}`)
  if (res) parts.push(`${res.statusCode}${typeof responseTime === 'number' ? ` in ${responseTime.toFixed(1)} ms` : ''}`)
  if (err) parts.push(`— ${err.type ?? 'Error'}: ${err.message}${level >= 50 && err.stack ? `\n${err.stack}` : ''}`)
  if (Object.keys(rest).length > 0) parts.push(paint('2', JSON.stringify(rest)))
  return parts.filter(Boolean).join(' ')
}

async function answers (url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await res.body?.cancel()
    return res.ok
  } catch { return false }
}

async function waitUntil (url, service) {
  for (;;) {
    if (stopping || !children.has(service)) return false
    if (await answers(url)) return true
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function stop (code) {
  if (stopping) return
  stopping = true
  say('stopping…')
  const exits = [...children.values()].map((child) => new Promise((resolve) => {
    child.once('exit', resolve)
    child.kill('SIGTERM')
  }))
  const timer = setTimeout(() => {
    say(`still running after ${STOP_GRACE_MS / 1000} s; killing ${[...children.keys()].join(', ')}`)
    for (const child of children.values()) child.kill('SIGKILL')
  }, STOP_GRACE_MS)
  await Promise.all(exits)
  clearTimeout(timer)
  say('all services stopped')
  process.exit(code)
}

if (dev) {
  // The page rebuilds on change too; reload the browser to see it.
  services.push({ name: 'page', hue: '34', required: false, watcher: true })
}
for (const service of services) {
  if (service.skip) say(paint('33', `not starting the classifier: ${service.skip}. Image classification will answer 503.`))
  else start(service)
}

// 3. Announce the page once the frontend answers, and the classifier once its model is warm.
const page = `${urlOf(byName.frontend)}/`
if (await waitUntil(`${page}healthz`, 'frontend')) {
  say(paint('1', `the page is at ${page}`))
  say(`try: curl ${page}api/prime/check/1000000007   ·   Ctrl+C stops everything`)
}
if (children.has('classifier') && await waitUntil(`${urlOf(byName.classifier)}/readyz`, 'classifier')) {
  say('image classification is ready')
}
