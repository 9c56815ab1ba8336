/** Face templates on the wire: exactly 128 finite floats, not all zero. */
import { WzError } from '../errors.ts';

export function parseFaceTemplate(probe: unknown, length = 128): Float64Array {
  if (!Array.isArray(probe) || probe.length !== length) {
    throw new WzError('invalid_face_template', `A face template is an array of exactly ${length} numbers.`, { detail: 'length' });
  }
  const out = new Float64Array(length);
  let norm = 0;
  for (let i = 0; i < length; i++) {
    const v: unknown = probe[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 1e6) {
      throw new WzError('invalid_face_template', 'Every face template component must be a finite number.', { detail: 'component' });
    }
    out[i] = v;
    norm += v * v;
  }
  if (norm === 0) throw new WzError('invalid_face_template', 'A face template must not be all zeros.', { detail: 'zero' });
  return out;
}

/** Cosine similarity of two equal-length vectors (neither all-zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new TypeError('cosineSimilarity: length mismatch');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const s = dot / Math.sqrt(na * nb);
  return Math.max(-1, Math.min(1, s));
}
