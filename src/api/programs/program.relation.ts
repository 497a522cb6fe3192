import type { ApiContext } from '../context.ts';
import { Program, toProgram } from './program.type.ts';

/**
 * The `program` of a project, credit or sync run, through the request's DataLoader. The
 * foreign key guarantees the row, so a miss is an internal fault (masked and logged).
 */
export async function loadProgram(ctx: ApiContext, programId: string): Promise<Program> {
  const row = await ctx.loaders.programs.byId.load(programId);
  if (!row) throw new Error(`program ${programId} is missing`);
  return toProgram(row);
}
