/**
 * The photos the tests, the classifier bench and the load tests use, by the
 * name they use them under. Each is downloaded from a pinned commit and
 * checked by size and SHA-256; two are then derived from their download to
 * cover pixel layouts that photo sites rarely serve (CMYK, alpha).
 * The ImageNet class is what a correct classifier answers at top-1; `accept`
 * lists every class that counts as right where the fine-grained class is
 * genuinely ambiguous.
 */
export interface TestPhoto {
  /** ImageNet-1k class index and its label (imagenet-simple-labels). */
  index: number
  label: string
  accept?: number[]
  /** The published file: pinned raw URL, its size and SHA-256. */
  url: string
  bytes: number
  sha256: string
  /** How the test file is made from the published one; absent: used as published. */
  derive?: Recipe
  note?: string
}

/**
 * `cmyk-jpeg`: re-encoded as a 4-channel CMYK JPEG.
 * `rounded-alpha-png`: an RGBA PNG, opaque except for transparent rounded
 * corners (radius 12 % of the short side), with the RGB kept under the
 * transparent pixels, so dropping or flattening the alpha gives the same class.
 */
export type Recipe = 'cmyk-jpeg' | 'rounded-alpha-png'

/** The host the URLs below point at; TEST_IMAGES_BASE_URL replaces it with a mirror. */
export const RAW_GITHUB = 'https://raw.githubusercontent.com'

// One photo per ImageNet class, named after the class's WordNet id; no licence file
// in the repository: ImageNet's non-commercial research terms apply.
const IMAGENET_SAMPLES = `${RAW_GITHUB}/EliSchwartz/imagenet-sample-images/bc69043e2862758a1906c6a24a792bb28c6bb2ff`

export const PHOTOS: Readonly<Record<string, TestPhoto>> = Object.freeze({
  'acoustic-guitar.jpg': {
    index: 402,
    label: 'acoustic guitar',
    url: `${IMAGENET_SAMPLES}/n02676566_acoustic_guitar.JPEG`,
    bytes: 71_225,
    sha256: '7cd6c0f66d440d2f6b02a9ec1347e9fb1eeab7ce11dad162503236e993de2751',
    note: 'published as a 1-channel grayscale JPEG'
  },
  'airliner.jpg': {
    index: 404,
    label: 'airliner',
    url: `${IMAGENET_SAMPLES}/n02690373_airliner.JPEG`,
    bytes: 134_442,
    sha256: '7c485f53b3428876ae641e6241e0b4350decbe52a35fc3138d4b9fc46c092e06'
  },
  'daisy.jpg': {
    index: 985,
    label: 'daisy',
    url: `${IMAGENET_SAMPLES}/n11939491_daisy.JPEG`,
    bytes: 131_951,
    sha256: '51156e2f84665e93d5a8ec7c91cd6189ab33da8ec0c47b2843732844c2ff5c26'
  },
  'dalmatian.jpg': {
    index: 251,
    label: 'Dalmatian',
    url: `${IMAGENET_SAMPLES}/n02110341_dalmatian.JPEG`,
    bytes: 99_582,
    sha256: '95b4b0e2503cc39d4ef8dfd65f8adbfdb14102b431b9c2975aa562ba2e569f1f'
  },
  'domestic-cat-5360x3560.jpg': {
    index: 281,
    label: 'tabby cat',
    accept: [281, 282, 283, 284, 285],
    url: `${RAW_GITHUB}/siromermer/Running-Deep-Learning-Models-on-ONNX-Runtime/0375585c2079c1f43eb39e2a0007133cc8f764f1/resources/test_image_cat.jpg`,
    bytes: 764_047,
    sha256: '698855131c83690810ecdb2089ec85ac5c9f7d5f327446e67a4d626718d4b7d4',
    note: 'a 5360x3560 photo of a grey-and-white cat: any domestic-cat class is right'
  },
  'giant-panda.jpg': {
    index: 388,
    label: 'giant panda',
    url: `${IMAGENET_SAMPLES}/n02510455_giant_panda.JPEG`,
    bytes: 159_221,
    sha256: '1b9c0c805d60bc13aaceba48e1f68fa15c71a96b2f6486ec396ecb321d79715b'
  },
  'goldfish.jpg': {
    index: 1,
    label: 'goldfish',
    url: `${IMAGENET_SAMPLES}/n01443537_goldfish.JPEG`,
    bytes: 36_973,
    sha256: '61ff9f1e0c4ed5906efed08c19d0c501b5ba75e45df77818d533a28e825341aa'
  },
  'king-penguin-alpha.png': {
    index: 145,
    label: 'king penguin',
    url: `${IMAGENET_SAMPLES}/n02056570_king_penguin.JPEG`,
    bytes: 161_388,
    sha256: '76a03cbc599244b2d647b326ef80f2c53fa664c92779b693955187afebd7ee75',
    derive: 'rounded-alpha-png'
  },
  'siamese-cat.jpg': {
    index: 284,
    label: 'Siamese cat',
    url: `${IMAGENET_SAMPLES}/n02123597_Siamese_cat.JPEG`,
    bytes: 45_363,
    sha256: '125f7bd4e8c852b26e9d1aa2495c83d021ac627c3784bd2d1d5e1d7e2de79855'
  },
  'tabby-cat.png': {
    index: 281,
    label: 'tabby cat',
    accept: [281, 282],
    url: `${RAW_GITHUB}/chanuwatduai/mlops-resnet-api/74a8e259318b81ba9e022159e0107a92660de25c/ModleTest/Cat/2.png`,
    bytes: 3_806_096,
    sha256: '9c3d5d83ccabf9410889e36303a7d1fd3b14171402a9cb9f9616746f1aef022f',
    note: 'a 2500x1667 RGB PNG of an orange tabby: "tabby cat" and "tiger cat" are both right'
  },
  'volcano.jpg': {
    index: 980,
    label: 'volcano',
    url: `${IMAGENET_SAMPLES}/n09472597_volcano.JPEG`,
    bytes: 134_814,
    sha256: '7fd981c98b35c074979e024aee194e8ba574ba040defa848dde5f330d79dee48'
  },
  'zebra-cmyk.jpg': {
    index: 340,
    label: 'zebra',
    url: `${IMAGENET_SAMPLES}/n02391049_zebra.JPEG`,
    bytes: 173_519,
    sha256: 'ca35cfbead9763232ee94ccb8a9d3a2e2e0bff576a1e22221b210589f6c7bd42',
    derive: 'cmyk-jpeg'
  }
})

/** The photo names, sorted. */
export const PHOTO_NAMES: readonly string[] = Object.freeze(Object.keys(PHOTOS).sort())

/** The content type a photo is uploaded with, from its extension. */
export function contentType (name: string): string {
  return name.endsWith('.png') ? 'image/png' : 'image/jpeg'
}
