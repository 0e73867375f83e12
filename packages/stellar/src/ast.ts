/** The Stellar syntax tree. Every node keeps its source span for error carets. */
import type { StellarValue } from './values.js';

export type ArithOp = '+' | '-' | '*' | '/';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

interface Base {
  readonly start: number;
  readonly end: number;
}

/** A literal; numbers already carry their Java type (JInt, JLong, JFloat or a double). */
export interface LiteralNode extends Base { readonly type: 'literal'; readonly value: StellarValue }
export interface VariableNode extends Base { readonly type: 'variable'; readonly name: string }
export interface ExistsNode extends Base { readonly type: 'exists'; readonly name: string }
export interface ListNode extends Base { readonly type: 'list'; readonly items: readonly Node[] }
export interface MapNode extends Base { readonly type: 'map'; readonly entries: readonly (readonly [Node, Node])[] }
export interface ArithNode extends Base { readonly type: 'arith'; readonly op: ArithOp; readonly left: Node; readonly right: Node }
export interface CompareNode extends Base { readonly type: 'compare'; readonly op: CompareOp; readonly left: Node; readonly right: Node }
export interface LogicalNode extends Base { readonly type: 'logical'; readonly op: 'and' | 'or'; readonly left: Node; readonly right: Node }
export interface NotNode extends Base { readonly type: 'not'; readonly operand: Node }
/** `item in container` / `item not in container`. */
export interface InNode extends Base { readonly type: 'in'; readonly negated: boolean; readonly item: Node; readonly container: Node }
/** `c ? a : b` and `if c then a else b`. */
export interface ConditionalNode extends Base { readonly type: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node }
export interface MatchNode extends Base {
  readonly type: 'match';
  readonly clauses: readonly { readonly check: Node; readonly action: Node }[];
  readonly otherwise: Node;
}
export interface LambdaNode extends Base { readonly type: 'lambda'; readonly params: readonly string[]; readonly body: Node }
export interface CallNode extends Base { readonly type: 'call'; readonly name: string; readonly nameEnd: number; readonly args: readonly Node[] }
/** An empty expression (only whitespace or comments). */
export interface EmptyNode extends Base { readonly type: 'empty' }

export type Node =
  | LiteralNode | VariableNode | ExistsNode | ListNode | MapNode | ArithNode | CompareNode | LogicalNode | NotNode
  | InNode | ConditionalNode | MatchNode | LambdaNode | CallNode | EmptyNode;
