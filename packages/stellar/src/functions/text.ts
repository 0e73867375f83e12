/**
 * FUZZY_LANGS and FUZZY_SCORE (Metron TextFunctions.java), the latter following commons-text
 * FuzzyScore: one point per query character matched in order, two bonus points when the match
 * directly follows the previous one; comparison is case-insensitive in the given locale.
 */
import { JInt } from '../values.js';
import type { StellarFunction } from './types.js';
import { arg, defineFunction, fail } from './java-interop.js';

/** BCP 47 tags accepted by FUZZY_SCORE: the languages and locales a JDK ships. */
const LANGUAGE_TAGS = [
  'ar', 'ar-AE', 'ar-EG', 'ar-SA', 'be', 'bg', 'bg-BG', 'ca', 'ca-ES', 'cs', 'cs-CZ', 'da', 'da-DK', 'de', 'de-AT', 'de-CH', 'de-DE',
  'el', 'el-GR', 'en', 'en-AU', 'en-CA', 'en-GB', 'en-IE', 'en-IN', 'en-NZ', 'en-US', 'en-ZA', 'es', 'es-AR', 'es-ES', 'es-MX', 'es-US',
  'et', 'et-EE', 'fi', 'fi-FI', 'fr', 'fr-BE', 'fr-CA', 'fr-CH', 'fr-FR', 'ga', 'he', 'hi', 'hi-IN', 'hr', 'hr-HR', 'hu', 'hu-HU', 'in',
  'is', 'it', 'it-CH', 'it-IT', 'iw', 'ja', 'ja-JP', 'ko', 'ko-KR', 'lt', 'lt-LT', 'lv', 'lv-LV', 'mk', 'ms', 'mt', 'nl', 'nl-BE',
  'nl-NL', 'no', 'no-NO', 'pl', 'pl-PL', 'pt', 'pt-BR', 'pt-PT', 'ro', 'ro-RO', 'ru', 'ru-RU', 'sk', 'sk-SK', 'sl', 'sl-SI', 'sq', 'sr',
  'sv', 'sv-SE', 'th', 'th-TH', 'tr', 'tr-TR', 'uk', 'uk-UA', 'vi', 'vi-VN', 'zh', 'zh-CN', 'zh-HK', 'zh-TW',
];
const KNOWN_TAGS = new Set(LANGUAGE_TAGS.map((t) => t.toLowerCase()));

function lowerCase(s: string, lang: string): string {
  const primary = lang.split('-')[0]?.toLowerCase() ?? '';
  // Only Turkish/Azeri/Lithuanian lowercase differently from the root locale.
  return ['tr', 'az', 'lt'].includes(primary) ? s.toLocaleLowerCase(primary) : s.toLowerCase();
}

/** commons-text FuzzyScore.fuzzyScore(term, query). */
export function fuzzyScore(term: string, query: string, lang: string): number {
  const t = lowerCase(term, lang);
  const q = lowerCase(query, lang);
  let score = 0;
  let termIndex = 0;
  let previous = Number.MIN_SAFE_INTEGER;
  for (let qi = 0; qi < q.length; qi++) {
    const qc = q[qi];
    let found = false;
    for (; termIndex < t.length && !found; termIndex++) {
      if (qc === t[termIndex]) {
        score++;
        if (previous + 1 === termIndex) score += 2;
        previous = termIndex;
        found = true;
      }
    }
  }
  return score;
}

export const functions: StellarFunction[] = [
  defineFunction('FUZZY_LANGS', 'FUZZY', 'Lists the IETF BCP 47 language tags FUZZY_SCORE accepts.', [], 'A list of language tags such as en, fr, de.', () => [...LANGUAGE_TAGS]),
  defineFunction('FUZZY_SCORE', 'FUZZY', 'Scores how well a query matches a term: a point per matched character, two bonus points for consecutive matches.', ['string - The term to match against', 'string - The query', 'string - The IETF BCP 47 language tag (see FUZZY_LANGS)'], 'The score as an int (higher is more similar).', (args) => {
    if (args.length < 3) fail('FUZZY_SCORE expects three args: [string, string, string]');
    const term = arg(args, 0);
    const query = arg(args, 1);
    const lang = arg(args, 2);
    if (typeof lang !== 'string' || !KNOWN_TAGS.has(lang.toLowerCase())) {
      return fail(`FUZZY_SCORE: '${String(lang)}' is not an available language tag (see FUZZY_LANGS)`);
    }
    if (typeof term !== 'string' || typeof query !== 'string' || term === '' || query === '') return new JInt(0);
    return new JInt(fuzzyScore(term, query, lang));
  }),
];
