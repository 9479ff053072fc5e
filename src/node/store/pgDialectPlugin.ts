import {
  OperationNodeTransformer,
  type ColumnDefinitionNode,
  type DataTypeNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RawNode,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * The migrations and queries are written once, in SQLite's words; this rewrites the few that PostgreSQL reads
 * otherwise, so both stores run the same code:
 *  - `real` is a 4-byte float on PostgreSQL (times would lose their milliseconds): `double precision`;
 *  - `integer` is 4 bytes there (heights, sizes, ids must not wrap): `bigint`, read back as numbers (pgStore);
 *  - `integer primary key autoincrement` has no PostgreSQL spelling: `bigserial primary key`;
 *  - `+col` is SQLite's "do not use an index on col" (a planner hint; on text it is an error on PostgreSQL).
 */
class SqliteToPostgres extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    if (node.dataType === 'real') return { ...node, dataType: 'double precision' };
    if (node.dataType === 'integer') return { ...node, dataType: 'bigint' };
    return node;
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode, queryId?: unknown): ColumnDefinitionNode {
    const t = super.transformColumnDefinition(node, queryId as never);
    if (!t.autoIncrement) return t;
    return { ...t, autoIncrement: false, dataType: { kind: 'DataTypeNode', dataType: 'bigserial' } as DataTypeNode };
  }

  protected override transformRaw(node: RawNode): RawNode {
    const f = node.sqlFragments;
    if (f.length === 1 && /^\+[a-z_]+$/.test(f[0]!)) return { ...node, sqlFragments: [f[0]!.slice(1)] };
    return node;
  }
}

/** Rewrites only the statements that can hold what it rewrites (schema changes, selects with raw fragments). */
export class PostgresFromSqlitePlugin implements KyselyPlugin {
  private readonly transformer = new SqliteToPostgres();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    if (kind === 'CreateTableNode' || kind === 'AlterTableNode' || kind === 'SelectQueryNode')
      return this.transformer.transformNode(args.node, args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
