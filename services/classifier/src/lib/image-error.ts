/** Why an image was refused; the HTTP layer maps each kind to a status and code. */
export type ImageProblem = 'bad_image' | 'too_large' | 'unsupported'

export class ImageError extends Error {
  constructor (readonly kind: ImageProblem, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ImageError'
  }
}
