/**
 * Name material for the synthetic population. Chinese names are drawn from our own lists so
 * that each has its Hanyu Pinyin (passports and permits print a Latin-script name):
 * - surnames: the 100 most common, weighted roughly by the 2020 census shares
 *   (王 李 张 刘 陈 together about 30 %);
 * - given names: one character (15 %) or two (85 %) from sex-leaning character pools.
 * Foreigners' names come from @faker-js/faker's English lists. Only the English locale is loaded
 * (`@faker-js/faker/locale/en`): the package's root would load all ~70 locales, ~17 MB of heap in
 * every process that starts the simulator.
 * Pinyin is written without tone marks, surname first, in capitals: `WANG XIUYING`.
 */
import { faker } from '@faker-js/faker/locale/en';
import { cumulative, type Rng } from './prng.ts';

// [surname, pinyin, weight in per-mille]
const SURNAMES: ReadonlyArray<readonly [string, string, number]> = [
  ['王', 'WANG', 71], ['李', 'LI', 70], ['张', 'ZHANG', 64], ['刘', 'LIU', 54], ['陈', 'CHEN', 46],
  ['杨', 'YANG', 31], ['黄', 'HUANG', 25], ['赵', 'ZHAO', 22], ['吴', 'WU', 20], ['周', 'ZHOU', 19],
  ['徐', 'XU', 16], ['孙', 'SUN', 15], ['马', 'MA', 15], ['朱', 'ZHU', 14], ['胡', 'HU', 13],
  ['郭', 'GUO', 12], ['何', 'HE', 12], ['林', 'LIN', 11], ['高', 'GAO', 11], ['罗', 'LUO', 11],
  ['郑', 'ZHENG', 10], ['梁', 'LIANG', 10], ['谢', 'XIE', 8], ['宋', 'SONG', 8], ['唐', 'TANG', 8],
  ['许', 'XU', 7], ['邓', 'DENG', 7], ['韩', 'HAN', 7], ['冯', 'FENG', 7], ['曹', 'CAO', 6],
  ['彭', 'PENG', 6], ['曾', 'ZENG', 6], ['肖', 'XIAO', 6], ['田', 'TIAN', 6], ['董', 'DONG', 5],
  ['潘', 'PAN', 5], ['袁', 'YUAN', 5], ['蔡', 'CAI', 5], ['蒋', 'JIANG', 5], ['余', 'YU', 5],
  ['于', 'YU', 5], ['杜', 'DU', 5], ['叶', 'YE', 4], ['程', 'CHENG', 4], ['魏', 'WEI', 4],
  ['苏', 'SU', 4], ['吕', 'LYU', 4], ['丁', 'DING', 4], ['任', 'REN', 4], ['卢', 'LU', 4],
  ['姚', 'YAO', 4], ['沈', 'SHEN', 4], ['钟', 'ZHONG', 4], ['姜', 'JIANG', 4], ['崔', 'CUI', 4],
  ['谭', 'TAN', 3], ['陆', 'LU', 3], ['范', 'FAN', 3], ['汪', 'WANG', 3], ['廖', 'LIAO', 3],
  ['石', 'SHI', 3], ['金', 'JIN', 3], ['韦', 'WEI', 3], ['贾', 'JIA', 3], ['夏', 'XIA', 3],
  ['付', 'FU', 3], ['方', 'FANG', 3], ['邹', 'ZOU', 3], ['熊', 'XIONG', 3], ['白', 'BAI', 3],
  ['孟', 'MENG', 2], ['秦', 'QIN', 2], ['邱', 'QIU', 2], ['侯', 'HOU', 2], ['江', 'JIANG', 2],
  ['尹', 'YIN', 2], ['薛', 'XUE', 2], ['闫', 'YAN', 2], ['段', 'DUAN', 2], ['雷', 'LEI', 2],
  ['龙', 'LONG', 2], ['黎', 'LI', 2], ['史', 'SHI', 2], ['陶', 'TAO', 2], ['贺', 'HE', 2],
  ['毛', 'MAO', 2], ['郝', 'HAO', 2], ['顾', 'GU', 2], ['龚', 'GONG', 2], ['邵', 'SHAO', 2],
  ['万', 'WAN', 2], ['覃', 'QIN', 2], ['武', 'WU', 2], ['钱', 'QIAN', 2], ['戴', 'DAI', 2],
  ['严', 'YAN', 2], ['莫', 'MO', 2], ['孔', 'KONG', 2], ['向', 'XIANG', 2], ['常', 'CHANG', 2],
  ['欧阳', 'OUYANG', 1], ['司马', 'SIMA', 1], ['上官', 'SHANGGUAN', 1], ['诸葛', 'ZHUGE', 1],
];

const MALE_CHARS: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'WEI'], ['强', 'QIANG'], ['磊', 'LEI'], ['军', 'JUN'], ['勇', 'YONG'], ['杰', 'JIE'], ['涛', 'TAO'], ['斌', 'BIN'],
  ['超', 'CHAO'], ['明', 'MING'], ['刚', 'GANG'], ['平', 'PING'], ['辉', 'HUI'], ['鹏', 'PENG'], ['华', 'HUA'], ['飞', 'FEI'],
  ['鑫', 'XIN'], ['波', 'BO'], ['宇', 'YU'], ['浩', 'HAO'], ['凯', 'KAI'], ['健', 'JIAN'], ['俊', 'JUN'], ['帆', 'FAN'],
  ['帅', 'SHUAI'], ['旭', 'XU'], ['宁', 'NING'], ['龙', 'LONG'], ['林', 'LIN'], ['欢', 'HUAN'], ['阳', 'YANG'], ['建', 'JIAN'],
  ['国', 'GUO'], ['志', 'ZHI'], ['文', 'WEN'], ['博', 'BO'], ['轩', 'XUAN'], ['泽', 'ZE'], ['晨', 'CHEN'], ['睿', 'RUI'],
  ['子', 'ZI'], ['天', 'TIAN'], ['嘉', 'JIA'], ['俊', 'JUN'], ['海', 'HAI'], ['东', 'DONG'], ['峰', 'FENG'], ['成', 'CHENG'],
  ['瑞', 'RUI'], ['振', 'ZHEN'], ['德', 'DE'], ['家', 'JIA'], ['一', 'YI'], ['铭', 'MING'], ['昊', 'HAO'], ['然', 'RAN'],
];

const FEMALE_CHARS: ReadonlyArray<readonly [string, string]> = [
  ['芳', 'FANG'], ['娜', 'NA'], ['敏', 'MIN'], ['静', 'JING'], ['丽', 'LI'], ['艳', 'YAN'], ['娟', 'JUAN'], ['霞', 'XIA'],
  ['秀', 'XIU'], ['英', 'YING'], ['玲', 'LING'], ['婷', 'TING'], ['雪', 'XUE'], ['慧', 'HUI'], ['颖', 'YING'], ['琳', 'LIN'],
  ['佳', 'JIA'], ['欣', 'XIN'], ['怡', 'YI'], ['梦', 'MENG'], ['雨', 'YU'], ['涵', 'HAN'], ['诗', 'SHI'], ['萱', 'XUAN'],
  ['晶', 'JING'], ['倩', 'QIAN'], ['洁', 'JIE'], ['兰', 'LAN'], ['红', 'HONG'], ['梅', 'MEI'], ['琴', 'QIN'], ['云', 'YUN'],
  ['月', 'YUE'], ['思', 'SI'], ['可', 'KE'], ['晓', 'XIAO'], ['紫', 'ZI'], ['若', 'RUO'], ['语', 'YU'], ['欣', 'XIN'],
  ['悦', 'YUE'], ['桐', 'TONG'], ['彤', 'TONG'], ['妍', 'YAN'], ['淑', 'SHU'], ['美', 'MEI'], ['华', 'HUA'], ['凤', 'FENG'],
];

const NEUTRAL_CHARS: ReadonlyArray<readonly [string, string]> = [
  ['文', 'WEN'], ['子', 'ZI'], ['雨', 'YU'], ['欣', 'XIN'], ['宇', 'YU'], ['安', 'AN'], ['晨', 'CHEN'], ['一', 'YI'],
  ['春', 'CHUN'], ['秋', 'QIU'], ['小', 'XIAO'], ['新', 'XIN'], ['永', 'YONG'], ['金', 'JIN'], ['玉', 'YU'], ['佳', 'JIA'],
];

const SURNAME_CUM = cumulative(SURNAMES.map((s) => s[2]));

export interface ChineseSurname {
  index: number;
  hanzi: string;
  pinyin: string;
}

export function pickSurname(rng: Rng): ChineseSurname {
  const i = rng.weighted(SURNAME_CUM);
  const s = SURNAMES[i]!;
  return { index: i, hanzi: s[0], pinyin: s[1] };
}

export function surnameAt(index: number): ChineseSurname {
  const s = SURNAMES[index]!;
  return { index, hanzi: s[0], pinyin: s[1] };
}

export interface PersonName {
  name: string;
  nameLatin: string;
}

function givenChar(rng: Rng, sex: 'M' | 'F'): readonly [string, string] {
  if (rng.chance(0.15)) return rng.pick(NEUTRAL_CHARS);
  return rng.pick(sex === 'M' ? MALE_CHARS : FEMALE_CHARS);
}

export function chineseName(rng: Rng, surname: ChineseSurname, sex: 'M' | 'F'): PersonName {
  const a = givenChar(rng, sex);
  if (rng.chance(0.15)) return { name: surname.hanzi + a[0], nameLatin: `${surname.pinyin} ${a[1]}` };
  let b = givenChar(rng, sex);
  if (b[0] === a[0] && rng.chance(0.8)) b = givenChar(rng, sex); // reduplicated names (婷婷) stay, but rarer
  return { name: surname.hanzi + a[0] + b[0], nameLatin: `${surname.pinyin} ${a[1]}${b[1]}` };
}

const en = faker.rawDefinitions;
const EN_LAST = en.person!.last_name!.generic as readonly string[];
const EN_FIRST = en.person!.first_name as unknown as { female: readonly string[]; male: readonly string[] };

/** A foreigner's name as printed on the permanent residence ID: `SURNAME, GIVEN`. */
export function foreignName(rng: Rng, sex: 'M' | 'F'): PersonName {
  const last = rng.pick(EN_LAST).toUpperCase();
  const first = rng.pick(sex === 'M' ? EN_FIRST.male : EN_FIRST.female).toUpperCase();
  const latin = `${last}, ${first}`;
  return { name: latin, nameLatin: latin };
}

/** Nationalities of foreign permanent residents: ISO 3166-1 numeric and alpha-3, weighted. */
export const NATIONALITIES: ReadonlyArray<readonly [numeric: string, alpha3: string, weight: number]> = [
  ['410', 'KOR', 20], ['840', 'USA', 15], ['392', 'JPN', 12], ['643', 'RUS', 8], ['704', 'VNM', 7],
  ['276', 'DEU', 6], ['124', 'CAN', 6], ['036', 'AUS', 5], ['826', 'GBR', 5], ['250', 'FRA', 4],
  ['586', 'PAK', 4], ['702', 'SGP', 4], ['458', 'MYS', 4], ['764', 'THA', 3], ['356', 'IND', 3],
  ['496', 'MNG', 3], ['566', 'NGA', 2], ['076', 'BRA', 2], ['380', 'ITA', 2], ['724', 'ESP', 2],
];
export const NATIONALITY_CUM = cumulative(NATIONALITIES.map((n) => n[2]));
