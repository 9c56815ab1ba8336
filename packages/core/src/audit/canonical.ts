/**
 * Canonical JSON for audit entries: the bytes that get hashed.
 *
 * The encoding is RFC 8785 (JSON Canonicalization Scheme) restricted to the values we accept:
 * object members sorted by key in UTF-16 code-unit order (JavaScript's default sort), no
 * whitespace, strings and numbers serialised as ECMAScript `JSON.stringify` does (which is
 * what RFC 8785 prescribes). To keep it injective and portable we refuse, with a TypeError:
 * `undefined`, functions, symbols, bigints, non-finite numbers, class instances (Date, Map,
 * Buffer…), strings with unpaired surrogates (UTF-8 would turn them into U+FFFD, so two
 * different strings could hash alike), more than MAX_DEPTH levels of nesting, and output longer than
 * the caller's byte limit.
 *
 * Trust: nothing. The input may come from storage an attacker controls; this module only
 * decides whether it is a value we hash and what its bytes are.
 */

/** Most levels of arrays and objects accepted (an entry is level 1, its `data` level 2). */
export const MAX_DEPTH = 8;

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function str(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new TypeError('string with an unpaired surrogate');
  return JSON.stringify(s);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function encode(v: unknown, depth: number): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('non-finite number');
      return JSON.stringify(v);
    case 'string':
      return str(v);
    case 'object': {
      if (depth >= MAX_DEPTH) throw new TypeError(`more than ${MAX_DEPTH} levels of nesting`);
      if (Array.isArray(v)) return `[${v.map((x) => encode(x, depth + 1)).join(',')}]`;
      if (!isPlainObject(v)) throw new TypeError('not a plain object');
      const obj = v as Record<string, unknown>;
      const parts = Object.keys(obj)
        .sort()
        .map((k) => `${str(k)}:${encode(obj[k], depth + 1)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`${typeof v} is not a JSON value`);
  }
}

/** UTF-8 length of a string without unpaired surrogates (encode() refuses those). Portable. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The canonical JSON text of `value`. Throws TypeError when `value` is not one we accept or
 * its UTF-8 form exceeds `maxBytes`.
 *
 * @example canonicalJson({ b: [1, 'x'], a: null }) // '{"a":null,"b":[1,"x"]}'
 */
export function canonicalJson(value: unknown, maxBytes = Infinity): string {
  const s = encode(value, 0);
  if (s.length > maxBytes || (maxBytes !== Infinity && utf8Length(s) > maxBytes)) {
    throw new TypeError(`canonical form longer than ${maxBytes} bytes`);
  }
  return s;
}
