import { ArgsType } from 'type-graphql';
import { ConnectionArgs } from '../common/pagination.args.ts';

/** `programs(first, after)`: programs by code. */
@ArgsType()
export class ProgramsArgs extends ConnectionArgs {}
