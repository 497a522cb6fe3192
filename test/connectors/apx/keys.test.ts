import { describe, expect, it } from 'vitest';
import { apxNaturalKey } from '../../../connectors/apx/normalize.ts';
import { ACR, ART, CAR, type ApxRegistry } from '../../../connectors/apx/registries.ts';
import { acr } from '../../../connectors/acr/index.ts';
import { artTrees } from '../../../connectors/art-trees/index.ts';
import { car } from '../../../connectors/car/index.ts';
import type { Connector, RawRecord } from '../../../connectors/contract.ts';
import { acrFixtureDir } from '../../support/connectors/acr.ts';
import { artTreesFixtureDir } from '../../support/connectors/art-trees.ts';
import { carFixtureDir, readRows } from '../../support/connectors/car.ts';
import { collect } from '../../support/connectors/records.ts';

const readAll = (connector: Connector, dir: string): Promise<RawRecord[]> => collect(connector.readExports(dir));

const registries: [string, Connector, ApxRegistry, string][] = [
  ['ACR', acr, ACR, acrFixtureDir],
  ['CAR', car, CAR, carFixtureDir],
  ['ART', artTrees, ART, artTreesFixtureDir],
];

describe.each(registries)('%s natural keys', (_label, connector, config, dir) => {
  it('are unique within each export without falling back to repeat suffixes or hashes', async () => {
    const records = await readAll(connector, dir);
    for (const sourceKind of ['projects', 'issuances', 'retirements', 'cancellations']) {
      const keys = records.filter((r) => r.sourceKind === sourceKind).map((r) => r.naturalKey);
      expect(new Set(keys).size, sourceKind).toBe(keys.length);
      expect(keys.filter((key) => key.includes('#') || key.startsWith('sha256:')), sourceKind).toEqual([]);
    }
    // Credit keys are unique across the three ledgers, as the credits table needs.
    const creditKeys = records.flatMap((r) => {
      const result = connector.normalize(r);
      return result.ok ? result.credits.map((c) => c.naturalKey) : [];
    });
    expect(new Set(creditKeys).size).toBe(creditKeys.length);
  });

  it('are the same on every read (deterministic), and ledger keys are `<kind>:<serial>`', async () => {
    const first = (await readAll(connector, dir)).map((r) => r.naturalKey);
    const second = (await readAll(connector, dir)).map((r) => r.naturalKey);
    expect(second).toEqual(first);
    const serialColumn = config.retirements.serial![0];
    const serials = readRows(`${dir}/retirements.csv`).rows.map((row) => `retirement:${row[serialColumn]}`);
    expect(first.filter((key) => key.startsWith('retirement:'))).toEqual(serials);
  });

  it('of issuances need the quantity: without it some rows of one issuance would collide', () => {
    // Proof that project + vintage + date (+ ACR's period) alone is not unique in the fixtures
    // for ACR (ACR885, ACR851…: rows split by unit type) and CAR (CAR1568: split by CCP label).
    const rows = readRows(`${dir}/issuances.csv`).rows;
    const keys = rows.map((row) => apxNaturalKey(config, 'issuances', row));
    const withoutQuantity = keys.map((key) => key.replace(/:q\d+$/, ''));
    expect(new Set(keys).size).toBe(rows.length);
    const collisions = withoutQuantity.length - new Set(withoutQuantity).size;
    expect(collisions).toBe({ ACR: 12, CAR: 1, ART: 0 }[config.label]);
  });
});

describe('issuance keys', () => {
  it('are built from project, vintage, issuance time, reporting period (ACR) and quantity', () => {
    const [first] = readRows(`${acrFixtureDir}/issuances.csv`).rows;
    expect(apxNaturalKey(ACR, 'issuances', first!)).toBe('issuance:ACR731:v2026:2026-03-24T21:08:01:2025-02-01/2026-01-31:q74344');
    const [carFirst] = readRows(`${carFixtureDir}/issuances.csv`).rows;
    expect(apxNaturalKey(CAR, 'issuances', carFirst!)).toBe('issuance:CAR2264:v2026:2026-03-19:q9166');
    const [artFirst] = readRows(`${artTreesFixtureDir}/issuances.csv`).rows;
    expect(apxNaturalKey(ART, 'issuances', artFirst!)).toBe('issuance:ART130:v2023:2026-03-09:q109796');
  });

  it('do not change with pandas float renderings or spacing (`2025.0`, `74,344`, doubled spaces)', () => {
    const [first] = readRows(`${acrFixtureDir}/issuances.csv`).rows;
    const reformatted = { ...first!, Vintage: '2026.0', 'Total Credits Issued': '74,344', 'Date Issued (GMT)': '3/24/2026  9:08:01 PM' };
    expect(apxNaturalKey(ACR, 'issuances', reformatted)).toBe(apxNaturalKey(ACR, 'issuances', first!));
  });
});
