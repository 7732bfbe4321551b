import { freePort, spawnChild, waitForHttp, type Child } from '@inference-stack/kit/child'
import { TEST_MODEL, testModelsDir } from '@inference-stack/test-assets'
import { REPO_ROOT } from './paths.js'
import { DEFAULT_LOADTEST_MODEL } from './stack.js'

export interface NpmStart { url: string, child: Child, stop: () => Promise<void> }

/**
 * `npm start` as a user runs it (build, then prime, classifier and frontend as child processes
 * whose log lines the script prints), on free ports with the small model. Resolves once the
 * frontend's /readyz passes and the classifier has warmed up. Its pid is the root of the whole
 * tree (the script, its log pipe and the three services) and leads a process group: stop() ends it.
 */
export async function startNpmStart (): Promise<NpmStart> {
  const [frontend, prime, classifier, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const model = process.env.MODEL ?? DEFAULT_LOADTEST_MODEL
  // The test model comes from MODELS_DIR or is fetched like the tests do; another one is npm start's to find.
  const modelsDir = model === TEST_MODEL ? await testModelsDir() : process.env.MODELS_DIR
  const child = spawnChild('npm start', 'npm', ['start'], {
    cwd: REPO_ROOT,
    group: true,
    env: {
      HOST: '127.0.0.1',
      FRONTEND_PORT: String(frontend),
      PRIME_PORT: String(prime),
      CLASSIFIER_PORT: String(classifier),
      // The frontend's metrics listener, off its default port (another program may hold 9464).
      METRICS_PORT: String(metrics),
      MODEL: model,
      ...(modelsDir ? { MODELS_DIR: modelsDir } : {})
    }
  })
  const url = `http://127.0.0.1:${frontend}`
  try {
    await waitForHttp(child, `${url}/readyz`)
    // The classifier answers /healthz before its model has warmed up: let that finish first.
    await waitForHttp(child, `http://127.0.0.1:${classifier}/readyz`)
  } catch (err) {
    await child.stop()
    throw err
  }
  return { url, child, stop: async () => { await child.stop() } }
}
