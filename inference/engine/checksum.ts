/** sha256 of model files (streamed, so multi-gigabyte exports do not load into memory twice). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The model checksum every result carries: sha256 over "<encoder sha256>\n<decoder sha256>". */
export function modelChecksum(encoderSha256: string, decoderSha256: string): string {
  return createHash('sha256').update(`${encoderSha256}\n${decoderSha256}`).digest('hex');
}
