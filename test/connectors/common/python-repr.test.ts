import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from '../../../connectors/common/python-repr.ts';

const csv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];

describe('parsePythonLiteral', () => {
  it('reads the list cells CarbonPlan wrote for Isometric and Cercarbono', () => {
    expect(parsePythonLiteral("['public_environmental_claims', 'corporate_targets']")).toEqual({
      ok: true,
      value: ['public_environmental_claims', 'corporate_targets'],
    });
    expect(parsePythonLiteral('[]')).toEqual({ ok: true, value: [] });
    expect(
      parsePythonLiteral(
        "[{'city': 'Planeta Rica', 'country': 'Colombia', 'region': 'Cordoba', 'data_map': {'latitude': 8.412918740997307, 'longitude': -75.58408635215012}}]",
      ),
    ).toEqual({
      ok: true,
      value: [{ city: 'Planeta Rica', country: 'Colombia', region: 'Cordoba', data_map: { latitude: 8.412918740997307, longitude: -75.58408635215012 } }],
    });
    expect(parsePythonLiteral("[{'verification': 1, 'is_buffer': False, 'global_goals': [], 'x': None}]")).toEqual({
      ok: true,
      value: [{ verification: 1, is_buffer: false, global_goals: [], x: null }],
    });
  });

  it('reads every list cell of the fixtures', () => {
    const cells = [
      ...csv('test/fixtures/registries/isometric/retirements.csv').map((row) => row.purposes!),
      ...csv('test/fixtures/registries/cercarbono/projects.csv').flatMap((row) => [row.sector!, row.locations!, row.serials!]),
      ...csv('test/fixtures/registries/cercarbono/issuances.csv').flatMap((row) => [row.global_goals!, row.elegible!]),
    ];
    expect(cells).toHaveLength(100 + 150 + 200);
    for (const cell of cells) {
      const parsed = parsePythonLiteral(cell);
      expect(parsed.ok, cell.slice(0, 80)).toBe(true);
      expect(Array.isArray(parsed.ok && parsed.value)).toBe(true);
    }
  });

  it('reads Python string quoting and escapes', () => {
    // repr() switches to double quotes when the text holds a single quote.
    expect(parsePythonLiteral(`["it's", 'say "hi"', 'a\\'b', 'tab\\there', '\\xe9\\u00e9\\U0001F600', 'back\\\\slash']`)).toEqual({
      ok: true,
      value: ["it's", 'say "hi"', "a'b", 'tab\there', 'éé😀', 'back\\slash'],
    });
    expect(parsePythonLiteral("'Medellín — “Forestal”'")).toEqual({ ok: true, value: 'Medellín — “Forestal”' });
  });

  it('reads numbers, tuples, int keys and the constants, with nan and inf as null', () => {
    expect(parsePythonLiteral('(1, -2.5, 1e-05, 3.0, nan, -inf)')).toEqual({ ok: true, value: [1, -2.5, 0.00001, 3, null, null] });
    expect(parsePythonLiteral("{8: 'Economic growth', 'ok': True, 'js': true, 'n': null}")).toEqual({
      ok: true,
      value: { '8': 'Economic growth', ok: true, js: true, n: null },
    });
    expect(parsePythonLiteral('  [ 1 , 2 , ]  ')).toEqual({ ok: true, value: [1, 2] });
  });

  it('treats a blank cell as null', () => {
    expect(parsePythonLiteral('')).toEqual({ ok: true, value: null });
    expect(parsePythonLiteral('   ')).toEqual({ ok: true, value: null });
    expect(parsePythonLiteral(undefined)).toEqual({ ok: true, value: null });
  });

  it('refuses what is not a single literal, naming the position, and never evaluates code', () => {
    const failures = [
      ["['open", 'string not closed at character 2'],
      ["[{'a': 1}", 'expected "," or "]"'],
      ["{'a' 1}", 'expected ":" after a dict key'],
      ['[1] [2]', 'unexpected text after the value'],
      ["__import__('os')", 'unknown name "__import__"'],
      ["[x for x in 'ab']", 'unknown name "x"'],
      ['{[1]: 2}', 'a dict key must be a string'],
      ['-', 'expected a value'],
    ];
    for (const [text, message] of failures) {
      const parsed = parsePythonLiteral(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error, text).toContain(message);
    }
  });

  it('keeps `__proto__` keys as plain data', () => {
    const parsed = parsePythonLiteral("{'__proto__': {'polluted': 1}}");
    expect(parsed.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (parsed.ok) expect(Object.keys(parsed.value as object)).toEqual(['__proto__']);
  });

  it('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    const parsed = parsePythonLiteral(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect(parsed.ok).toBe(false);
  });
});
