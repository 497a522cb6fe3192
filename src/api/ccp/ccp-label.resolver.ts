/**
 * The CCP fields of other types, as field resolvers kept here rather than in the credit and
 * project modules: `Credit.ccpLabel`, `Project.ccpLabel`, and the relations of a label and of
 * an aggregate row. Every one goes through a per-request DataLoader.
 */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { Credit } from '../credits/credit.type.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { Program } from '../programs/program.type.ts';
import { Project } from '../projects/project.type.ts';
import { CcpAttributes, CcpLabel, CcpQuantity, ProjectCcpLabel, toCcpAttributes, toCcpLabel, toProjectCcpLabel } from './ccp-label.type.ts';
import { CcpDecision, CcpProgram, toCcpDecision, toCcpProgram } from './ccp-reference.type.ts';
import { ccpLoaders } from './ccp.loaders.ts';

@Resolver(() => Credit)
export class CreditCcpResolver {
  @FieldResolver(() => CcpLabel, {
    nullable: true,
    description: 'Whether these units may carry the ICVCM CCP-Approved label, why, and what the registry says; null until the credit is labelled.',
  })
  async ccpLabel(@Root() credit: Credit, @Ctx() ctx: ApiContext): Promise<CcpLabel | null> {
    const row = await ccpLoaders(ctx).labelByCreditId.load(credit.dbId);
    return row ? toCcpLabel(row) : null;
  }
}

@Resolver(() => Project)
export class ProjectCcpResolver {
  @FieldResolver(() => ProjectCcpLabel, { description: "CCP statuses of the project's credits, with quantities per vintage." })
  async ccpLabel(@Root() project: Project, @Ctx() ctx: ApiContext): Promise<ProjectCcpLabel> {
    return toProjectCcpLabel(await ccpLoaders(ctx).projectSummary.load(project.dbId));
  }
}

@Resolver(() => CcpLabel)
export class CcpLabelResolver {
  // The reasons and attributes are read apart from the rest of a page's labels, and only when
  // a response asks for them (ccp.queries.ts, CreditLabelSummaryRow).
  @FieldResolver(() => [String])
  async reasons(@Root() label: CcpLabel, @Ctx() ctx: ApiContext): Promise<string[]> {
    return (await ccpLoaders(ctx).labelDetails.load(label.creditId))?.reasons ?? [];
  }

  @FieldResolver(() => CcpAttributes)
  async attributes(@Root() label: CcpLabel, @Ctx() ctx: ApiContext): Promise<CcpAttributes> {
    return toCcpAttributes((await ccpLoaders(ctx).labelDetails.load(label.creditId))?.attributes ?? {});
  }

  @FieldResolver(() => CcpDecision, { nullable: true, description: 'The ICVCM decision the status rests on (null when the program or unit type decides, or no row applies).' })
  async decision(@Root() label: CcpLabel, @Ctx() ctx: ApiContext): Promise<CcpDecision | null> {
    if (label.decisionId === null) return null;
    const row = await ccpLoaders(ctx).decision.load({ version: label.referenceVersion, id: label.decisionId });
    return row ? toCcpDecision(row) : null;
  }

  @FieldResolver(() => CcpProgram, {
    nullable: true,
    description: 'The program whose eligibility was checked: the issuer of the units (the CDM for CERs held in another registry); null when the reference data does not list it.',
  })
  async issuingProgram(@Root() label: CcpLabel, @Ctx() ctx: ApiContext): Promise<CcpProgram | null> {
    const row = await ccpLoaders(ctx).program.load({ version: label.referenceVersion, id: label.issuingProgramId });
    return row ? toCcpProgram(row) : null;
  }
}

@Resolver(() => CcpQuantity)
export class CcpQuantityResolver {
  @FieldResolver(() => Program, { nullable: true, description: 'Set when grouped by PROGRAM.' })
  async program(@Root() quantity: CcpQuantity, @Ctx() ctx: ApiContext): Promise<Program | null> {
    return quantity.programId === null ? null : loadProgram(ctx, quantity.programId);
  }
}
