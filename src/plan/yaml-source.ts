import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

/** A problem in an input file, located so a person can jump to it. */
export interface SourceError {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Formats an error as `FILE:LINE:COL: message`, the form every command prints. */
export function formatSourceError(e: SourceError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

export type PathKey = string | number;

/** A parsed YAML file that can say where any path of its content stands. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses text; YAML syntax errors come back located, never thrown. */
  static parse(file: string, text: string): { source: YamlSource; errors: SourceError[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const source = new YamlSource(file, doc, lines);
    const errors = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      return { file, line: pos.line, col: pos.col, message: err.message.split('\n')[0] ?? err.message };
    });
    return { source, errors };
  }

  /** Reads and parses a file; a missing file is reported as a located error at 1:1. */
  static read(file: string): { source: YamlSource | null; errors: SourceError[] } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return { source: null, errors: [{ file, line: 1, col: 1, message: `cannot read file: ${(err as Error).message}` }] };
    }
    return YamlSource.parse(file, text);
  }

  /** The plain JavaScript value of the document. */
  value(): unknown {
    return this.doc.toJS();
  }

  /**
   * Locates a path: the node itself when it exists, otherwise the deepest existing parent.
   * With `key: true`, points at the map key of the last path element instead of its value.
   */
  locate(path: readonly PathKey[], opts: { key?: boolean } = {}): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best: Node | null = isNode(node) ? node : null;
    for (let i = 0; i < path.length; i++) {
      const k = path[i]!;
      if (!isNode(node) || !('items' in node)) break;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === k);
        if (!pair) break;
        if (opts.key && i === path.length - 1 && isNode(pair.key)) {
          best = pair.key;
          break;
        }
        node = pair.value;
      } else {
        node = (node as { items: unknown[] }).items[k as number];
      }
      if (isNode(node)) best = node;
      else break;
    }
    const offset = best?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }

  /** A located error at a path. */
  error(path: readonly PathKey[], message: string, opts: { key?: boolean } = {}): SourceError {
    const { line, col } = this.locate(path, opts);
    return { file: this.file, line, col, message };
  }

  /**
   * Validates the document against a zod schema. Every issue comes back located at the
   * offending node, with the path spelled out and what was expected.
   */
  check<S extends z.ZodType>(schema: S): { value: z.infer<S> | null; errors: SourceError[] } {
    const input = this.value();
    const result = schema.safeParse(input);
    if (result.success) return { value: result.data, errors: [] };
    const errors: SourceError[] = [];
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          errors.push(this.error([...path, key], `${describePath([...path, key])}: unknown field "${key}"`, { key: true }));
        }
        continue;
      }
      errors.push(this.error(path, `${describePath(path)}: ${issueMessage(issue, valueAt(input, path))}`));
    }
    return { value: null, errors: sortErrors(errors) };
  }
}

function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return `missing; expected ${issue.expected}`;
  if (issue.code === 'invalid_value') {
    return `got ${JSON.stringify(value)}; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Sorts errors by file, line and column so output reads top to bottom. */
export function sortErrors(errors: SourceError[]): SourceError[] {
  return [...errors].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
