// A chosen picture made fit to upload: decoded by the browser (anything it cannot decode is
// refused here), cropped to a centred square, scaled to 256 px and encoded again as WebP (JPEG
// where WebP encoding is missing), which also drops what the file carried besides pixels
// (location, camera). Lower quality until it fits the server's limit.
import { Limits } from '../../../server/protocol.ts';

const side = 256;

export async function scalePicture(file: Blob): Promise<Uint8Array<ArrayBuffer>> {
  const bitmap = await createImageBitmap(file);
  try {
    const crop = Math.min(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.drawImage(
      bitmap,
      (bitmap.width - crop) / 2,
      (bitmap.height - crop) / 2,
      crop,
      crop,
      0,
      0,
      side,
      side,
    );
    for (const quality of [0.9, 0.75, 0.6, 0.45]) {
      for (const type of ['image/webp', 'image/jpeg']) {
        const blob = await new Promise<Blob | null>((resolve) =>
          canvas.toBlob(resolve, type, quality),
        );
        if (!blob || blob.type !== type) continue;
        if (blob.size <= Limits.avatarImageMaxBytes)
          return new Uint8Array(await blob.arrayBuffer());
        break;
      }
    }
    throw new Error('the picture does not fit the upload limit');
  } finally {
    bitmap.close();
  }
}
