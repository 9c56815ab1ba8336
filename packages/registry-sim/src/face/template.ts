/**
 * The face model. A template is a unit vector of 128 floats — the shape of a typical face
 * embedding. The registry holds one per person, expanded on demand from a 53-bit seed stored
 * in the database (the same information as 1 KiB of floats, in 8 bytes).
 *
 * A camera capture of the holder is the template plus Gaussian noise (σ = 0.03 per component,
 * giving a cosine similarity of about 0.94); a capture of someone else starts from another
 * template, and two random unit vectors in 128 dimensions have similarity ≈ N(0, 0.09²).
 * With the default threshold 0.80 both error rates are negligible: that is a simulator, not
 * a claim about real face recognition.
 */
import { FACE_TEMPLATE_LENGTH } from '@wangzheng/core/registry/schemas';
import { Rng, hashInts } from '../population/prng.ts';

export const DEFAULT_FACE_THRESHOLD = 0.8;
export const CAPTURE_NOISE_SIGMA = 0.03;

function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

function rngOf(seed: number, salt: number): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296);
  return new Rng(hashInts(lo, hi, salt), hashInts(hi, lo, salt + 1), hashInts(lo ^ 0x9e3779b9, hi, salt + 2), hashInts(hi ^ 0x7f4a7c15, lo, salt + 3));
}

export function faceTemplate(faceSeed: number): Float64Array {
  const rng = rngOf(faceSeed, 11);
  const v = new Float64Array(FACE_TEMPLATE_LENGTH);
  for (let i = 0; i < v.length; i++) v[i] = rng.gaussian();
  return normalise(v);
}

/** A simulated capture: `template` + N(0, σ²) noise, renormalised. `noiseSeed` picks the noise. */
export function capture(template: Float64Array, noiseSeed: number, sigma = CAPTURE_NOISE_SIGMA): number[] {
  const rng = rngOf(noiseSeed, 23);
  const v = new Float64Array(template.length);
  for (let i = 0; i < v.length; i++) v[i] = template[i]! + sigma * rng.gaussian();
  return Array.from(normalise(v), (x) => Math.round(x * 1e6) / 1e6);
}
