/**
 * Which clause of a selector decides a user: the clause that selected them, or the clause they fail. Used to
 * explain membership; the yes/no decision itself always comes from `compileSelector` (evaluate.ts), the evaluator
 * planning uses, so explanations can never disagree with plans.
 */
import type { DirectoryUser } from './directory-user';
import { compileSelector, type UserPredicate } from './evaluate';
import type { Selector } from './rules-schema';

/**
 * A selector compiled once with its position in the group entry. Paths follow the parsed form: a list written as
 * `include: [a, b]` is `include.any[0]`, `include.any[1]` (the same as `include: {any: [a, b]}`), a `not`'s inner
 * selector is `….not`.
 */
export interface SelectorNode {
  selector: Selector;
  /** Path inside the group entry, e.g. `include.any[1]` or `exclude.all[0].not`. */
  path: string;
  test: UserPredicate;
  children: SelectorNode[];
}

/**
 * Compiles `selector` at `path` (e.g. `include`). Leaves are compiled by `compileSelector`; composites combine
 * their children exactly as evaluate.ts does, so each node's `test` agrees with the evaluator.
 */
export function compileSelectorTree(selector: Selector, path: string): SelectorNode {
  switch (selector.kind) {
    case 'any':
    case 'all': {
      const children = selector.of.map((part, i) => compileSelectorTree(part, `${path}.${selector.kind}[${i}]`));
      const test: UserPredicate =
        selector.kind === 'any'
          ? (user) => children.some((child) => child.test(user))
          : (user) => children.every((child) => child.test(user));
      return { selector, path, test, children };
    }
    case 'not': {
      const inner = compileSelectorTree(selector.of, `${path}.not`);
      return { selector, path, test: (user) => !inner.test(user), children: [inner] };
    }
    default:
      return { selector, path, test: compileSelector(selector), children: [] };
  }
}

/**
 * The most specific clause that makes `node` match `user`: the first matching alternative of an `any`
 * (recursively); an `all`, a `not` or an attribute selector is its own witness (all of it is needed).
 * `undefined` when `node` does not match.
 */
export function matchingClause(node: SelectorNode, user: DirectoryUser): SelectorNode | undefined {
  if (!node.test(user)) return undefined;
  if (node.selector.kind !== 'any') return node;
  for (const child of node.children) {
    const witness = matchingClause(child, user);
    if (witness !== undefined) return witness;
  }
  return node; // unreachable while `test` agrees with the children; the node itself is still a true witness
}

/**
 * The most specific clause `user` fails, for a `node` that does not match: the first failing part of an `all`
 * (recursively), the only alternative of a one-item `any`; otherwise the node itself (every alternative of an
 * `any` fails, or a `not` whose inner selector matches). `undefined` when `node` matches.
 */
export function failingClause(node: SelectorNode, user: DirectoryUser): SelectorNode | undefined {
  if (node.test(user)) return undefined;
  const kind = node.selector.kind;
  if (kind === 'all' || (kind === 'any' && node.children.length === 1)) {
    for (const child of node.children) {
      const failing = failingClause(child, user);
      if (failing !== undefined) return failing;
    }
  }
  return node;
}
