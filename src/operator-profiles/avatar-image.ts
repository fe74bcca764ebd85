import type sharp from 'sharp';
import { AppError } from '../common/errors/app-error';

export const MAX_AVATAR_BYTES = 2 * 1024 * 1024;
export const MIN_AVATAR_SIDE = 150;
/** Larger images are refused from their header, before any pixel is decoded. */
export const MAX_AVATAR_SIDE = 4096;
export const AVATAR_SIDE = 256;
export const AVATAR_CONTENT_TYPE = 'image/webp';
export const ACCEPTED_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

const FIELD = 'image.dataBase64';
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

let imageLibrary: typeof sharp | undefined;

/**
 * sharp, loaded with the first avatar: libvips takes about 20 MB of memory, which an instance
 * that never receives an avatar does not need to hold.
 */
function images(): typeof sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  imageLibrary ??= require('sharp') as typeof sharp;
  return imageLibrary;
}

/**
 * Checks an uploaded avatar by its bytes (never by its declared type) and re-encodes it: square,
 * at least 150x150, PNG, JPEG or WebP, at most 2 MiB. The result is a 256x256 WebP without any
 * metadata (EXIF, GPS, ICC), oriented as its EXIF said.
 */
export async function normalizeAvatar(dataBase64: string): Promise<Buffer> {
  const compact = dataBase64.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw AppError.badInput(FIELD, 'The image is not valid base64');
  }
  // Refused before decoding a byte beyond what base64 length implies.
  if ((compact.length / 4) * 3 - (compact.match(/=+$/)?.[0].length ?? 0) > MAX_AVATAR_BYTES) {
    throw AppError.badInput(FIELD, 'The image is larger than 2 MiB', {
      maxBytes: MAX_AVATAR_BYTES,
    });
  }
  const bytes = Buffer.from(compact, 'base64');

  let metadata: sharp.Metadata;
  try {
    // Reads the header only: the declared size is checked before any pixel is decoded.
    metadata = await images()(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw AppError.badInput(FIELD, 'The image cannot be read as PNG, JPEG or WebP');
  }
  if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format)) {
    throw AppError.badInput(FIELD, 'The image must be PNG, JPEG or WebP', {
      format: metadata.format ?? null,
    });
  }
  const { width = 0, height = 0 } = metadata;
  // EXIF orientations 5 to 8 swap the sides once applied; squareness does not care.
  if (width > MAX_AVATAR_SIDE || height > MAX_AVATAR_SIDE) {
    throw AppError.badInput(
      FIELD,
      `The image may be at most ${MAX_AVATAR_SIDE}x${MAX_AVATAR_SIDE} px`,
      {
        width,
        height,
      },
    );
  }
  if (width !== height) {
    throw AppError.badInput(FIELD, `The image must be square (it is ${width}x${height} px)`, {
      width,
      height,
    });
  }
  if (width < MIN_AVATAR_SIDE) {
    throw AppError.badInput(
      FIELD,
      `The image must be at least ${MIN_AVATAR_SIDE}x${MIN_AVATAR_SIDE} px`,
      {
        width,
        height,
      },
    );
  }
  try {
    return await images()(bytes, {
      limitInputPixels: MAX_AVATAR_SIDE * MAX_AVATAR_SIDE,
      failOn: 'truncated',
    })
      .rotate()
      .resize(AVATAR_SIDE, AVATAR_SIDE, { fit: 'cover' })
      .webp({ quality: 85 })
      .toBuffer();
  } catch {
    throw AppError.badInput(FIELD, 'The image is truncated or corrupt');
  }
}
