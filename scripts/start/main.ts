// `npm start`: build what changed, make sure the classifier's model is on disk (downloading it if
// not), run prime, classifier and frontend on this machine, print the page URL once the frontend
// listens, and stop them all on Ctrl+C, SIGTERM, SIGHUP or when npm itself goes away.
// `npm run dev` (--dev) runs each service from its sources, restarted on change, and rebuilds the page on change.
// Ports: FRONTEND_PORT (8080), PRIME_PORT (8081), CLASSIFIER_PORT (8082); HOST (127.0.0.1).
// Every other variable (MODEL, MODELS_DIR, MODELS_BASE_URL, LOG_LEVEL...) reaches the services.
import { build } from './build.js'
import { createOutput } from './output.js'

// Captured first: if it changes, the process that ran `npm start` is gone (see supervisor.ts).
const parentPid = process.ppid
// A closed terminal or a dead pipe must not turn the graceful stop into a crash.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})

const out = createOutput()
const built = build(out)
if (!built.ok) process.exit(1)
// Loaded only now: it imports the workspaces' dist/ (kit, models), which the build just made.
const { startStack } = await import('./stack.js')
await startStack({ dev: process.argv.includes('--dev'), out, parentPid, built })
