import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * What to hand `new Worker()` for a worker module: the compiled `.js` when it exists; when running
 * from TypeScript sources (vitest, tsx, benches), a bootstrap that registers tsx inside the worker
 * first and then imports the `.ts` module (Node 20 workers do not inherit the main thread's tsx hooks).
 * `script` names the `.js` file (its `.ts` sibling is used when it is missing) or a `.ts` file.
 */
export function workerScript (script: URL): URL {
  let url = script
  if (url.pathname.endsWith('.js') && !existsSync(fileURLToPath(url))) url = new URL(url.href.replace(/\.js$/, '.ts'))
  if (!url.pathname.endsWith('.ts')) return url
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(url.href)})`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}
