export * from './values.js';
export * from './functions/types.js';
export { compile, validate, type CompiledExpression, type EvalContext, type StellarOptions, type Variables } from './evaluate.js';
export { StellarEvalError, StellarParseError, type SourceSpan } from './errors.js';
export { DEFAULT_LIMITS, type StellarLimits } from './limits.js';
export { FunctionRegistry, defaultRegistry } from './registry.js';
export { stellarEquals, javaEquals, mapGet, mapHas, collectionContains } from './equality.js';
export { arithmetic, compareNumbers, remainder, promotedType, ArithmeticError } from './numeric.js';
export { interpret, parse, type ParseLimits, type TreeWalkOptions } from './tree-walk.js';
