/**
 * Printing the platform's personal-information notice (GET /v1/enrollment-notice) for a person
 * to read before they consent: every section in Chinese and English, the sensitive-data part
 * separately, and the version and digest that the consent will name.
 */
import type { NoticeView } from '@wangzheng/wallet/enroll/enroll';
import type { Io } from '../../io.ts';

interface Section {
  zh?: unknown;
  en?: unknown;
}

const TITLES: [string, string][] = [
  ['purposes', '处理目的 Purposes'],
  ['methods', '处理方式 Methods'],
  ['categories', '个人信息种类 Categories'],
  ['retention', '保存期限 Retention'],
  ['rights', '您的权利 Your rights'],
];

const SENSITIVE: [string, string][] = [
  ['data', '敏感个人信息 Sensitive data'],
  ['necessity', '必要性 Necessity'],
  ['effect', '对您的影响 Effect on you'],
];

function section(io: Io, title: string, s: unknown): void {
  const o = (typeof s === 'object' && s !== null ? s : {}) as Section;
  io.out(`  ${title}`);
  if (typeof o.zh === 'string') io.out(`    ${o.zh}`);
  if (typeof o.en === 'string') io.out(`    ${o.en}`);
}

export function printNotice(io: Io, notice: NoticeView): void {
  const platform = (notice['platform'] ?? {}) as { name?: Section; contact?: unknown };
  io.out('');
  io.out(`个人信息处理告知 / Notice on the processing of personal information — version ${notice.version}`);
  if (platform.name) section(io, '处理者 Processor', platform.name);
  if (typeof platform.contact === 'string') io.out(`    ${platform.contact}`);
  for (const [key, title] of TITLES) if (notice[key] !== undefined) section(io, title, notice[key]);
  const sensitive = (notice['sensitive'] ?? {}) as Record<string, unknown>;
  io.out('');
  io.out('  敏感个人信息处理（单独同意） / Sensitive personal information (separate consent)');
  for (const [key, title] of SENSITIVE) if (sensitive[key] !== undefined) section(io, title, sensitive[key]);
  io.out('');
  io.out(`  (notice digest, SM3: ${notice.digest})`);
  io.out('');
}
