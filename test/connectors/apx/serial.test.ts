import { describe, expect, it } from 'vitest';
import { ACR, ART, CAR, type ApxRegistry } from '../../../connectors/apx/registries.ts';
import { blockQuantity, parseApxSerial } from '../../../connectors/apx/serial.ts';
import type { SerialBlock } from '../../../connectors/contract.ts';
import { readRows } from '../../support/connectors/car.ts';

function parsed(serial: string, config: ApxRegistry): SerialBlock {
  const result = parseApxSerial(serial, config.serial);
  if ('error' in result) throw new Error(result.error);
  return result;
}

/** Serial, quantity column, project id and vintage of every retirement and cancellation row. */
function ledgerRows(dir: string, serialColumn: string, quantityColumn: string, projectColumn: string) {
  return ['retirements.csv', 'cancellations.csv'].flatMap((file) =>
    readRows(`test/fixtures/registries/${dir}/${file}`).rows.map((row) => ({
      serial: row[serialColumn]!,
      quantity: Number(row[quantityColumn]),
      project: row[projectColumn]!,
      vintage: Number(row.Vintage),
    })),
  );
}

const registries = [
  { config: ACR, rows: ledgerRows('american-carbon-registry', 'Credit Serial Numbers', 'Quantity of Credits', 'Project ID'), count: 150 },
  { config: CAR, rows: ledgerRows('climate-action-reserve', 'Offset Credit Serial Numbers', 'Quantity of Offset Credits', 'Project ID'), count: 150 },
  { config: ART, rows: ledgerRows('art-trees', 'Credit Serial Numbers', 'Quantity of Credits', 'Program ID'), count: 11 },
];

describe('parseApxSerial', () => {
  it('reads the ACR layout: country, project number, vintage, batch, first and last unit', () => {
    expect(parsed('ACR-US-934-2024-2891-58384 to 58673', ACR)).toEqual({
      namespace: 'ACR-US-934-2024-2891',
      firstUnit: 58384,
      lastUnit: 58673,
      parts: { prefix: 'ACR', country: 'US', projectNumber: '934', vintage: 2024, batch: 2891 },
    });
    expect(blockQuantity(parsed('ACR-US-934-2024-2891-58384 to 58673', ACR))).toBe(290);
  });

  it('reads the CAR layout with unit class, protocol, the unexplained sixth segment and the state', () => {
    const block = parsed('CAR-1-US-1335-31-983-KS-2025-9205-1 to 5000', CAR);
    expect(block).toEqual({
      namespace: 'CAR-1-US-1335-31-983-KS-2025-9205',
      firstUnit: 1,
      lastUnit: 5000,
      parts: { prefix: 'CAR', unitClass: '1', country: 'US', projectNumber: '1335', protocol: '31', segment6: '983', state: 'KS', vintage: 2025, batch: 9205 },
    });
    expect(blockQuantity(block)).toBe(5000);
    expect(parsed('CAR-ROC-US-1316-105-276-CA-2025-9388-2 to 25412', CAR).parts.unitClass).toBe('ROC');
  });

  it('reads ART serials and FCPF serials of units re-issued from the World Bank’s CATS', () => {
    expect(blockQuantity(parsed('ART-GY-102-2019-3-2500001 to 2600000', ART))).toBe(100000);
    const fcpf = parsed('FCPF-CI-130-2023-20-1 to 46404', ART);
    expect(fcpf.parts).toEqual({ prefix: 'FCPF', country: 'CI', projectNumber: '130', vintage: 2023, batch: 20 });
    expect(blockQuantity(fcpf)).toBe(46404);
  });

  it('tolerates extra spaces around "to"', () => {
    expect(blockQuantity(parsed('  ACR-US-934-2024-2891-58384   to  58673 ', ACR))).toBe(290);
  });

  it.each([
    ['', 'serial is blank'],
    ['ACR-US-934-2024-2891-58384', 'is not a block'],
    ['ACR-US-934-2024-2891-58673 to 58384', 'last unit 58384 is before first unit 58673'],
    ['VCS-US-934-2024-2891-1 to 5', 'starts with "VCS"'],
    ['ACR-US-934-2891-1 to 5', 'has 3 segments'],
    ['ACR-USA-934-2024-2891-1 to 5', 'country segment "USA"'],
    ['ACR-US-934-24-2891-1 to 5', 'vintage segment "24"'],
    ['ACR-US-934-2024-2891-0 to 5', 'first unit 0 is not positive'],
  ])('rejects %j with a reason', (serial, reason) => {
    const result = parseApxSerial(serial, ACR.serial);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toContain(reason);
  });

  it.each(registries.map((registry) => [registry.config.label, registry] as const))(
    'parses every %s fixture serial, and its range holds exactly the quantity column',
    (_label, { config, rows, count }) => {
      // registries.md §1: 150/150 ACR, 150/150 CAR, 11/11 ART.
      expect(rows).toHaveLength(count);
      const problems = rows.flatMap(({ serial, quantity }) => {
        const result = parseApxSerial(serial, config.serial);
        if ('error' in result) return [result.error];
        return blockQuantity(result) === quantity ? [] : [`${serial}: ${blockQuantity(result)} units vs quantity ${quantity}`];
      });
      expect(problems).toEqual([]);
    },
  );

  it.each(registries.map((registry) => [registry.config.label, registry] as const))(
    'every %s fixture serial names the row’s project number and vintage',
    (_label, { config, rows }) => {
      const problems = rows.flatMap(({ serial, project, vintage }) => {
        const { parts } = parsed(serial, config);
        return parts.projectNumber === project.replace(/^[A-Z]+/, '') && parts.vintage === vintage ? [] : [{ serial, project, vintage }];
      });
      expect(problems).toEqual([]);
    },
  );
});
