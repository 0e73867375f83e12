export type {
  QueryNode, MatchAllNode, AndNode, OrNode, NotNode, TermNode, ExistsNode, WildcardNode, WildcardPart, RangeNode, RangeBound,
} from './ast.js';
export { parseDateValue, resolveDates, TIME_FIELD } from './dates.js';
export { parseQuery, type ParseOptions } from './parser.js';
export { tokenize, type Token } from './lexer.js';
