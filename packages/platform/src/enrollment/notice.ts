/**
 * The personal-information processing notice a person reads before enrolling (Art. 10 of the
 * regulation; PIPL Art. 17 and, for sensitive data, Art. 29–30). Versioned: a consent record
 * names the version it was given to, and a new text gets a new version — never an edit in
 * place. The digest lets anyone check which exact text a version is.
 *
 * Two consents are asked for, separately: the processing described here, and the sensitive
 * data (face image comparison, identity document) with its necessity and effect.
 */
import { createHash } from 'node:crypto';
import { encodeConsentSubject } from '../person/consent-subject.ts';

export interface NoticeSection {
  readonly zh: string;
  readonly en: string;
}

export interface Notice {
  readonly version: string;
  readonly platform: { readonly name: NoticeSection; readonly contact: string };
  readonly purposes: NoticeSection;
  readonly methods: NoticeSection;
  readonly categories: NoticeSection;
  readonly retention: NoticeSection;
  readonly rights: NoticeSection;
  readonly sensitive: {
    readonly data: NoticeSection;
    readonly necessity: NoticeSection;
    readonly effect: NoticeSection;
  };
}

export const NOTICE: Notice = Object.freeze({
  version: '2026-11-23.1',
  platform: {
    name: { zh: '国家网络身份认证公共服务平台（Wangzheng 参考实现）', en: 'National network identity authentication public service (Wangzheng reference implementation)' },
    contact: 'privacy@wangzheng.example',
  },
  purposes: {
    zh: '为您申领网号、网证，并在您授权时向互联网平台提供身份核验结果。',
    en: 'To issue your network ID number (网号) and credential (网证), and to give internet platforms a verification result when you authorise it.',
  },
  methods: {
    zh: '读取您证件芯片中的信息并与国家人口基础信息库比对；人脸比对；短信验证码绑定手机号。个人信息加密存储，仅以密钥摘要检索。',
    en: "Reading your document's chip and comparing it with the national population registry; comparing a live face image with the registry's; binding your phone number with a one-time SMS code. Personal data is stored encrypted and looked up only by keyed digests.",
  },
  categories: {
    zh: '姓名、性别、出生日期、国籍、证件类型、号码和有效期、手机号、设备公钥；人脸比对只保留相似度分数，不保留人脸图像或特征。',
    en: 'Name, sex, birth date, nationality, document type, number and validity, mobile number, device public key. Of the face comparison only the similarity score is kept — never the image or template.',
  },
  retention: {
    zh: '网证有效期间保存；注销网号后立即删除全部个人信息（销毁数据密钥）。未完成的申领在过期后删除，仅保留不含个人信息的计数。',
    en: 'Kept while your credential is valid; cancelling your 网号 deletes all of it at once (the data key is destroyed). An unfinished enrollment is deleted when it expires; only a count without personal data remains.',
  },
  rights: {
    zh: '您可以随时查询谁核验了您、撤回对某平台的授权、导出或更正您的信息、注销网号。联系方式见上。',
    en: 'At any time you can see who verified you, withdraw a platform’s authorisation, export or correct your data, and cancel your 网号. Contact us at the address above.',
  },
  sensitive: {
    data: { zh: '人脸信息、身份证件号码。', en: 'Face data and identity document numbers.' },
    necessity: {
      zh: '用于确认申领人是证件持有人本人，防止冒用他人身份。',
      en: 'To make sure the person enrolling is the holder of the document, so nobody can enroll as someone else.',
    },
    effect: {
      zh: '比对不通过将无法申领；泄露可能导致身份被冒用，因此我们仅保留比对分数和加密的证件信息。',
      en: 'If the comparison fails you cannot enroll. A leak could enable identity theft, which is why we keep only the score and the encrypted document data.',
    },
  },
});

/** SM3 over the canonical JSON of the notice: names the exact text of a version. */
export function noticeDigest(notice: Notice = NOTICE): string {
  return createHash('sm3').update(JSON.stringify(notice)).digest('base64url');
}

/** Consent subjects as stored: the processing consent and the separate sensitive-data one (person/consent-subject.ts). */
export function consentSubjects(version: string): { processing: string; sensitive: string } {
  return {
    processing: encodeConsentSubject({ kind: 'notice', version, sensitive: false }),
    sensitive: encodeConsentSubject({ kind: 'notice', version, sensitive: true }),
  };
}
