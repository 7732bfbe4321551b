import type { CheckResult as PrimeAnswer } from '@inference-stack/prime/contract'
import { requestJson } from './api.js'
import { el, errorLine, formatMs, launch, show } from './dom.js'

const SHORT_DIGITS = 60
const METHODS: Record<string, string> = {
  definition: 'by definition',
  'trial-division': 'trial division',
  'miller-rabin': 'deterministic Miller–Rabin',
  'baillie-psw': 'Baillie–PSW'
}

/** Long numbers are shown as head…tail with their digit count, so the answer stays readable. */
export function shortNumber (digits: string): string {
  if (digits.length <= SHORT_DIGITS) return digits
  return `${digits.slice(0, 24)}…${digits.slice(-24)} (${digits.length.toLocaleString('en')} digits)`
}

export function setupPrime (form: HTMLFormElement, input: HTMLInputElement, out: HTMLElement): void {
  const button = form.querySelector('button[type="submit"]')
  let latest = 0

  for (const chip of form.querySelectorAll<HTMLButtonElement>('button[data-number]')) {
    chip.addEventListener('click', () => {
      input.value = chip.dataset.number ?? ''
      form.requestSubmit()
    })
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    launch(check(), out)
  })

  async function check (): Promise<void> {
    // The string goes to the API untouched (apart from surrounding spaces): never through Number().
    const value = input.value.trim()
    if (value === '' || /^\.+$/.test(value)) {
      show(out, errorLine('Enter a whole number,', 'for example 97 or 618970019642690137449562111'))
      input.focus()
      return
    }
    const ticket = ++latest
    button?.setAttribute('aria-busy', 'true')
    show(out, el('p', 'pending', `Checking ${shortNumber(value)}…`))
    const started = performance.now()
    const result = await requestJson<PrimeAnswer>(`/api/prime/check/${encodeURIComponent(value)}`)
    const roundTrip = performance.now() - started
    if (ticket !== latest) return
    button?.removeAttribute('aria-busy')

    if (!result.ok) {
      const { error } = result
      const title = error.status === 400 || error.status === 404
        ? 'That is not a number the checker accepts:'
        : error.status === 503 || error.status === 502
          ? 'The prime checker is unavailable:'
          : error.status === 504 ? 'The prime checker took too long:' : 'The check failed:'
      show(out, errorLine(title, error.message))
      return
    }
    const answer = result.body
    const verdict = answer.is_prime
      ? el('p', 'answer answer-yes', el('span', 'number', shortNumber(answer.number)), ' is prime')
      : el('p', 'answer answer-no', el('span', 'number', shortNumber(answer.number)), ' is not prime',
        answer.factor ? ` — divisible by ${shortNumber(answer.factor)}` : null)
    const facts = [
      answer.method ? `method: ${METHODS[answer.method] ?? answer.method}` : null,
      typeof answer.elapsed_ms === 'number' ? `server ${formatMs(answer.elapsed_ms)}` : null,
      `round trip ${formatMs(roundTrip)}`
    ].filter(Boolean).join(' · ')
    show(out, verdict, el('p', 'facts', facts))
  }
}
