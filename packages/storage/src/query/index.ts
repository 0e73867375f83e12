export type { QueryNode, MatchAllNode, AndNode, OrNode, NotNode, TermNode, ExistsNode, WildcardNode, WildcardPart } from './ast.js';
export { parseQuery, type ParseOptions } from './parser.js';
export { tokenize, type Token } from './lexer.js';
