// node .ci/readme-examples.mjs <frontend port>
// Runs every `$ curl ...` example (or `$ ... | curl ...`) of README.md's "Use it" section against a
// running `npm start` (its localhost:8080 becomes the given port, and the test
// photos' folder the one `npm run test-assets:fetch` reported) and checks the
// answer against the output the README shows: equal up to the first figure
// that varies between runs (elapsed_ms, probability, timings), or "...".
// An example shown without output must answer JSON that is not an error.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { testImagesDir } from '@inference-stack/test-assets'

const port = process.argv[2]
if (!/^\d+$/.test(port ?? '')) throw new Error('usage: node .ci/readme-examples.mjs <frontend port>')
const readme = readFileSync('README.md', 'utf8')
const section = readme.slice(readme.indexOf('\n## Use it'), readme.indexOf('\n## ', readme.indexOf('\n## Use it') + 1))
const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')))

/** [command, expected output or ''] for each `$` line that runs curl (with its `\` continuations). */
function examples () {
  const out = []
  const lines = block.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('$ ')) continue
    let command = lines[i].slice(2)
    while (command.endsWith('\\')) command = command.slice(0, -1) + lines[++i].trim()
    let expected = ''
    while (i + 1 < lines.length && lines[i + 1] !== '' && !lines[i + 1].startsWith('$ ')) expected += lines[++i].trim()
    if (/(^|\| )curl /.test(command)) out.push([command, expected])
  }
  return out
}

const VARIES = /"(elapsed_ms|probability|timings_ms)":|\.\.\./
const images = await testImagesDir()
let failures = 0
const found = examples()
for (const [shown, expected] of found) {
  const command = shown.replaceAll('localhost:8080', `localhost:${port}`).replaceAll('test-assets/cache/images', images)
  let answer
  try {
    answer = execFileSync('bash', ['-c', command], { encoding: 'utf8' }).trim()
  } catch (err) {
    answer = `(exit ${err.status}) ${err.stderr ?? ''}`
  }
  const cut = expected.search(VARIES)
  const want = cut === -1 ? expected : expected.slice(0, cut)
  let ok
  if (want !== '') ok = cut === -1 ? answer === want : answer.startsWith(want)
  else {
    try {
      ok = !('error' in JSON.parse(answer))
    } catch {
      ok = false
    }
  }
  console.log(`${ok ? 'ok  ' : 'FAIL'} $ ${shown}`)
  if (!ok) {
    failures++
    console.log(`     expected: ${want === '' ? 'JSON without "error"' : want + (cut === -1 ? '' : '...')}\n     got:      ${answer.slice(0, 400)}`)
  }
}
if (found.length === 0) throw new Error('README.md: no `$ curl` examples found under "## Use it"')
console.log(`${found.length - failures} of ${found.length} README examples answered as shown`)
process.exitCode = failures === 0 ? 0 : 1
