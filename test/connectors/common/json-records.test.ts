import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract.ts';
import {
  fieldBoolean,
  fieldList,
  fieldText,
  fieldTextOrNull,
  flattenJson,
  hasField,
  parseListCells,
  requireFields,
} from '../../../connectors/common/json-records.ts';

describe('flattenJson', () => {
  it('flattens nested objects into the dotted names of CarbonPlan’s CSV headers, keeping lists and nulls', () => {
    const record = {
      id: 'iss_1',
      supplier: { id: 'spl_1', organisation: { name: 'Alt Carbon', domain: 'alt-carbon.com' }, location: null },
      credit_batch_size_total: { credits: 2765.37, credit_kgs: 2765370 },
      purposes: ['corporate_targets'],
      serials: [{ serial: 'CDC_1', elegible: [{ code: 'CV' }] }],
      empty: {},
    };
    expect(flattenJson(record)).toEqual({
      id: 'iss_1',
      'supplier.id': 'spl_1',
      'supplier.organisation.name': 'Alt Carbon',
      'supplier.organisation.domain': 'alt-carbon.com',
      'supplier.location': null,
      'credit_batch_size_total.credits': 2765.37,
      'credit_batch_size_total.credit_kgs': 2765370,
      purposes: ['corporate_targets'],
      serials: [{ serial: 'CDC_1', elegible: [{ code: 'CV' }] }],
      empty: {},
    });
  });

  it('keeps a `__proto__` key as data', () => {
    const flat = flattenJson(JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>);
    expect(Object.keys(flat)).toEqual(['__proto__.polluted']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('required fields', () => {
  it('counts a field as present when an ancestor is null (a null object)', () => {
    expect(hasField({ 'beneficiary.name': 'Workday' }, 'beneficiary.name')).toBe(true);
    expect(hasField({ beneficiary: null }, 'beneficiary.name')).toBe(true);
    expect(hasField({ beneficiary: '' }, 'beneficiary.name')).toBe(true);
    expect(hasField({ 'beneficiary.id': 'org_1' }, 'beneficiary.name')).toBe(false);
    expect(hasField({ beneficiary: 'Workday' }, 'beneficiary.name')).toBe(false);
  });

  it('fails with a format error naming every field missing from all records', () => {
    const records = [{ id: 'a', quantity: 1 }, { id: 'b' }];
    expect(() => requireFields(records, ['id', 'quantity'], 'feed')).not.toThrow();
    const error = (() => {
      try {
        requireFields(records, ['id', 'date', 'serial'], 'feed page 1');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('format');
    expect((error as ConnectorError).message).toContain('feed page 1: missing required fields "date", "serial"');
    expect(() => requireFields([], ['id'], 'empty page')).not.toThrow();
  });
});

describe('field accessors read JSON values and CSV cell text alike', () => {
  it('text', () => {
    const payload = { a: 'x', n: 2765.37, b: false, nul: null, list: [1], blank: '  ' };
    expect([fieldText(payload, 'a'), fieldText(payload, 'n'), fieldText(payload, 'b'), fieldText(payload, 'nul'), fieldText(payload, 'list')]).toEqual([
      'x',
      '2765.37',
      'false',
      '',
      '',
    ]);
    expect(fieldTextOrNull(payload, 'blank')).toBeNull();
    expect(fieldTextOrNull(payload, 'missing')).toBeNull();
  });

  it('booleans', () => {
    expect(fieldBoolean({ v: true }, 'v')).toEqual({ ok: true, value: true });
    expect(fieldBoolean({ v: 'False' }, 'v')).toEqual({ ok: true, value: false });
    expect(fieldBoolean({ v: '1' }, 'v')).toEqual({ ok: true, value: true });
    expect(fieldBoolean({ v: '' }, 'v')).toEqual({ ok: true, value: null });
    expect(fieldBoolean({ v: 'maybe' }, 'v')).toMatchObject({ ok: false });
  });

  it('lists', () => {
    expect(fieldList({ v: ['a'] }, 'v')).toEqual({ ok: true, value: ['a'] });
    expect(fieldList({ v: "['a', 'b']" }, 'v')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(fieldList({ v: '' }, 'v')).toEqual({ ok: true, value: [] });
    expect(fieldList({ v: null }, 'v')).toEqual({ ok: true, value: [] });
    expect(fieldList({}, 'v')).toEqual({ ok: true, value: [] });
    expect(fieldList({ v: "{'a': 1}" }, 'v')).toMatchObject({ ok: false });
    expect(fieldList({ v: "['a'" }, 'v')).toMatchObject({ ok: false });
    expect(fieldList({ v: 3 }, 'v')).toMatchObject({ ok: false });
  });

  it('parseListCells reads the list columns of an exported row and leaves the rest, and unreadable cells, as text', () => {
    const row = { id: '1', sector: "[{'id': 14}]", locations: '', bad: "['x", other: "['not a list column']" };
    expect(parseListCells(row, ['sector', 'locations', 'bad'])).toEqual({
      id: '1',
      sector: [{ id: 14 }],
      locations: '',
      bad: "['x",
      other: "['not a list column']",
    });
  });
});
