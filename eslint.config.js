import neostandard from 'neostandard'

/**
 * A workspace reaches another through that workspace's package: `@inference-stack/<name>` or one of
 * its exports (`/contract`, `/child`...), declared in its own package.json. Never through the other's
 * src/ by a relative path: that imports code the other may change at will, and hides the dependency.
 */
export const workspaceBoundaries = {
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        regex: '^(\\.\\./)+(services/)?[a-z0-9-]+/src(/|$)',
        message: 'another workspace\'s src/ is not its interface: import its package export (e.g. @inference-stack/classifier/contract) and declare the dependency in package.json'
      }]
    }]
  }
}

export default [
  ...neostandard({ ts: true, ignores: ['**/dist/**', '**/node_modules/**', 'artifacts/**', 'loadtest/results/**'] }),
  workspaceBoundaries
]
