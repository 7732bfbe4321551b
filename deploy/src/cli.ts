import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Docker from 'dockerode'
import { envFile, formatPlan, table } from './format.js'
import { planPatchYaml } from './k8s/plan-patch.js'
import { PLAN_OPTIONS, planFromFlags } from './plan-options.js'
import { PlanError } from './plan-types.js'
import { defaultImages, preflight } from './preflight.js'
import { ProfileError } from './profiles.js'
import { plannedFromEnv, projectStatus, type PlannedLimits } from './status.js'

const DEFAULT_ENV_FILE = path.relative(process.cwd(), fileURLToPath(new URL('../plan.env', import.meta.url)))
const DEFAULT_PROJECT = process.env.COMPOSE_PROJECT_NAME ?? 'inference-stack'

const USAGE = `Usage: npm run deploy -- <command> [options]

  plan        size the stack for a machine; prints the plan, writes an env file for compose
  preflight   check the Docker engine (version, CPUs, memory, NVIDIA runtime, images) against a plan
  status      the project's containers: health, restarts, live CPU and memory against the plan

Plan options (plan, preflight):
  --machine NAME         g4dn.xlarge (default), g4dn.2xlarge, c6i.xlarge, local
  --model NAME           default resnet50-v1-12 on a GPU, resnet50-v1-12-int8 on CPU
  --provider P           auto (default), cuda, cpu
  --profiles PATH        loadtest results (a directory of *.json or one file)
  --bench PATH           classifier bench results for the decode cost when no classify profile is given
                         (default: the newest in loadtest/results/bench, if any)
  --profile-model NAME   the model the profiled classifier ran (default mobilenetv2-12-int8)
  --core-speed X         target vCPU speed / profiled core speed (default 1)
  --images-per-sec N     classify target (default: as many as the machine can)
  --prime-per-sec N      prime target (default 0)
  --slo-ms N             classify p99 latency target (default 1000)
  --gpu-profiles PATH    gpu:check profiles (default deploy/gpu-profiles; a PATH given must hold one for the plan)
  --json                 print JSON instead of text
plan:       --out PATH (the env file; default ${DEFAULT_ENV_FILE}), --dry-run (write nothing),
            --format text|json|k8s (k8s: Kustomize patches for deploy/k8s on stdout, no env file)
preflight:  --images a,b,c (default: compose.yaml's, \${IMAGE_REPO:-inference-stack}/<service>:\${IMAGE_TAG:-latest}[-gpu])
status:     --project NAME (default ${DEFAULT_PROJECT}), --plan PATH (the env file to compare with)
Docker: DOCKER_HOST is honoured, else /var/run/docker.sock.
`

const json = { type: 'boolean', default: false } as const

async function planCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...PLAN_OPTIONS, json, format: { type: 'string', default: 'text' }, out: { type: 'string', default: DEFAULT_ENV_FILE }, 'dry-run': { type: 'boolean', default: false } } })
  const format = values.json ? 'json' : values.format
  if (!['text', 'json', 'k8s'].includes(format)) throw new PlanError(`--format must be text, json or k8s, got "${format}"`)
  const plan = await planFromFlags(values)
  if (format === 'k8s') {
    // Kustomize patches on stdout, nothing else written: deploy/k8s keeps one per target.
    process.stdout.write(planPatchYaml(plan, `npm run plan -- --machine ${plan.machine.name} --format k8s`))
    return 0
  }
  process.stdout.write(format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : formatPlan(plan))
  if (!values['dry-run']) {
    await writeFile(values.out, envFile(plan))
    process.stderr.write(`wrote ${values.out} (docker compose --env-file ${values.out} up)\n`)
  }
  return 0
}

async function preflightCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...PLAN_OPTIONS, json, images: { type: 'string' } } })
  const plan = await planFromFlags(values)
  const images = values.images === undefined ? defaultImages(plan.provider) : values.images.split(',').map((s) => s.trim()).filter(Boolean)
  const checks = await preflight(new Docker(), plan, images)
  if (values.json) {
    process.stdout.write(JSON.stringify({ machine: plan.machine.name, provider: plan.provider, checks }, null, 2) + '\n')
  } else {
    process.stdout.write(`Preflight for the ${plan.machine.name} plan (${plan.model} on ${plan.provider})\n`)
    process.stdout.write(table([['check', 'result', 'detail'], ...checks.map((c) => [c.name, c.level, c.detail])], 'lll') + '\n')
  }
  return checks.some((c) => c.level === 'fail') ? 1 : 0
}

async function statusCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json, project: { type: 'string', default: DEFAULT_PROJECT }, plan: { type: 'string', default: DEFAULT_ENV_FILE } } })
  let planned: Record<string, PlannedLimits> = {}
  try {
    planned = plannedFromEnv(await readFile(values.plan, 'utf8'))
  } catch {
    process.stderr.write(`no plan at ${values.plan}: limits are shown without comparison (run \`npm run deploy -- plan\`)\n`)
  }
  const containers = await projectStatus(new Docker(), values.project, planned)
  if (values.json) {
    process.stdout.write(JSON.stringify({ project: values.project, containers }, null, 2) + '\n')
    return 0
  }
  if (containers.length === 0) {
    process.stdout.write(`no containers with label com.docker.compose.project=${values.project}\n`)
    return 0
  }
  const num = (v: number | null, unit = ''): string => (v === null ? '-' : `${v}${unit}`)
  process.stdout.write(table([
    ['container', 'service', 'state', 'health', 'restarts', 'cpus used', 'cpus limit', 'planned', 'mem used', 'mem limit', 'planned', 'flags'],
    ...containers.map((c) => [
      c.name, c.service, c.state, c.health, String(c.restarts), num(c.cpus), num(c.cpuLimit), num(c.planned?.cpus ?? null),
      num(c.memMiB, 'm'), num(c.memLimitMiB, 'm'), num(c.planned?.memMiB ?? null, 'm'), c.flags.join('; ')
    ])
  ], 'llllrrrrrrrl') + '\n')
  return 0
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { plan: planCommand, preflight: preflightCommand, status: statusCommand }

async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  const run = COMMANDS[command]
  if (run === undefined) {
    process.stderr.write(`error: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await run(rest)
  } catch (err) {
    const e = err as Error & { code?: string }
    if (err instanceof PlanError || err instanceof ProfileError || e.code?.startsWith('ERR_PARSE_ARGS') === true) {
      process.stderr.write(`error: ${e.message}\n`)
      return 2
    }
    process.stderr.write(`error: ${command} failed: ${e.message}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
