/**
 * Checks on a decoded JSON body before any schema sees it: no `__proto__` keys (a zod record or a spread would turn
 * one into a prototype, or drop it silently) and bounded nesting (the Temporal client serialises inputs
 * recursively, so a deeply nested body must be refused here, with a 400, and never reach it).
 */
import type { FieldIssue } from './validate';

/** Deepest nesting of objects and arrays accepted in a request body (inline rules allow 48 levels themselves). */
export const MAX_BODY_DEPTH = 64;

/** Keys refused anywhere in a body. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** The first problem in `body`'s shape, or `undefined`. Iterative: any depth is safe to inspect. */
export function jsonShapeProblem(body: unknown): FieldIssue | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_BODY_DEPTH) {
      return { path: path.slice(0, 8).join('.') || '(body)', message: `nested more than ${MAX_BODY_DEPTH} levels` };
    }
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => stack.push({ value: item, path: [...path, String(i)] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return { path: [...path, key].join('.'), message: 'prototype keys are not allowed' };
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}
